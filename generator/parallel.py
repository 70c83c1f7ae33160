"""Run independent jobs side by side in forked workers.

Forking lets a job be any closure (proof samplers are lambdas, which do not pickle); only the
results travel back. A ``Batch`` starts every job at once and lets the caller wait for some of
them while the others go on. A ``Server`` is one worker whose preparation (importing matplotlib)
overlaps the caller's own work; it takes picklable jobs later. Where fork is unavailable, or
there is one core, jobs run in turn.
"""

from __future__ import annotations

import contextlib
import functools
import os
import pickle
import re
import signal
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:  # imported when a pool is made: a no-op build makes none
    from concurrent.futures import Future, ProcessPoolExecutor

T = TypeVar("T")
_JOBS: Sequence[Callable[[], object]] = ()
_IN_WORKER = False  # set in a worker: its jobs start no workers of their own


def default_workers() -> int:
    """Every core, unless builds already run side by side (make -jN, or ``side_by_side``):
    then one each."""
    jobs = re.search(r"(?:^|\s)-j\s*(\d*)", os.environ.get("MAKEFLAGS", ""))
    if _IN_WORKER or (jobs and jobs.group(1) != "1"):
        return 1
    return os.cpu_count() or 1


def _can_fork() -> bool:
    import multiprocessing  # here, not at the top: a build that starts no process imports none of it

    return "fork" in multiprocessing.get_all_start_methods()


def _fork_context():
    import multiprocessing

    return multiprocessing.get_context("fork")


def _run(index: int):
    global _IN_WORKER
    _IN_WORKER = True
    return _JOBS[index]()


class Batch:
    """Jobs started together; ``result(k)`` waits for job k only. Use as a context manager.

    ``costs`` (estimates) set the order: the dearest first, so no long job starts last while the
    other workers sit idle.
    """

    def __init__(self, jobs: Sequence[Callable[[], T]], workers: int | None = None,
                 costs: Sequence[float] | None = None):
        self.jobs = jobs
        self.workers = workers if workers is not None else min(len(jobs), default_workers())
        self.costs = costs or [0.0] * len(jobs)
        self.pool: ProcessPoolExecutor | None = None
        self.futures: dict[int, Future] = {}

    def __enter__(self) -> Batch:
        global _JOBS
        if self.workers >= 2 and _can_fork():
            _JOBS = self.jobs
            from concurrent.futures import ProcessPoolExecutor

            self.pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=_fork_context())
            order = sorted(range(len(self.jobs)), key=lambda k: -self.costs[k])
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


def side_by_side(jobs: Sequence[Callable[[], T]]) -> list[T]:
    """Whole builds that share nothing (activities, of one term or of the course), one process
    each, even under make -jN: each runs its stages in turn with no workers of its own. One more
    process than cores runs at a time and the kernel shares the cores between them, so no core
    idles while a build waits for TeX, or while the last one finishes alone. Results in job order;
    the first exception (in job order) as raised."""
    return run_all(jobs, workers=min(len(jobs), (os.cpu_count() or 1) + 1))


def _serve(connection, callers_end, prepare: Callable[[], None] | None) -> None:
    """The server's loop: run each job it is sent, in order, and send back (ok, value).

    ``None`` asks it to stop (forked children may hold the caller's end open, so the end of the
    pipe alone is not a signal); SIGTERM stops it with clean-ups run (lock files, temporaries).
    A failed preparation is every job's answer.
    """
    callers_end.close()  # inherited through fork; open here, it would hide the caller's EOF
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    stop: list[bool] = []
    sys.unraisablehook = functools.partial(_exit_later, stop, sys.unraisablehook)
    failure: BaseException | None = None
    try:
        if prepare is not None:
            try:
                prepare()
            except Exception as exc:  # noqa: BLE001  reported with the first job
                failure = exc
            if stop:
                return
        while True:
            try:
                job = connection.recv()
            except EOFError:
                return  # the caller is gone
            if job is None:
                return
            function, args = job
            try:
                if failure is not None:
                    raise failure
                reply = (True, function(*args))
            except Exception as exc:  # noqa: BLE001  sent back and raised in the caller
                reply = (False, exc)
            try:
                connection.send(reply)
            except (pickle.PicklingError, TypeError, AttributeError) as exc:  # an error that does not pickle
                connection.send((False, RuntimeError(f"{reply[1]!r} (its value could not be sent back: {exc})")))
    except (KeyboardInterrupt, BrokenPipeError):
        return  # interrupted, or the caller stopped listening


def _exit_later(stop: list, default: Callable, unraisable) -> None:
    """SIGTERM's exit raised in a callback that cannot raise (an import's lock clean-up) is only
    printed ("Exception ignored in ..."): note it instead, to stop once the preparation is over."""
    if isinstance(unraisable.exc_value, SystemExit):
        stop.append(True)
    else:
        default(unraisable)


class Server:
    """One worker process, forked now, that runs picklable jobs in the order they are sent.

    ``prepare`` runs in it at once, so a slow import there overlaps whatever the caller does
    next. ``submit`` returns a ticket; ``result(ticket)`` waits for that job. Without fork or
    with one core (or under make -jN) there is no process and each job runs when submitted.
    Use as a context manager.
    """

    def __init__(self, prepare: Callable[[], None] | None = None, workers: int | None = None):
        self.prepare = prepare
        self.parallel = ((workers if workers is not None else default_workers()) >= 2
                         and _can_fork())
        self.process = None
        self.connection = None
        self.sent = 0
        self.replies: list[tuple[bool, object]] = []

    def __enter__(self) -> Server:
        if self.parallel:
            context = _fork_context()
            self.connection, child = context.Pipe()
            self.process = context.Process(target=_serve, args=(child, self.connection, self.prepare), daemon=True)
            self.process.start()
            child.close()  # so the server's end closes with the server, and a dead server reads as EOF
        return self

    def submit(self, function: Callable, *args) -> int:
        if self.connection is None:
            try:
                self.replies.append((True, function(*args)))
            except Exception as exc:  # noqa: BLE001  raised by result(), as with a process
                self.replies.append((False, exc))
        else:
            try:
                self.connection.send((function, args))
            except (BrokenPipeError, ConnectionResetError):
                self._stopped()
        self.sent += 1
        return self.sent - 1

    def _stopped(self):
        raise RuntimeError(f"the worker process stopped (exit code {self.process.exitcode})") from None

    def result(self, ticket: int):
        while len(self.replies) <= ticket:
            try:
                self.replies.append(self.connection.recv())
            except (EOFError, ConnectionResetError):
                self._stopped()
        ok, value = self.replies[ticket]
        if not ok:
            raise value
        return value

    def cancel(self) -> None:
        """Stop the process at once, if it has not been sent a job (so nothing can be half done);
        later jobs run here."""
        if self.connection is not None and self.sent == 0:
            self.connection.close()  # a server already waiting for jobs reads the end and stops
            self.connection = None
            self.process.terminate()  # one still preparing stops with its clean-ups run (lock files)
            self.process.join(timeout=2)
            if self.process.is_alive():  # SIGTERM went to one of its threads (OpenBLAS), or was swallowed
                self.process.kill()
                self.process.join()

    def __exit__(self, *exc) -> None:
        if exc[0] is not None:
            self.cancel()  # an error before any job: do not wait for the preparation
        if self.connection is not None:
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # it has stopped already
                self.connection.send(None)  # stop after the current job (files are written whole)
            self.connection.close()
            self.process.join()
