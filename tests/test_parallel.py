"""The process helpers of the cold build: results and errors come back as if run in turn."""

from __future__ import annotations

import os

import pytest

from generator.parallel import Batch, Server


def _pid_and_niceness():
    return os.getpid(), os.nice(0)


def _fail(message: str):
    raise ValueError(message)


def _square(n: int) -> int:
    return n * n


@pytest.mark.parametrize("workers", [1, 2])
def test_a_server_returns_each_result_to_its_ticket_and_raises_a_jobs_error_there(workers):
    with Server(workers=workers) as server:
        tickets = [server.submit(_square, n) for n in range(5)]
        failing = server.submit(_fail, "no such point")
        after = server.submit(_square, 7)
        assert server.result(after) == 49  # an earlier job's error does not block later ones
        with pytest.raises(ValueError, match="no such point"):
            server.result(failing)
        assert [server.result(t) for t in reversed(tickets)] == [16, 9, 4, 1, 0]


def test_a_server_runs_jobs_in_a_process_of_its_own():
    with Server(workers=2) as server:
        pid, _ = server.result(server.submit(_pid_and_niceness))
    assert pid != os.getpid()


def test_a_dead_server_is_an_error_not_a_hang():
    with Server(workers=2) as server:
        server.result(server.submit(_square, 2))
        server.process.kill()
        server.process.join()
        with pytest.raises(RuntimeError, match="stopped"):
            server.result(server.submit(_square, 3))


def test_without_a_pool_jobs_run_here_at_the_callers_priority():
    start = os.nice(0)
    with Batch([_pid_and_niceness], workers=1) as batch:
        assert batch.result(0) == (os.getpid(), start)


def _prepare_forever():
    import time

    time.sleep(600)


def test_an_error_before_any_job_stops_the_preparing_server_instead_of_waiting_for_it():
    import signal

    with pytest.raises(KeyError), Server(_prepare_forever, workers=2) as server:
        raise KeyError("bad config")
    assert server.process.exitcode in (0, -signal.SIGTERM)  # stopped, not waited for


def _prepare_badly():
    raise ImportError("matplotlib is broken")


class _Unpicklable(Exception):
    def __reduce__(self):
        raise TypeError("cannot pickle this")


def _fail_unpicklably():
    raise _Unpicklable("lambda inside")


def test_a_failed_preparation_is_the_error_of_each_job_not_a_dead_process():
    with Server(_prepare_badly, workers=2) as server:
        ticket = server.submit(_square, 3)
        with pytest.raises(ImportError, match="matplotlib is broken"):
            server.result(ticket)


def test_an_error_that_cannot_be_sent_back_still_arrives_as_an_error():
    with Server(workers=2) as server:
        failing, after = server.submit(_fail_unpicklably), server.submit(_square, 4)
        with pytest.raises(RuntimeError, match="lambda inside"):
            server.result(failing)
        assert server.result(after) == 16


def test_a_server_stops_even_while_forked_children_hold_its_pipe():
    """A pool forked inside the server's block keeps a copy of the pipe; the stop is explicit."""
    batch = Batch([_pid_and_niceness] * 2, workers=2)
    with Server(workers=2) as server:
        server.result(server.submit(_square, 2))
        batch.__enter__()
        batch.result(0)
    assert not server.process.is_alive()
    batch.__exit__(None, None, None)


def _deaf_to_sigterm():
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # as if a thread of NumPy's had taken the signal


def _deaf_and_busy():
    import time

    _deaf_to_sigterm()
    time.sleep(600)


@pytest.mark.parametrize("prepare", [_deaf_to_sigterm, _deaf_and_busy], ids=["waiting for jobs", "preparing"])
def test_cancelling_stops_a_server_that_does_not_hear_sigterm(prepare):
    import time

    with Server(prepare, workers=2) as server:
        time.sleep(0.3)  # let it stop hearing SIGTERM (and, for the first, start waiting for a job)
        server.cancel()
        assert not server.process.is_alive()


class _SlowToDelete:
    def __del__(self):
        import time

        time.sleep(0.02)  # a clean-up where no exception can get out, as in an import's lock callback


def _clean_up_for_a_second():
    import time

    until = time.monotonic() + 1
    while time.monotonic() < until:
        _SlowToDelete()


def test_cancelling_a_server_caught_in_a_clean_up_stops_it_quietly(capfd, monkeypatch):
    """SIGTERM's exit raised where Python can only print it ("Exception ignored in ...") must
    neither reach the terminal nor be lost: the server stops when its preparation is over."""
    import sys
    import time

    monkeypatch.setattr(sys, "unraisablehook", sys.__unraisablehook__)  # pytest's own collects, not prints
    with Server(_clean_up_for_a_second, workers=2) as server:
        time.sleep(0.3)
        server.cancel()
    assert server.process.exitcode == 0, "stopped by its SIGTERM handler, not killed"
    assert "Exception ignored" not in capfd.readouterr().err


def _pid_and_workers():
    from generator.parallel import default_workers

    return os.getpid(), default_workers()


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="side by side needs two cores to use two processes")
def test_builds_side_by_side_run_in_processes_of_their_own_even_under_make_j_and_start_no_workers(monkeypatch):
    from generator.parallel import side_by_side

    monkeypatch.setenv("MAKEFLAGS", " -j2 --jobserver-auth=3,4")
    results = side_by_side([_pid_and_workers, _pid_and_workers])
    assert all(pid != os.getpid() for pid, _ in results), "each build forks from this process"
    assert [workers for _, workers in results] == [1, 1], "a build side by side starts no pool of its own"


def test_builds_side_by_side_return_in_order_and_raise_the_first_error():
    from generator.parallel import side_by_side

    assert side_by_side([lambda: 1, lambda: 2, lambda: 3]) == [1, 2, 3]
    with pytest.raises(ValueError, match="first"):
        side_by_side([lambda: 1, lambda: _fail("first"), lambda: _fail("second")])
