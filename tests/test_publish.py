"""Publishing to Canvas, against a local Canvas-like server over real HTTP (canvasapi unmodified).

The server models what Canvas's code does: a file's uuid in ``GET /api/v1/files/:id``, and
downloads with ``verifier=<uuid>`` past every lock, so its audit (taken after every request,
at the server's clock) counts every uploaded file as open. Every test checks that the key was
never on the server before its release; the server's clock is set apart from this machine's.
"""

from __future__ import annotations

import dataclasses
import io
import json
import logging
import re
from datetime import datetime, timedelta

import pytest
from canvasapi import Canvas

from generator.errors import CanvasError, ConfigError
from generator.publish import RetryPolicy, State, publish_term, targets_for

from canvas_server import (
    NOT_FOUND,
    FakeCanvas,
    canvas_error,
    dropped,
    invalid_token,
    key_target,
    quota_exceeded,
    rate_limited_403,
    term_of,
    too_many_requests,
)

TOKEN = "7~cnvsTESTtoken-q8Lw-9ZxW"
FOLDER = "Answer keys/Activity 05"
HANDOUT_FOLDER = "Answer keys/Activity 05 handout"
KEY = "activity05-key.pdf"
KEY_PATH = f"{FOLDER}/{KEY}"
HANDOUT_PATH = f"{HANDOUT_FOLDER}/activity05-handout.pdf"
RERUN = "make publish SEMESTER=2027-spring"


@pytest.fixture
def waits() -> list[float]:
    return []


@pytest.fixture
def target(tmp_path, release):
    return key_target(tmp_path, key_release=release)


@pytest.fixture
def run(canvas, tmp_path, target, waits):
    """Publish to the fake Canvas; ``now`` is this machine's clock (by default the server's)."""

    def publish(*targets, dry_run=False, environ=None, now=None, early=False):
        out = io.StringIO()
        term = term_of(tmp_path, *(targets or (target,)), upload_early=early)
        report = publish_term(
            term, dry_run=dry_run, out=out, now=now or canvas.now,
            environ={"CANVAS_API_TOKEN": TOKEN, "CANVAS_BASE_URL": canvas.url} if environ is None else environ,
            retry=RetryPolicy(attempts=5, first_delay=0.01, max_delay=0.05, longest_retry_after=60, sleep=waits.append))
        return report, out.getvalue()

    return publish


def failing(run, *args, **kwargs) -> CanvasError:
    with pytest.raises(CanvasError) as caught:
        run(*args, **kwargs)
    return caught.value


def assert_never_open_early(canvas: FakeCanvas, path: str, release: datetime) -> None:
    """No request left the file on the server before ``release`` (by the server's clock)."""
    for entry in canvas.audit:
        if entry.at < release:
            assert path not in entry.openable, f"students could open {path} after {entry.request}"


def assert_published_once(canvas: FakeCanvas, release: datetime, content: bytes, path: str = KEY_PATH) -> None:
    """One folder, one file of that name, open now, with these bytes."""
    folder_path, name = path.rsplit("/", 1)
    parent_path, folder_name = folder_path.rsplit("/", 1)
    assert canvas.subfolders(parent_path).count(folder_name) == 1
    folder = canvas.folder_at(folder_path)
    assert (folder.access.locked, folder.access.unlock_at, folder.access.lock_at) == (False, release, None)
    same = [f for f in canvas.files_in(folder_path) if f.display_name.startswith(name.rsplit(".", 1)[0])]
    assert [f.display_name for f in same] == [name]
    assert same[0].content == content
    assert canvas._open_by_locks(same[0], canvas.now)
    assert canvas.student_download(same[0].id) == content


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


# --- every activity of the term, one table -----------------------------------------------------


def test_one_table_over_every_activity(run, canvas, tmp_path, release):
    six = key_target(tmp_path, activity="activity06", folder="Answer keys/Activity 06",
                     key_release=release + timedelta(days=7))
    five = key_target(tmp_path, key_release=release)
    canvas.set_now(release + timedelta(hours=1))
    report, out = run(five, six, dry_run=True)
    assert {r.method for r in canvas.requests} == {"GET"} and canvas.files == {}
    assert [(r.activity, r.item, r.where, r.state) for r in report.rows] == [
        ("activity05", KEY, FOLDER, State.MISSING), ("activity06", "activity06-key.pdf", "Answer keys/Activity 06",
                                                     State.MISSING)]
    assert re.search(r"activity +file +where +on Canvas +goes up", out)
    assert "now (its release has passed)" in out and "2027-02-25T08:00-08:00" in out
    run(five, six)
    assert canvas.openable_paths() == {KEY_PATH}  # the week-later key is not on the server at all
    report, out = run(five, six, dry_run=True)
    assert [r.state for r in report.rows] == [State.RELEASED, State.MISSING]
    assert report.next_release == release + timedelta(days=7)


def test_dry_run_states_missing_up_to_date_stale_and_released(run, canvas, tmp_path, release):
    canvas.set_now(release - timedelta(days=1))
    early = key_target(tmp_path, key_release=release)
    run(early, early=True)  # up to date, behind locks
    report, _ = run(early, dry_run=True, early=True)
    assert report.rows[0].state is State.UP_TO_DATE
    early.files[0].path.write_bytes(b"%PDF changed")
    report, _ = run(early, dry_run=True, early=True)
    assert report.rows[0].state is State.STALE
    canvas.set_now(release + timedelta(seconds=5))
    run(early, early=True)
    report, _ = run(early, dry_run=True, early=True)
    assert report.rows[0].state is State.RELEASED


def test_the_record_knows_stale_without_downloading_and_holds_no_secret(run, canvas, tmp_path, release):
    canvas.set_now(release + timedelta(minutes=1))
    run()
    record = tmp_path / ".cache" / "2027-spring" / "canvas-uploads.json"
    entries = json.loads(record.read_text())["uploads"]
    [(where, entry)] = entries.items()
    assert where == f"course 316365: {KEY_PATH}" and entry["id"] == canvas.files_in(FOLDER)[0].id
    assert len(entry["sha256"]) == 64 and TOKEN not in record.read_text()
    run(dry_run=True)
    assert "download" not in {r.route for r in canvas.requests}  # known from the record
    record.unlink()  # another machine, or CI: read once, hashed, recorded
    report, _ = run(dry_run=True)
    assert report.rows[0].state is State.RELEASED and "download" in {r.route for r in canvas.requests}


def test_activity_narrows_the_term_and_an_unknown_one_is_a_config_error(config, tmp_path):
    term = targets_for(config, tmp_path, "activity05")
    assert [a.activity for a in term.activities] == ["activity05"]
    assert term.activities[0].files[0].path == tmp_path / "output" / "2027-spring" / KEY
    with pytest.raises(ConfigError) as caught:
        targets_for(config, tmp_path, "activity07")
    assert "no activity 'activity07'" in caught.value.message and "activity05" in caught.value.hint


def test_the_adapter_reads_assignment_and_early_upload_from_the_config(config, tmp_path):
    first = config.activity("activity05")
    changed = dataclasses.replace(first, canvas=dataclasses.replace(first.canvas, assignment_id=4321, publish_handout=True))
    cfg = dataclasses.replace(config, canvas=dataclasses.replace(config.canvas, upload_early=True),
                              activities=(changed, *config.activities[1:]))
    term = targets_for(cfg, tmp_path)
    assert term.upload_early and term.activities[0].assignment_id == 4321
    assert [f.kind for f in term.activities[0].files] == ["key", "handout"]
    assert targets_for(config, tmp_path).upload_early is False


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


# --- the command line -------------------------------------------------------------------------


@pytest.fixture
def cli_root(tmp_path, monkeypatch):
    """A project root whose build is the test's: it writes small fake PDFs (no TeX) where make pdf would."""
    import generator.build
    from generator.config import load

    from conftest import make_root

    root = make_root(tmp_path / "root")
    built = []

    def fake_build(semester, activity=None, *, kinds, root, log, figure_formats=("pdf",), **_):
        out = root / "output" / semester
        out.mkdir(parents=True, exist_ok=True)
        for name in [activity] if activity else [a.id for a in load(root / "semesters" / f"{semester}.toml").activities]:
            for kind in kinds:
                (out / f"{name}-{kind}.pdf").write_bytes(f"%PDF-1.5 {kind}\n".encode())
        built.append((semester, kinds))

    monkeypatch.setattr(generator.build, "build", fake_build)
    monkeypatch.delenv("CANVAS_API_TOKEN", raising=False)
    return root, built


def test_the_command_narrows_to_an_activity_and_refuses_an_unknown_one(cli_root, capsys):
    from generator.cli import main

    root, built = cli_root
    assert main(["publish", "--root", str(root), "--semester", "2027-spring", "--activity", "activity05",
                 "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"activity05 +activity05-key\.pdf +Answer keys/Activity 05 +not read", out)
    assert built == [("2027-spring", ("key",))]
    assert main(["publish", "--root", str(root), "--semester", "2027-spring", "--activity", "activity07",
                 "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert "no activity 'activity07'" in err and "Traceback" not in err and len(built) == 1


def test_the_command_without_a_token_says_how_to_make_one(cli_root, capsys):
    from generator.cli import main

    root, _ = cli_root
    assert main(["publish", "--root", str(root), "--semester", "2027-spring"]) == 1
    err = capsys.readouterr().err
    assert "CANVAS_API_TOKEN is not set" in err and "Traceback" not in err
    assert main(["publish", "--root", str(root), "--wait", "--dry-run"]) == 2


def test_retry_after_is_honoured_and_5xx_back_off(run, canvas, release, waits):
    canvas.set_now(release + timedelta(minutes=1))
    canvas.inject("upload_start", too_many_requests(7))
    canvas.inject("update_file", canvas_error(503, "busy"), canvas_error(503, "busy"), canvas_error(503, "busy"))
    run()
    assert waits == [7, 0.01, 0.02, 0.04]


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


def test_upload_early_says_what_it_relies_on(run, canvas):
    _, out = run(early=True)
    assert "upload_early is on" in out and "disable_file_verifier_access" in out


def test_a_file_that_cannot_be_read_back_counts_as_stale_and_is_replaced(run, canvas, target, release):
    canvas.set_now(release + timedelta(minutes=1))
    old = canvas.add_file(FOLDER, KEY, target.files[0].path.read_bytes(), unlock_at=release)
    canvas.inject("download", *[canvas_error(500, "Internal server error")] * 5)
    report, out = run()
    assert report.rows[0].state is State.STALE and "could not be read back" in out
    assert canvas.files[old.id].state == "deleted"
    assert_published_once(canvas, release, target.files[0].path.read_bytes())


def test_the_command_publishes_what_is_due(cli_root, canvas, release, monkeypatch, capsys):
    from generator.cli import main

    root, _ = cli_root
    monkeypatch.setenv("CANVAS_API_TOKEN", TOKEN)
    monkeypatch.setenv("CANVAS_BASE_URL", canvas.url)
    canvas.set_now(release - timedelta(days=2))
    assert main(["publish", "--root", str(root), "--semester", "2027-spring"]) == 0
    assert canvas.files == {}
    canvas.set_now(release + timedelta(minutes=3))
    assert main(["publish", "--root", str(root), "--semester", "2027-spring"]) == 0
    assert_published_once(canvas, release, b"%PDF-1.5 key\n")
    assert (root / ".cache" / "2027-spring" / "canvas-uploads.json").is_file()
    captured = capsys.readouterr()
    assert TOKEN not in captured.out + captured.err
