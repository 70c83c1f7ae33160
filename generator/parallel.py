"""Run independent jobs side by side in forked workers, results in the order given.

Forking lets a job be any closure (proof samplers are lambdas, which do not pickle); only the
results travel back. Where fork is unavailable, or there is one core, the jobs run in turn.
"""

from __future__ import annotations

import multiprocessing
import os
import re
from concurrent.futures import ProcessPoolExecutor
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


def run_all(jobs: Sequence[Callable[[], T]], workers: int | None = None,
            costs: Sequence[float] | None = None) -> list[T]:
    """Each job's result, in job order; the first exception (in job order) is raised as it was.

    ``costs`` (estimates) only change the order in which jobs start: the dearest first, so no
    long job starts last while the other workers sit idle.
    """
    global _JOBS
    workers = workers if workers is not None else min(len(jobs), default_workers())
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [job() for job in jobs]
    _JOBS = jobs
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
            order = sorted(range(len(jobs)), key=lambda k: -costs[k]) if costs else range(len(jobs))
            futures = {index: pool.submit(_run, index) for index in order}
            return [futures[index].result() for index in range(len(jobs))]
    finally:
        _JOBS = ()
