"""Extensions: the key waits for the last student's deadline, read from the assignment's overrides.

Against the local Canvas-like server (real HTTP, canvasapi unmodified), which answers the
assignment as AssignmentsApiController#show does: ``overrides`` with ``include[]=overrides``,
``all_dates`` with ``all_dates=true`` below 25 overrides and ``all_dates_count`` from 25 on, and
the overrides page by page.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest

from generator.errors import CanvasError
from generator.publish import RetryPolicy, State, publish_term

from canvas_server import canvas_error, key_target, term_of

TOKEN = "7~cnvsTESTtoken-ext-77"
CANVAS_OPTIONS = {"max_per_page": 10}  # the overrides come in pages
KEY_PATH = "Answer keys/Activity 05/activity05-key.pdf"
STUDENT = "Fred Flintstone"


@pytest.fixture
def assignment(canvas, release):
    return canvas.add_assignment(4321, "Activity 5: Gradient Descent", due_at=release - timedelta(hours=8))


@pytest.fixture
def run(canvas, tmp_path, release):
    target = key_target(tmp_path, key_release=release, assignment_id=4321)

    def publish(*, dry_run=False, page=False):
        out = io.StringIO()
        chosen = key_target(tmp_path, key_release=release, assignment_id=4321, page=True) if page else target
        report = publish_term(term_of(tmp_path, chosen), dry_run=dry_run, out=out, now=canvas.now,
                              environ={"CANVAS_API_TOKEN": TOKEN, "CANVAS_BASE_URL": canvas.url},
                              retry=RetryPolicy(attempts=3, first_delay=0, max_delay=0, sleep=lambda s: None))
        return report, out.getvalue()

    return publish


def never_before(canvas, path, moment):
    for entry in canvas.audit:
        if entry.at < moment:
            assert path not in entry.openable, f"{path} was on Canvas after {entry.request}"


def test_an_extension_three_days_later_holds_the_key_until_it_ends(run, canvas, assignment, release):
    extended = release + timedelta(days=3)
    canvas.add_override(4321, students=[501], title=STUDENT, due_at=extended - timedelta(hours=1), lock_at=extended)
    for moment in (release - timedelta(days=2), release - timedelta(minutes=5), release + timedelta(minutes=1),
                   extended - timedelta(seconds=1)):
        canvas.set_now(moment)
        report, out = run()
        assert canvas.files == {}, moment
        assert report.rows[0].release == extended and "[moved by the assignment's deadlines]" in out
        assert "set by an extension for 1 student" in out and "1 override: 1 for students (1 student)" in out
        assert STUDENT not in out
    canvas.set_now(extended)
    report, out = run()
    assert canvas.student_can_open(KEY_PATH)
    assert canvas.folder_at("Answer keys/Activity 05").access.unlock_at == extended
    never_before(canvas, KEY_PATH, extended)


def test_a_sections_later_lock_date_counts_and_is_named(run, canvas, assignment, release):
    canvas.add_override(4321, section="Evening section", lock_at=release + timedelta(days=1))
    canvas.add_override(4321, students=[7, 8], due_at=release + timedelta(hours=2))
    canvas.set_now(release + timedelta(hours=3))
    report, out = run(dry_run=True)
    assert report.rows[0].release == release + timedelta(days=1)
    assert "set by the dates of section 'Evening section'" in out
    assert "2 overrides: 1 for students (2 students); 1 for section 'Evening section'" in out


def test_an_override_inherits_the_dates_it_does_not_name(run, canvas, release):
    """An override of the due date only keeps the assignment's (later) lock date."""
    canvas.add_assignment(4321, "A5", due_at=release - timedelta(hours=8), lock_at=release + timedelta(days=2))
    canvas.add_override(4321, students=[3], due_at=release + timedelta(days=1))
    report, _ = run(dry_run=True)
    assert report.rows[0].release == release + timedelta(days=2)


def test_deadlines_before_the_release_leave_it_alone(run, canvas, assignment, release):
    canvas.add_override(4321, students=[3], due_at=release - timedelta(hours=1))
    canvas.set_now(release)
    report, out = run()
    assert report.rows[0].release == release and "not after key_release" in out
    assert canvas.student_can_open(KEY_PATH)


@pytest.mark.parametrize("count", [24, 25, 31])
def test_past_25_overrides_they_are_read_page_by_page(run, canvas, assignment, release, count):
    latest = release + timedelta(days=4)
    for n in range(count - 1):
        canvas.add_override(4321, students=[1000 + n], due_at=release + timedelta(hours=n % 5))
    canvas.add_override(4321, students=[999], title=STUDENT, lock_at=latest)
    report, out = run(dry_run=True)
    assert report.rows[0].release == latest and STUDENT not in out
    pages = [r for r in canvas.requests if r.route == "list_overrides"]
    assert len(pages) == (0 if count < 25 else -(-count // 10))  # all_dates left out from 25 on: paged


def test_only_visible_to_overrides_ignores_the_base_dates(run, canvas, release):
    canvas.add_assignment(4321, "A5", due_at=release + timedelta(days=9), only_visible_to_overrides=True)
    canvas.add_override(4321, section="Day", due_at=release + timedelta(hours=1))
    report, _ = run(dry_run=True)
    assert report.rows[0].release == release + timedelta(hours=1)


@pytest.mark.parametrize("setup, said", [
    (lambda c, r: None, "assignment 4321 was not found in course 316365 (404)"),
    (lambda c, r: c.add_assignment(4321, "A5", due_at=None), "no due date and no lock date"),
    (lambda c, r: (c.add_assignment(4321, "A5", due_at=r),
                   c.add_override(4321, students=[5], due_at=None)), "an extension for 1 student of assignment 4321"),
    (lambda c, r: (c.add_assignment(4321, "A5", due_at=r),
                   c.inject("get_assignment", *[canvas_error(500, "Internal server error")] * 3)),
     "kept failing (500)"),
    (lambda c, r: (c.add_assignment(4321, "A5", due_at=r),
                   c.inject("get_assignment", canvas_error(403, "user not authorized to perform that action"))),
     "not authorized (403)"),
], ids=["missing", "no dates", "override without dates", "5xx", "forbidden"])
def test_an_assignment_without_a_safe_time_stops_the_key(run, canvas, release, setup, said):
    setup(canvas, release)
    canvas.set_now(release + timedelta(days=30))
    with pytest.raises(CanvasError) as caught:
        run(page=True)
    error = caught.value
    assert said in error.message and "no safe time" in error.message
    assert "assignment_id" in error.hint and "Traceback" not in error.render()
    assert canvas.files == {} and canvas.pages == {}  # nothing on a guess: no key, no page, no figure


def test_a_blocked_key_still_takes_back_an_early_copy(run, canvas, release):
    old = canvas.add_file("Answer keys/Activity 05", "activity05-key.pdf", b"old", unlock_at=release)
    canvas.set_now(release - timedelta(days=1))
    with pytest.raises(CanvasError):
        run()
    assert canvas.files[old.id].state == "deleted"


def test_the_page_waits_for_the_extension_too(run, canvas, assignment, release):
    extended = release + timedelta(days=3)
    canvas.add_override(4321, students=[501], lock_at=extended)
    canvas.set_now(release + timedelta(hours=1))
    report, _ = run(page=True)
    assert canvas.files == {} and canvas.pages == {}
    assert report.state_of("activity05", "page") is State.MISSING
    canvas.set_now(extended + timedelta(seconds=1))
    run(page=True)
    [page] = canvas.pages.values()
    assert page.workflow_state == "active"
    never_before(canvas, f"pages/{page.url}", extended)
