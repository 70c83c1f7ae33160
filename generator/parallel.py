"""Run independent jobs side by side in forked workers.

Forking lets a job be any closure (proof samplers are lambdas, which do not pickle); only the
results travel back. A ``Batch`` starts every job at once and lets the caller wait for some of
them while the others go on. Where fork is unavailable, or there is one core, jobs run in turn.
"""

from __future__ import annotations

import multiprocessing
import os
import re
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Callable, Sequence, TypeVar

T = TypeVar("T")
_JOBS: Sequence[Callable[[], object]] = ()


def default_workers() -> int:
    """Every core, unless make already runs builds side by side (make -jN): then one each."""
    jobs = re.search(r"(?:^|\s)-j\s*(\d*)", os.environ.get("MAKEFLAGS", ""))
    if jobs and jobs.group(1) != "1":
        return 1
    return os.cpu_count() or 1


def _run(index: int):
    return _JOBS[index]()


class Batch:
    """Jobs started together; ``result(k)`` waits for job k only. Use as a context manager.

    ``costs`` (estimates) set the order in which jobs start: the dearest first, so no long job
    starts last while the other workers sit idle.
    """

    def __init__(self, jobs: Sequence[Callable[[], T]], workers: int | None = None,
                 costs: Sequence[float] | None = None):
        self.jobs = jobs
        self.workers = workers if workers is not None else min(len(jobs), default_workers())
        self.costs = costs
        self.pool: ProcessPoolExecutor | None = None
        self.futures: dict[int, Future] = {}

    def __enter__(self) -> "Batch":
        global _JOBS
        if self.workers >= 2 and "fork" in multiprocessing.get_all_start_methods():
            _JOBS = self.jobs
            self.pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=multiprocessing.get_context("fork"))
            order = sorted(range(len(self.jobs)), key=lambda k: -self.costs[k]) if self.costs else range(len(self.jobs))
            self.futures = {index: self.pool.submit(_run, index) for index in order}
        return self

    def result(self, index: int):
        """Job ``index``'s result (run here and now when there is no pool); its exception as raised."""
        if self.pool is None:
            return self.jobs[index]()
        return self.futures[index].result()

    def __exit__(self, *exc) -> None:
        global _JOBS
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=exc[0] is not None)
            _JOBS = ()


def run_all(jobs: Sequence[Callable[[], T]], workers: int | None = None,
            costs: Sequence[float] | None = None) -> list[T]:
    """Each job's result, in job order; the first exception (in job order) is raised as it was."""
    with Batch(jobs, workers, costs) as batch:
        return [batch.result(index) for index in range(len(jobs))]
