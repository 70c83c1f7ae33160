"""Publishing when Canvas fails: faults in Canvas's shapes, retried or stopped with a short message.

Against the local Canvas-like server (real HTTP, canvasapi unmodified), which queues faults per
route; a recoverable one is retried and publishing converges, a fatal one stops it with what was
done so far, and in every case nothing is open before its time and the token is never shown.
"""

from __future__ import annotations

import dataclasses
import io
import logging
from datetime import timedelta

import pytest

from generator.publish import State, publish_term

from canvas_server import (
    NOT_FOUND,
    canvas_error,
    dropped,
    invalid_token,
    key_target,
    quota_exceeded,
    rate_limited_403,
    term_of,
    too_many_requests,
)
from conftest import FOLDER, KEY, KEY_PATH, RERUN, TOKEN, assert_never_open_early, assert_published_once, failing

# --- faults --------------------------------------------------------------------------------


RECOVERABLE = {
    "429 with Retry-After": ("upload_start", [too_many_requests(2)]),
    "403 rate limit": ("create_folder", [rate_limited_403(), rate_limited_403()]),
    "500": ("upload_start", [canvas_error(500, "Internal server error")]),
    "502": ("update_file", [canvas_error(502, "Bad gateway")]),
    "503 twice": ("course", [canvas_error(503, "Service unavailable")] * 2),
    "5xx on read back": ("get_file", [canvas_error(503, "Service unavailable")]),
    "dropped before the upload": ("upload_data", [dropped()]),
    "dropped after the folder was created": ("create_folder", [dropped(after_apply=True)]),
    "dropped after the data was stored": ("upload_data", [dropped(after_apply=True)]),
    "dropped after the upload was confirmed": ("create_success", [dropped(after_apply=True)]),
    "dropped after the file was opened": ("update_file", [dropped(after_apply=True)]),
    "dropped while listing": ("folder_files", [dropped()]),
    "503 on the assignment": ("get_assignment", [canvas_error(503, "Service unavailable")]),
}


@pytest.mark.parametrize("phase", ["before", "after", "within an extension", "after the extension"])
@pytest.mark.parametrize("route, faults", RECOVERABLE.values(), ids=RECOVERABLE.keys())
def test_passing_faults_are_retried_and_publishing_converges(run, canvas, tmp_path, release, waits, route, faults,
                                                            phase):
    canvas.add_assignment(4321, "Activity 5", due_at=release - timedelta(hours=8))
    opens = release
    if "extension" in phase:
        opens = release + timedelta(days=3)
        canvas.add_override(4321, students=[42], title="A Student", lock_at=opens)
    target = key_target(tmp_path, key_release=release, assignment_id=4321)
    moment = {"before": release - timedelta(minutes=5), "after": release + timedelta(minutes=5),
              "within an extension": release + timedelta(hours=1),
              "after the extension": opens + timedelta(minutes=5)}[phase]
    canvas.set_now(moment)
    canvas.inject(route, *faults)
    _, out = run(target)
    assert_never_open_early(canvas, KEY_PATH, opens)
    assert "A Student" not in out
    if moment < opens:
        assert canvas.files == {}
    else:
        assert_published_once(canvas, opens, target.files[0].path.read_bytes())


FATAL = {
    "401 invalid token": ("course", [invalid_token()], 401, "rejected the access token", "New Access Token"),
    "401 not authorized": ("create_folder", [canvas_error(401, "user not authorized to perform that action")], 401,
                           "not authorized", "may manage its Files"),
    "403 forbidden": ("upload_start", [canvas_error(403, "user not authorized to perform that action")], 403,
                      "not authorized", "may manage its Files"),
    "404 course": ("course", [canvas_error(404, NOT_FOUND)], 404, "course 316365 was not found", "course_id"),
    "404 folder": ("upload_start", [canvas_error(404, NOT_FOUND)], 404, "could not find a folder", "deleted"),
    "409 conflict": ("upload_start", [canvas_error(409, "file is locked")], 409, "conflict", "Blueprint"),
    "400 quota": ("upload_start", [quota_exceeded()], 400, "quota is full", "raise the quota"),
    "400 other": ("create_folder", [canvas_error(400, "invalid name")], 400, "refused the request", "[canvas] folder"),
    "503 persists": ("upload_data", [canvas_error(503, "Service unavailable")] * 5, 503,
                     "kept failing (503) after 5 tries", "try again later"),
    "connection keeps dropping": ("update_file", [dropped()] * 5, None, "no answer from Canvas", "network"),
    "429 persists": ("upload_start", [too_many_requests(1)] * 5, 429, "rate-limiting", "wait a few minutes"),
    "Retry-After too long": ("course", [too_many_requests(3600)], 429, "rate-limiting", "wait a few minutes"),
    "403 rate limit persists": ("get_folder", [rate_limited_403()] * 5, 403, "rate-limiting", "wait"),
}


@pytest.mark.parametrize("route, faults, status, said, hint", FATAL.values(), ids=FATAL.keys())
def test_failures_stop_with_a_short_message_and_nothing_open_early(run, canvas, target, release, route, faults,
                                                                  status, said, hint):
    canvas.set_now(release + timedelta(minutes=1))
    canvas.inject(route, *faults)
    error = failing(run)
    assert error.status == status
    assert said in error.message
    assert hint in error.hint and RERUN in error.hint
    assert "Traceback" not in error.render() and TOKEN not in error.render()
    assert_never_open_early(canvas, KEY_PATH, release)
    canvas.set_now(release + timedelta(minutes=30))
    run()  # running it again finishes the job
    assert_published_once(canvas, release, target.files[0].path.read_bytes())


def test_a_stop_says_what_was_done(run, canvas, release):
    canvas.set_now(release + timedelta(minutes=1))
    canvas.inject("update_file", *[canvas_error(500, "Internal server error")] * 5)
    error = failing(run)
    assert "while setting activity05-key.pdf to open at 2027-02-18T08:00-08:00" in error.message
    assert "uploaded activity05-key.pdf" in error.message and "done so far" in error.message


def test_a_stop_before_anything_changed_says_so(run, canvas):
    canvas.inject("course", invalid_token())
    assert "done so far: nothing was changed on Canvas" in failing(run).message


def test_retry_after_is_honoured_and_5xx_back_off(run, canvas, release, waits):
    canvas.set_now(release + timedelta(minutes=1))
    canvas.inject("upload_start", too_many_requests(7))
    canvas.inject("update_file", canvas_error(503, "busy"), canvas_error(503, "busy"), canvas_error(503, "busy"))
    run()
    assert waits == [7, 0.01, 0.02, 0.04]


# --- dry runs and the environment ------------------------------------------------------------


def test_dry_run_without_a_token_sends_nothing(run, canvas):
    report, out = run(dry_run=True, environ={"CANVAS_BASE_URL": canvas.url})
    assert canvas.requests == []
    assert report.rows[0].state is State.NOT_READ and "nothing was sent to Canvas" in out


@pytest.mark.parametrize("environ", [{}, {"CANVAS_API_TOKEN": "  "}], ids=["unset", "blank"])
def test_a_missing_token_is_a_clear_error(run, canvas, environ):
    error = failing(run, environ={"CANVAS_BASE_URL": canvas.url, **environ})
    assert "CANVAS_API_TOKEN is not set" in error.message and "New Access Token" in error.hint
    assert canvas.requests == []


def test_a_missing_file_is_a_clear_error_before_anything_is_sent(run, canvas, target):
    target.files[0].path.unlink()
    error = failing(run)
    assert "does not exist" in error.message and "make pdf" in error.hint and canvas.requests == []


def test_canvas_base_url_overrides_the_config(run, canvas, target, tmp_path):
    canvas.set_now(target.key_release)
    report = publish_term(dataclasses.replace(term_of(tmp_path, target), base_url="https://canvas.invalid"),
                          dry_run=False, out=io.StringIO(), now=canvas.now,
                          environ={"CANVAS_API_TOKEN": TOKEN, "CANVAS_BASE_URL": canvas.url})
    assert report.base_url == canvas.url and canvas.files_in(FOLDER)


def test_the_token_appears_nowhere(run, canvas, tmp_path, release, capsys, caplog):
    caplog.set_level(logging.DEBUG)
    canvas.set_now(release + timedelta(minutes=1))
    texts = [run()[1], run(dry_run=True)[1]]
    canvas.inject("upload_data", dropped())
    canvas.inject("update_file", *[dropped()] * 5)
    (tmp_path / "output" / KEY).write_bytes(b"%PDF new")  # stale, so the faults on the upload are met
    texts.append(failing(run).render())
    canvas.inject("course", invalid_token())
    texts.append(failing(run).render())
    captured = capsys.readouterr()
    texts += [captured.out, captured.err]
    logged = [record.getMessage() for record in caplog.records]
    assert any("Authorization" in message for message in logged)  # canvasapi did log its headers
    texts += logged
    texts += [path.read_bytes().decode("latin-1") for path in tmp_path.rglob("*") if path.is_file()]
    assert any(".cache" in str(p) for p in tmp_path.rglob("*"))
    for text in texts:
        assert TOKEN not in text
        assert "****" + TOKEN[-4:] not in text
