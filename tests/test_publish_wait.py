"""`make publish WAIT=1`: sleep until the next release by Canvas's clock, publish, repeat.

The sleeps are the test's: each one moves the local Canvas-like server's clock on by as much,
so the loop is seen across real releases without waiting for them.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest

from generator.errors import CanvasError
from generator.publish import RetryPolicy, publish_term, wait_and_publish

from canvas_server import canvas_error, invalid_token, key_target, term_of

TOKEN = "7~cnvsTESTtoken-wait-31"
KEY_PATH = "Answer keys/Activity 05/activity05-key.pdf"


@pytest.fixture
def loop(canvas, tmp_path, release):
    slept: list[float] = []
    out = io.StringIO()
    targets = [key_target(tmp_path, key_release=release),
               key_target(tmp_path, activity="activity06", folder="Answer keys/Activity 06",
                          key_release=release + timedelta(hours=3))]

    def publish():
        return publish_term(term_of(tmp_path, *targets), dry_run=False, out=out, now=canvas.now,
                            environ={"CANVAS_API_TOKEN": TOKEN, "CANVAS_BASE_URL": canvas.url},
                            retry=RetryPolicy(attempts=2, first_delay=0, max_delay=0, sleep=lambda s: None))

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        canvas.set_now(canvas.now + timedelta(seconds=seconds))

    def go(sleep=sleep):
        return wait_and_publish(publish, out=out, sleep=sleep)

    return go, slept, out


def test_it_sleeps_until_each_release_publishes_it_and_stops_when_none_is_left(loop, canvas, release):
    go, slept, out = loop
    canvas.set_now(release - timedelta(minutes=2))
    assert go() == 0
    assert slept == pytest.approx([125.0, 3600.0, 3600.0, 3600.0], abs=1)  # past each release, an hour at most
    assert canvas.openable_paths() == {KEY_PATH, "Answer keys/Activity 06/activity06-key.pdf"}
    for entry in canvas.audit:
        if entry.at < release:
            assert KEY_PATH not in entry.openable
    assert "Nothing of the term is waiting for its release: done." in out.getvalue()


def test_a_long_wait_is_taken_an_hour_at_a_time(loop, canvas, release):
    go, slept, _ = loop
    canvas.set_now(release - timedelta(hours=2, minutes=30))
    assert go() == 0
    assert slept[:3] == pytest.approx([3600.0, 3600.0, 1805.0], abs=1)


def test_ctrl_c_stops_it_cleanly(loop, canvas, release):
    go, slept, out = loop

    def interrupted(seconds):
        raise KeyboardInterrupt

    assert go(sleep=interrupted) == 0
    assert "stopped (Ctrl-C)" in out.getvalue() and canvas.files == {}


def test_an_outage_is_waited_out(loop, canvas, release):
    go, slept, out = loop
    canvas.set_now(release - timedelta(seconds=30))
    canvas.inject("course", *[canvas_error(503, "Service unavailable")] * 2)
    assert go() == 0
    assert slept[0] == 300.0 and "waiting 5 minutes before trying again" in out.getvalue()
    assert KEY_PATH in canvas.openable_paths()


def test_a_mistake_stops_it(loop, canvas):
    go, _, _ = loop
    canvas.inject("course", invalid_token())
    with pytest.raises(CanvasError) as caught:
        go()
    assert caught.value.status == 401
