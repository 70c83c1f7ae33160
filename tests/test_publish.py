"""Publishing to Canvas, against a local Canvas-like server over real HTTP (canvasapi unmodified).

The server records, after every request, which files a student could open at its clock; every
test checks that the key was never among them before its release time.
"""

from __future__ import annotations

import dataclasses
import io
import logging
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from canvasapi import Canvas

from canvas_server import (NOT_FOUND, NOW, FakeCanvas, canvas_error, dropped, invalid_token, quota_exceeded,
                           rate_limited_403, too_many_requests)
from generator.errors import CanvasError
from generator.publish import PublishItem, RetryPolicy, publish_semester

TOKEN = "7~cnvsTESTtoken-q8Lw-9ZxW"
FOLDER = "Answer keys/Activity 05"
HANDOUT_FOLDER = "Answer keys/Activity 05 handout"
KEY = "activity05-key.pdf"
KEY_PATH = f"{FOLDER}/{KEY}"
HANDOUT_PATH = f"{HANDOUT_FOLDER}/activity05-handout.pdf"
RERUN = "make publish SEMESTER=2027-spring"



@pytest.fixture
def canvas(config):
    server = FakeCanvas(token=TOKEN, course_id=config.canvas.course_id, now=NOW).start()
    yield server
    server.stop()


@pytest.fixture
def key_pdf(tmp_path) -> Path:
    path = tmp_path / "output" / KEY
    path.parent.mkdir()
    path.write_bytes(b"%PDF-1.5\n% answer key\n\x00\xff\r\n%%EOF\n")
    return path


@pytest.fixture
def waits() -> list[float]:
    return []


@pytest.fixture
def run(config, canvas, key_pdf, waits, release):
    """Publish the key (or given items) to the fake Canvas; returns (report, printed text)."""

    def publish(items=None, *, dry_run=False, environ=None, now=NOW, cfg=None):
        out = io.StringIO()
        report = publish_semester(
            cfg or config, items or [PublishItem(key_pdf, KEY, release)], dry_run=dry_run,
            environ={"CANVAS_API_TOKEN": TOKEN, "CANVAS_BASE_URL": canvas.url} if environ is None else environ,
            out=out, now=now,
            retry=RetryPolicy(attempts=5, first_delay=0.01, max_delay=0.05, longest_retry_after=60, sleep=waits.append))
        return report, out.getvalue()

    return publish


def failing(run, **kwargs) -> CanvasError:
    with pytest.raises(CanvasError) as caught:
        run(**kwargs)
    return caught.value


def assert_never_open_early(canvas: FakeCanvas, path: str, release: datetime) -> None:
    checked = [entry for entry in canvas.audit if entry.at < release]
    assert checked, "the audit recorded no request before the release time"
    for entry in checked:
        assert path not in entry.openable, f"students could open {path} after {entry.request}"


def assert_published_once(canvas: FakeCanvas, release: datetime, content: bytes) -> None:
    """One folder, one file of that name, both opening at the release."""
    assert canvas.subfolders("Answer keys").count("Activity 05") == 1
    folder = canvas.folder_at(FOLDER)
    assert (folder.access.locked, folder.access.unlock_at, folder.access.lock_at) == (False, release, None)
    keys = [f for f in canvas.files_in(FOLDER) if f.display_name.startswith("activity05-key")]
    assert [f.display_name for f in keys] == [KEY]
    assert keys[0].content == content
    access = keys[0].access
    assert (access.locked, access.unlock_at, access.lock_at, access.hidden) == (False, release, None, False)


# --- the normal course of things -----------------------------------------------------------


@pytest.mark.parametrize("upload_confirm", ["redirect", "created"])
def test_first_publish_creates_the_folder_closed_and_schedules_the_key(config, key_pdf, release, upload_confirm,
                                                                       waits):
    canvas = FakeCanvas(token=TOKEN, course_id=config.canvas.course_id, now=NOW, upload_confirm=upload_confirm).start()
    try:
        out = io.StringIO()
        report = publish_semester(config, [PublishItem(key_pdf, KEY, release)], dry_run=False,
                                  environ={"CANVAS_API_TOKEN": TOKEN, "CANVAS_BASE_URL": canvas.url}, out=out,
                                  now=NOW, retry=RetryPolicy(sleep=waits.append))
        assert_published_once(canvas, release, key_pdf.read_bytes())
        assert_never_open_early(canvas, KEY_PATH, release)
        assert [(p.remote_name, p.folder, p.opens_at) for p in report.published] == [(KEY, FOLDER, release)]
        assert report.published[0].file_id == canvas.files_in(FOLDER)[0].id
        assert not report.dry_run and waits == []
        assert "verified: activity05-key.pdf" in out.getvalue()
        routes = [r.route for r in canvas.requests]
        assert "course_upload_start" not in routes  # never an upload that creates open folders
        assert routes.index("create_folder") < routes.index("upload_start")
    finally:
        canvas.stop()


def test_the_key_opens_by_itself_at_the_release_time(run, canvas, release):
    run()
    requests_made = len(canvas.requests)
    assert not canvas.student_can_open(KEY_PATH, at=release - timedelta(seconds=1))
    canvas.set_now(release)
    assert canvas.student_can_open(KEY_PATH)
    canvas.set_now(release + timedelta(days=30))
    assert canvas.student_can_open(KEY_PATH)
    assert len(canvas.requests) == requests_made  # nobody touched Canvas


def test_publishing_again_replaces_the_file_in_place_with_the_same_settings(run, canvas, key_pdf, release):
    first, _ = run()
    key_pdf.write_bytes(b"%PDF-1.5\n% corrected key\n%%EOF\n")
    second, out = run()
    assert_published_once(canvas, release, key_pdf.read_bytes())
    assert f"replace {KEY} in '{FOLDER}' (now file {first.published[0].file_id})" in out
    assert "keep folder 'Answer keys/Activity 05' as it is" in out
    writes = [r.route for r in canvas.requests[-12:] if r.route in ("create_folder", "update_folder")]
    assert writes == []  # the folder was already right: left alone
    assert second.published[0].opens_at == first.published[0].opens_at
    assert_never_open_early(canvas, KEY_PATH, release)


def test_an_existing_open_folder_is_closed_before_the_upload(run, canvas, release):
    canvas.add_folder(FOLDER)
    canvas.add_file(FOLDER, "notes.pdf", b"notes")
    assert canvas.student_can_open(f"{FOLDER}/notes.pdf")
    _, out = run()
    assert "close folder 'Answer keys/Activity 05' (now: open to students) until 2027-02-18T08:00-08:00" in out
    assert "1 other file(s) in it too: notes.pdf" in out
    routes = [r.route for r in canvas.requests]
    assert routes.index("update_folder") < routes.index("upload_start")
    assert_published_once(canvas, release, canvas.files_in(FOLDER)[0].content)
    assert_never_open_early(canvas, KEY_PATH, release)


def test_an_unpublished_folder_is_set_to_open_by_itself(run, canvas, release):
    canvas.add_folder(FOLDER, locked=True)
    _, out = run()
    assert "change folder 'Answer keys/Activity 05' (now: unpublished (locked), so it never opens by itself) " \
           "to be closed until 2027-02-18T08:00-08:00, then open by itself" in out
    assert canvas.folder_at(FOLDER).access.locked is False
    canvas.set_now(release)
    assert canvas.student_can_open(KEY_PATH)


def test_an_existing_key_found_on_a_later_page_is_replaced_not_duplicated(config, key_pdf, release, waits):
    canvas = FakeCanvas(token=TOKEN, course_id=config.canvas.course_id, now=NOW, max_per_page=3).start()
    try:
        for n in range(10):
            canvas.add_file(FOLDER, f"a{n:02}.pdf", b"other", unlock_at=release)
        old = canvas.add_file(FOLDER, KEY, b"old key", unlock_at=release)
        canvas.add_folder(FOLDER, unlock_at=release)
        out = io.StringIO()
        publish_semester(config, [PublishItem(key_pdf, KEY, release)], dry_run=False, out=out, now=NOW,
                         environ={"CANVAS_API_TOKEN": TOKEN, "CANVAS_BASE_URL": canvas.url},
                         retry=RetryPolicy(sleep=waits.append))
        assert f"(now file {old.id})" in out.getvalue()
        assert_published_once(canvas, release, key_pdf.read_bytes())
        assert sum(1 for r in canvas.requests if r.route == "folder_files") >= 8  # 4 pages, twice
    finally:
        canvas.stop()


def test_the_handout_goes_to_a_sibling_folder_opening_at_its_own_time(run, canvas, config, key_pdf, tmp_path):
    handout = tmp_path / "output" / "activity05-handout.pdf"
    handout.write_bytes(b"%PDF-1.5\n% questions\n%%EOF\n")
    key_time, handout_time = config.activity.key_release, config.activity.handout_release
    run([PublishItem(key_pdf, KEY, key_time), PublishItem(handout, "activity05-handout.pdf", handout_time)])
    assert_never_open_early(canvas, KEY_PATH, key_time)
    assert_never_open_early(canvas, HANDOUT_PATH, handout_time)
    before = handout_time - timedelta(seconds=1)
    assert canvas.openable_paths(before) == frozenset()
    assert canvas.openable_paths(handout_time) == {HANDOUT_PATH}
    assert canvas.openable_paths(key_time - timedelta(seconds=1)) == {HANDOUT_PATH}
    assert canvas.openable_paths(key_time) == {HANDOUT_PATH, KEY_PATH}


def test_a_closed_parent_folder_that_would_keep_the_key_shut_is_reported(run, canvas, release):
    canvas.add_folder("Answer keys", locked=True)
    error = failing(run)
    assert "'course files/Answer keys'" in error.message and "would not open" in error.message
    assert_never_open_early(canvas, KEY_PATH, release)


def test_a_release_time_already_past_opens_the_key_at_once(run, canvas, release):
    later = release + timedelta(hours=1)
    canvas.set_now(later)
    _, out = run(now=later)
    assert "has passed" in out
    assert canvas.student_can_open(KEY_PATH)


# --- faults that pass ----------------------------------------------------------------------


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
    "dropped after the file was scheduled": ("update_file", [dropped(after_apply=True)]),
    "dropped while listing": ("folder_files", [dropped()]),
}


@pytest.mark.parametrize("route, faults", RECOVERABLE.values(), ids=RECOVERABLE.keys())
def test_passing_faults_are_retried_and_publishing_converges(run, canvas, key_pdf, release, waits, route, faults):
    canvas.inject(route, *faults)
    report, _ = run()
    assert len(waits) == len(faults)
    assert_published_once(canvas, release, key_pdf.read_bytes())
    assert report.published[0].file_id == canvas.files_in(FOLDER)[0].id
    assert_never_open_early(canvas, KEY_PATH, release)


def test_retry_after_is_honoured_and_5xx_back_off(run, canvas, waits):
    canvas.inject("upload_start", too_many_requests(7))
    canvas.inject("update_file", canvas_error(503, "busy"), canvas_error(503, "busy"), canvas_error(503, "busy"))
    run()
    assert waits == [7, 0.01, 0.02, 0.04]


# --- faults that stop publishing -----------------------------------------------------------


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
def test_failures_stop_with_a_short_message_and_nothing_open(run, canvas, release, route, faults, status, said,
                                                            hint):
    canvas.inject(route, *faults)
    error = failing(run)
    assert error.status == status
    assert said in error.message
    assert hint in error.hint and RERUN in error.hint
    assert "Traceback" not in error.render() and TOKEN not in error.render()
    assert_never_open_early(canvas, KEY_PATH, release)
    assert KEY_PATH not in canvas.openable_paths()


def test_a_stop_after_the_upload_says_what_happened_and_a_rerun_finishes(run, canvas, key_pdf, release):
    canvas.inject("update_file", *[canvas_error(500, "Internal server error")] * 5)
    error = failing(run)
    assert "while setting activity05-key.pdf to open at 2027-02-18T08:00-08:00" in error.message
    assert "uploaded activity05-key.pdf" in error.message
    assert "nothing in 'Answer keys/Activity 05' opens before 2027-02-18T08:00-08:00" in error.message
    stranded = canvas.files_in(FOLDER)[0]
    assert stranded.access.unlock_at is None  # the file's own release was never set...
    assert not canvas.student_can_open(KEY_PATH)  # ...yet the closed folder keeps it shut
    run()
    assert_published_once(canvas, release, key_pdf.read_bytes())
    assert_never_open_early(canvas, KEY_PATH, release)


def test_a_stop_before_anything_changed_says_so(run, canvas):
    canvas.inject("course", invalid_token())
    error = failing(run)
    assert "done so far: nothing was changed on Canvas" in error.message
    assert "activity05-key.pdf was not uploaded" in error.message


# --- dry run, credentials, addresses --------------------------------------------------------


def test_dry_run_prints_the_plan_and_changes_nothing(run, canvas):
    canvas.add_folder(FOLDER)
    report, out = run(dry_run=True)
    assert {r.method for r in canvas.requests} == {"GET"}
    assert canvas.folder_at(FOLDER).access.unlock_at is None and canvas.files_in(FOLDER) == []
    assert "close folder 'Answer keys/Activity 05' (now: open to students) until 2027-02-18T08:00-08:00, " \
           "when it opens by itself" in out
    assert f"as {KEY} into '{FOLDER}' with on_duplicate=overwrite" in out
    assert "then set the file itself to open at 2027-02-18T08:00-08:00" in out
    assert "Dry run: nothing was changed on Canvas" in out
    assert report.dry_run and report.published == ()


def test_dry_run_without_a_token_sends_nothing(run, canvas):
    report, out = run(dry_run=True, environ={"CANVAS_BASE_URL": canvas.url})
    assert canvas.requests == []
    assert "make sure folder 'Answer keys/Activity 05' is closed to students until 2027-02-18T08:00-08:00" in out
    assert "Canvas was not consulted" in out and report.plan.read_canvas is False


@pytest.mark.parametrize("environ", [{}, {"CANVAS_API_TOKEN": "  "}], ids=["unset", "blank"])
def test_a_missing_token_is_a_clear_error(run, canvas, environ):
    error = failing(run, environ={"CANVAS_BASE_URL": canvas.url, **environ})
    assert "CANVAS_API_TOKEN is not set" in error.message
    assert "Account > Settings" in error.hint and "New Access Token" in error.hint
    assert canvas.requests == []


def test_canvas_base_url_overrides_the_config(run, canvas, config, release):
    elsewhere = dataclasses.replace(config, canvas=dataclasses.replace(config.canvas, base_url="https://canvas.invalid"))
    report, _ = run(cfg=elsewhere)
    assert report.base_url == canvas.url
    assert canvas.files_in(FOLDER)


def test_the_token_appears_nowhere(run, canvas, tmp_path, capsys, caplog):
    caplog.set_level(logging.DEBUG)
    texts = []
    texts.append(run()[1])
    texts.append(run(dry_run=True)[1])
    canvas.inject("upload_data", dropped())
    canvas.inject("update_file", *[dropped()] * 5)
    texts.append(failing(run).render())
    canvas.inject("course", invalid_token())
    texts.append(failing(run).render())
    captured = capsys.readouterr()
    texts += [captured.out, captured.err]
    logged = [record.getMessage() for record in caplog.records]
    assert any("Authorization" in message for message in logged)  # canvasapi did log its headers
    texts += logged
    texts += [path.read_bytes().decode("latin-1") for path in tmp_path.rglob("*") if path.is_file()]
    for text in texts:
        assert TOKEN not in text
        assert "****" + TOKEN[-4:] not in text


# --- the test server itself -----------------------------------------------------------------


@pytest.mark.filterwarnings("ignore:Canvas may respond unexpectedly when making requests to HTTP URLs")
def test_the_audit_catches_a_naive_upload(canvas, config, key_pdf):
    """Uploading with parent_folder_path (canvasapi's obvious call) creates open folders: exposed."""
    course = Canvas(canvas.url, TOKEN).get_course(config.canvas.course_id)
    course.upload(str(key_pdf), parent_folder_path=FOLDER)
    assert canvas.student_can_open(KEY_PATH)
    assert KEY_PATH in canvas.audit[-1].openable
