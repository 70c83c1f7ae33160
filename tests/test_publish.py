"""Publishing to Canvas, against a local Canvas-like server over real HTTP (canvasapi unmodified).

The server models what Canvas's code does: a file's uuid in ``GET /api/v1/files/:id``, and
downloads with ``verifier=<uuid>`` past every lock, so its audit (taken after every request,
at the server's clock) counts every uploaded file as open. Every test checks that the key was
never on the server before its release; the server's clock is set apart from this machine's.
Faults and errors are in test_publish_faults.py; the term's table, the record and the command
line in test_publish_term.py; the fixtures and checks they share in conftest.py.
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import pytest
from canvasapi import Canvas

from generator.publish import RetryPolicy, State, publish_term

from canvas_server import FakeCanvas, canvas_error, key_target, term_of
from conftest import (
    FOLDER,
    HANDOUT_PATH,
    KEY,
    KEY_PATH,
    TOKEN,
    assert_never_open_early,
    assert_published_once,
    failing,
)

# --- nothing before its time -----------------------------------------------------------------


@pytest.mark.parametrize("before", [timedelta(days=2), timedelta(minutes=5), timedelta(seconds=1)],
                         ids=["two days", "five minutes", "one second"])
def test_before_the_release_the_folder_is_prepared_and_nothing_uploaded(run, canvas, release, before):
    canvas.set_now(release - before)
    report, out = run()
    assert canvas.files == {}  # nothing stored at all: no uuid exists to leak
    folder = canvas.folder_at(FOLDER)
    assert (folder.access.locked, folder.access.unlock_at) == (False, release)  # closed until then
    assert report.rows[0].state is State.MISSING and report.rows[0].pending
    assert "2027-02-18T08:00-08:00" in report.rows[0].goes_up
    assert "Next release: activity05-key.pdf of activity05 at 2027-02-18T08:00-08:00" in out
    assert {r.route for r in canvas.requests} >= {"create_folder"} and "upload_start" not in \
        {r.route for r in canvas.requests}
    assert report.next_release == release


def test_after_the_release_the_key_goes_up_open_and_exactly_once(run, canvas, target, release):
    canvas.set_now(release - timedelta(days=2))
    run()
    canvas.set_now(release + timedelta(minutes=1))
    report, out = run()
    assert_published_once(canvas, release, target.files[0].path.read_bytes())
    assert_never_open_early(canvas, KEY_PATH, release)
    assert "verified: activity05-key.pdf in 'Answer keys/Activity 05' is open to students" in out
    assert report.next_release is None and "Nothing is waiting for its release" in out
    again, out = run()
    assert again.rows[0].state is State.RELEASED and again.done == ()
    assert "Nothing needed changing on Canvas" in out
    assert_published_once(canvas, release, target.files[0].path.read_bytes())


def test_a_changed_key_after_release_is_stale_and_replaced_in_place(run, canvas, target, release):
    canvas.set_now(release + timedelta(hours=1))
    run()
    first = canvas.files_in(FOLDER)[0]
    target.files[0].path.write_bytes(b"%PDF-1.5\n% corrected key\n%%EOF\n")
    report, out = run()
    assert report.rows[0].state is State.STALE
    assert_published_once(canvas, release, b"%PDF-1.5\n% corrected key\n%%EOF\n")
    assert canvas.files[first.id].state == "deleted"  # the old one was replaced, not kept beside it


@pytest.mark.parametrize("skew", [timedelta(days=3), timedelta(hours=5), timedelta(minutes=2)])
def test_a_clock_running_ahead_releases_nothing_early(run, canvas, release, skew):
    canvas.set_now(release - timedelta(minutes=1))
    report, out = run(now=release + skew)  # this machine thinks the release has passed
    assert canvas.files == {} and report.rows[0].state is State.MISSING
    assert "ahead of Canvas's; Canvas's time decides what is released" in out


def test_a_clock_running_behind_does_not_hold_back_a_released_key(run, canvas, target, release):
    canvas.set_now(release + timedelta(minutes=10))
    _, out = run(now=release - timedelta(days=1))
    assert "behind Canvas's" in out
    assert_published_once(canvas, release, target.files[0].path.read_bytes())


def test_clocks_within_a_minute_are_not_mentioned(run, canvas):
    _, out = run(now=canvas.now + timedelta(seconds=40))
    assert "Canvas's time decides" not in out


def test_without_a_date_header_nothing_is_released(config, tmp_path, release, waits):
    server = FakeCanvas(token=TOKEN, course_id=config.canvas.course_id, now=release + timedelta(days=1),
                        send_date=False).start()
    try:
        out = io.StringIO()
        publish_term(term_of(tmp_path, key_target(tmp_path, key_release=release)), dry_run=False, out=out,
                     environ={"CANVAS_API_TOKEN": TOKEN, "CANVAS_BASE_URL": server.url}, now=release + timedelta(days=1),
                     retry=RetryPolicy(sleep=waits.append))
        assert server.files == {} and "no Date header" in out.getvalue()
        released = server.add_file(FOLDER, KEY, b"released key", unlock_at=release)
        publish_term(term_of(tmp_path, key_target(tmp_path, key_release=release)), dry_run=False, out=out,
                     environ={"CANVAS_API_TOKEN": TOKEN, "CANVAS_BASE_URL": server.url}, now=release + timedelta(days=1),
                     retry=RetryPolicy(sleep=waits.append))
        assert server.files[released.id].state == "available"  # not known to be early: left alone
    finally:
        server.stop()


def test_an_early_copy_is_deleted_before_anything_else_can_leak(run, canvas, release):
    """A key uploaded days early (as the old publisher did) is reachable through its verifier: removed."""
    old = canvas.add_file(FOLDER, KEY, b"old key", unlock_at=release)
    canvas.add_folder(FOLDER, unlock_at=release)
    assert canvas.student_download(old.id) == b"old key"  # the hole, end to end over HTTP
    report, out = run()
    assert canvas.files[old.id].state == "deleted" and canvas.student_download(old.id) is None
    assert report.rows[0].state is State.UP_TO_DATE or report.rows[0].state is State.STALE
    assert "removed until then" in report.rows[0].goes_up
    assert f"deleted activity05-key.pdf (file {old.id})" in out
    assert KEY_PATH not in canvas.openable_paths()


def test_the_handout_goes_up_at_its_own_time_in_its_own_folder(run, canvas, tmp_path, config):
    key_time, handout_time = config.activity("activity05").key_release, config.activity("activity05").handout_release
    both = key_target(tmp_path, key_release=key_time, handout_release=handout_time)
    canvas.set_now(handout_time - timedelta(hours=1))
    run(both)
    assert canvas.files == {}
    canvas.set_now(handout_time + timedelta(minutes=1))
    report, _ = run(both)
    assert canvas.openable_paths() == {HANDOUT_PATH}
    assert [r.state for r in report.rows] == [State.MISSING, State.MISSING]
    canvas.set_now(key_time)
    run(both)
    assert canvas.openable_paths() == {HANDOUT_PATH, KEY_PATH}
    assert_never_open_early(canvas, KEY_PATH, key_time)
    assert_never_open_early(canvas, HANDOUT_PATH, handout_time)


def test_a_closed_parent_folder_that_would_keep_the_key_shut_is_reported(run, canvas, release):
    canvas.add_folder("Answer keys", locked=True)
    canvas.set_now(release + timedelta(minutes=1))
    error = failing(run)
    assert "'course files/Answer keys'" in error.message and "would not open" in error.message


def test_a_stale_key_found_on_a_later_page_is_replaced_not_duplicated(config, tmp_path, release, waits):
    server = FakeCanvas(token=TOKEN, course_id=config.canvas.course_id, now=release + timedelta(hours=1),
                        max_per_page=3).start()
    try:
        for n in range(10):
            server.add_file(FOLDER, f"a{n:02}.pdf", b"other", unlock_at=release)
        old = server.add_file(FOLDER, KEY, b"old key", unlock_at=release)
        server.add_folder(FOLDER, unlock_at=release)
        target = key_target(tmp_path, key_release=release)
        report = publish_term(term_of(tmp_path, target), dry_run=False, out=io.StringIO(), now=server.now,
                              environ={"CANVAS_API_TOKEN": TOKEN, "CANVAS_BASE_URL": server.url},
                              retry=RetryPolicy(sleep=waits.append))
        assert report.rows[0].state is State.STALE and server.files[old.id].state == "deleted"
        assert_published_once(server, release, target.files[0].path.read_bytes())
        assert sum(1 for r in server.requests if r.route == "folder_files") >= 8  # 4 pages, twice
    finally:
        server.stop()


def test_an_open_folder_is_closed_before_its_release(run, canvas, release):
    canvas.add_folder(FOLDER)
    canvas.add_file(FOLDER, "notes.pdf", b"notes")
    _, out = run()
    assert "changed folder 'Answer keys/Activity 05' (was: open to students): opens at 2027-02-18T08:00-08:00" in out
    assert canvas.folder_at(FOLDER).access.unlock_at == release


def test_a_file_that_cannot_be_read_back_counts_as_stale_and_is_replaced(run, canvas, target, release):
    canvas.set_now(release + timedelta(minutes=1))
    old = canvas.add_file(FOLDER, KEY, target.files[0].path.read_bytes(), unlock_at=release)
    canvas.inject("download", *[canvas_error(500, "Internal server error")] * 5)
    report, out = run()
    assert report.rows[0].state is State.STALE and "could not be read back" in out
    assert canvas.files[old.id].state == "deleted"
    assert_published_once(canvas, release, target.files[0].path.read_bytes())


# --- the opt-in: early uploads behind locks ---------------------------------------------------


def test_upload_early_puts_the_key_behind_locks_and_it_opens_by_itself(config, tmp_path, release, waits):
    """Only for accounts with disable_file_verifier_access: there the locks hold."""
    server = FakeCanvas(token=TOKEN, course_id=config.canvas.course_id, now=release - timedelta(days=2),
                        legacy_verifiers=False).start()
    try:
        target = key_target(tmp_path, key_release=release)
        out = io.StringIO()
        publish_term(term_of(tmp_path, target, upload_early=True), dry_run=False, out=out, now=server.now,
                     environ={"CANVAS_API_TOKEN": TOKEN, "CANVAS_BASE_URL": server.url},
                     retry=RetryPolicy(sleep=waits.append))
        stored = server.files_in(FOLDER)[0]
        assert (stored.access.unlock_at, stored.access.locked) == (release, False)
        assert not server.student_can_open(KEY_PATH) and server.student_download(stored.id) is None
        assert "closed until 2027-02-18T08:00-08:00, then opens by itself" in out.getvalue()
        requests_made = len(server.requests)
        server.set_now(release)
        assert server.student_can_open(KEY_PATH) and len(server.requests) == requests_made
    finally:
        server.stop()


def test_upload_early_on_an_account_with_legacy_verifiers_is_exposed(run, canvas, release):
    """Why the opt-in is off by default: the audit sees the key the moment it is stored."""
    run(early=True)
    assert canvas.student_can_open(KEY_PATH, at=release - timedelta(days=6))
    assert canvas.student_download(canvas.files_in(FOLDER)[0].id) is not None


def test_upload_early_says_what_it_relies_on(run, canvas):
    _, out = run(early=True)
    assert "upload_early is on" in out and "disable_file_verifier_access" in out


# --- the test server itself -----------------------------------------------------------------


@pytest.mark.filterwarnings("ignore:Canvas may respond unexpectedly when making requests to HTTP URLs")
def test_the_audit_counts_a_locked_upload_as_open(canvas, config, tmp_path, release):
    """A key uploaded into a folder closed for a week is still open: its uuid is its verifier."""
    key = key_target(tmp_path, key_release=release).files[0].path
    course = Canvas(canvas.url, TOKEN).get_course(config.canvas.course_id)
    folder = course.create_folder("Locked", unlock_at=(release + timedelta(days=7)).isoformat())
    folder.upload(str(key))
    stored = canvas.files_in("unfiled/Locked")[0]
    assert not canvas._open_by_locks(stored, canvas.now)
    assert canvas.student_can_open(f"unfiled/Locked/{key.name}")
    assert canvas.student_download(stored.id) == key.read_bytes()


def test_the_server_sends_its_own_clock(canvas):
    import requests

    canvas.set_now(datetime.fromisoformat("2031-05-06T07:08:09+00:00"))
    answer = requests.get(f"{canvas.url}/api/v1/courses/316365", headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.headers["Date"] == "Tue, 06 May 2031 07:08:09 GMT"


def test_the_clock_takes_the_earliest_time_any_answer_implies():
    from generator.publish.clock import CanvasClock

    ticks = iter([10.0, 20.0, 30.0])
    clock = CanvasClock(monotonic=lambda: next(ticks))
    assert clock.now() is None
    clock.saw("Thu, 18 Feb 2027 16:00:00 GMT")  # at 10 s
    clock.saw("Thu, 18 Feb 2027 15:59:55 GMT")  # at 20 s: a server 15 s behind the first
    assert clock.now() == datetime.fromisoformat("2027-02-18T16:00:05+00:00")  # at 30 s, by the later one
    clock.saw("not a date")
