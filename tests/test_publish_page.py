"""The key's HTML twin as a Canvas page, against the local Canvas-like server (real HTTP, canvasapi).

The page and its figures follow the key: nothing of them is on the server before the key's
release (a figure's verifier would open it past any lock, and a page scheduled for the
configured release would open before an extension ends). After the release the figures are
uploaded and the page is written published; with ``upload_early`` the page is written
unpublished and scheduled, its figures in a hidden folder closed until the release.
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import pytest

from generator.errors import CanvasError
from generator.publish import RetryPolicy, State, publish_term
from generator.publish.page import page_item, page_url
from generator.publish.targets import PAGE_FIGURES_SUFFIX

from canvas_server import NOW, PAGE_BODY, FakeCanvas, canvas_error, dropped, key_target, term_of

TOKEN = "7~cnvsTESTtoken-page-Q2"
FOLDER = "Answer keys/Activity 05"
FIGURES = FOLDER + PAGE_FIGURES_SUFFIX
TITLE = "Activity 5: Gradient Descent, answer key"
URL = page_url(TITLE)


def start(config, **options) -> FakeCanvas:
    return FakeCanvas(token=TOKEN, course_id=config.canvas.course_id, now=NOW, **options).start()


@pytest.fixture
def canvas(config):
    server = start(config)
    yield server
    server.stop()


@pytest.fixture
def target(tmp_path, release):
    return key_target(tmp_path, key_release=release, page=True)


def publish(canvas, tmp_path, target, *, dry_run=False, early=False):
    out = io.StringIO()
    report = publish_term(term_of(tmp_path, target, upload_early=early), dry_run=dry_run, out=out, now=canvas.now,
                          environ={"CANVAS_API_TOKEN": TOKEN, "CANVAS_BASE_URL": canvas.url},
                          retry=RetryPolicy(attempts=3, first_delay=0, max_delay=0, sleep=lambda s: None))
    return report, out.getvalue()


def assert_page_never_visible_early(canvas: FakeCanvas, release: datetime) -> None:
    for entry in canvas.audit:
        if entry.at < release:
            assert f"pages/{URL}" not in entry.openable, f"students could see the page after {entry.request}"
            assert not any(path.startswith(FIGURES) for path in entry.openable), entry.request


def test_before_the_release_nothing_of_the_page_is_on_canvas(canvas, tmp_path, target, release):
    canvas.set_now(release - timedelta(minutes=5))
    report, out = publish(canvas, tmp_path, target)
    assert canvas.pages == {} and canvas.files == {}
    assert report.state_of("activity05", "page") is State.MISSING
    assert "2027-02-18T08:00-08:00 (with its figures)" in out


def test_after_the_release_the_page_is_published_with_its_figures(canvas, tmp_path, target, release, config):
    canvas.set_now(release - timedelta(days=2))
    publish(canvas, tmp_path, target)
    canvas.set_now(release + timedelta(seconds=30))
    report, said = publish(canvas, tmp_path, target)
    page = canvas.pages[URL]
    assert page.title == TITLE and page.workflow_state == "active"
    assert "verified: page 'Activity 5: Gradient Descent, answer key' is published" in said
    stored = {f.display_name: f for f in canvas.files_in(FIGURES)}
    assert set(stored) == {"activity05-key-logistic_family.svg", "activity05-key-momentum.svg"}
    for _, file in stored.items():
        assert file.access.hidden and canvas._open_by_locks(file, canvas.now)  # so the images show
        assert f'src="/courses/{config.canvas.course_id}/files/{file.id}/preview"' in page.body
    assert "activity05-key-figures/" not in page.body and "<math" in page.body and 'alt="Curves of Pr"' in page.body
    assert canvas.student_can_open(f"{FOLDER}/activity05-key.pdf")
    assert_page_never_visible_early(canvas, release)
    again, said = publish(canvas, tmp_path, target)
    assert again.state_of("activity05", "page") is State.RELEASED and "Nothing needed changing" in said
    assert len(canvas.files_in(FIGURES)) == 2 and len(canvas.pages) == 1


def test_a_changed_body_updates_the_same_page(canvas, tmp_path, target, release):
    canvas.set_now(release + timedelta(minutes=1))
    first, _ = publish(canvas, tmp_path, target)
    target.page.body.write_text(PAGE_BODY.replace("12.366904", "12.3669"))
    report, _ = publish(canvas, tmp_path, target)
    assert report.state_of("activity05", "page") is State.STALE
    assert len(canvas.pages) == 1 and "12.3669<" in canvas.pages[URL].body
    assert canvas.pages[URL].workflow_state == "active" and len(canvas.files_in(FIGURES)) == 2


def test_a_page_scheduled_early_by_the_old_publisher_is_closed_and_its_figures_removed(canvas, tmp_path, target,
                                                                                      release):
    page = canvas.add_page(TITLE, "<p>old key</p>", published=False)
    page.publish_at, page.scheduled = release, True
    figure = canvas.add_file(FIGURES, "activity05-key-momentum.svg", b"<svg/>", hidden=True)
    assert canvas.student_download(figure.id) == b"<svg/>"
    canvas.set_now(release - timedelta(hours=1))
    _, said = publish(canvas, tmp_path, target)
    assert (page.workflow_state, page.publish_at, page.scheduled) == ("unpublished", None, False)
    assert canvas.files[figure.id].state == "deleted" and canvas.student_download(figure.id) is None
    assert "unpublished page" in said and "deleted activity05-key-momentum.svg" in said


def test_a_page_published_by_hand_before_the_release_is_unpublished(canvas, tmp_path, target, release):
    canvas.add_page(TITLE, "<p>draft</p>", published=True)
    publish(canvas, tmp_path, target)
    assert not canvas.student_can_see_page(URL)


def test_upload_early_schedules_the_page_and_closes_its_figures(config, tmp_path, target, release):
    canvas = start(config, legacy_verifiers=False)
    try:
        _, said = publish(canvas, tmp_path, target, early=True)
        page = canvas.pages[URL]
        assert (page.workflow_state, page.publish_at, page.scheduled) == ("unpublished", release, True)
        folder = canvas.folder_at(FIGURES)
        assert (folder.access.hidden, folder.access.unlock_at) == (True, release)
        assert canvas.openable_paths() == frozenset()
        assert "Scheduled Page Publication" in said
        requests = len(canvas.requests)
        canvas.set_now(release)
        assert canvas.student_can_see_page(URL) and len(canvas.requests) == requests  # it opened by itself
        assert {p for p in canvas.openable_paths() if p.startswith(FIGURES)} == {
            f"{FIGURES}/activity05-key-logistic_family.svg", f"{FIGURES}/activity05-key-momentum.svg"}
    finally:
        canvas.stop()


def test_a_failure_while_writing_the_page_says_so_and_a_rerun_finishes(canvas, tmp_path, target, release):
    canvas.set_now(release + timedelta(minutes=1))
    canvas.inject("create_page", *[canvas_error(500, "Internal server error")] * 3)
    with pytest.raises(CanvasError) as caught:
        publish(canvas, tmp_path, target)
    assert "creating page 'Activity 5: Gradient Descent, answer key'" in caught.value.message
    assert canvas.pages == {}
    publish(canvas, tmp_path, target)
    assert canvas.pages[URL].workflow_state == "active"


def test_dry_run_describes_the_page_and_changes_nothing(canvas, tmp_path, target):
    report, said = publish(canvas, tmp_path, target, dry_run=True)
    assert {r.method for r in canvas.requests} == {"GET"} and canvas.pages == {}
    assert "page (2 figures)" in said and f"/pages/{URL}" in said


def test_a_page_referring_to_a_missing_figure_is_refused_before_anything_is_sent(canvas, tmp_path, target):
    (target.page.figures_dir / "momentum-4567cdef.svg").unlink()
    with pytest.raises(CanvasError) as caught:
        publish(canvas, tmp_path, target)
    assert "momentum-4567cdef.svg" in caught.value.message and "make html" in caught.value.hint
    assert canvas.requests == []


def test_the_page_item_is_what_make_html_writes(target):
    item = page_item(target)
    assert item.body == PAGE_BODY and item.release == target.key_release and item.url == URL
    assert [f.remote_name for f in item.figures] == ["activity05-key-logistic_family.svg", "activity05-key-momentum.svg"]


PAGE_FAULTS = {
    "500 on creating the page": ("create_page", [canvas_error(500, "Internal server error")]),
    "dropped after the page was written": ("update_page", [dropped(after_apply=True)]),
    "dropped after a figure was stored": ("upload_data", [dropped(after_apply=True)]),
    "503 on reading the page": ("get_page", [canvas_error(503, "Service unavailable")]),
    "503 on a figure's settings": ("update_file", [canvas_error(503, "Service unavailable")]),
}


@pytest.mark.parametrize("phase", ["before", "after"])
@pytest.mark.parametrize("route, faults", PAGE_FAULTS.values(), ids=PAGE_FAULTS.keys())
def test_page_faults_converge_and_show_nothing_early(canvas, tmp_path, target, release, route, faults, phase):
    canvas.set_now(release - timedelta(minutes=5) if phase == "before" else release + timedelta(minutes=5))
    canvas.inject(route, *faults)
    publish(canvas, tmp_path, target)
    assert_page_never_visible_early(canvas, release)
    if phase == "before":
        assert canvas.pages == {} and canvas.files == {}
    else:
        assert canvas.pages[URL].workflow_state == "active" and len(canvas.files_in(FIGURES)) == 2
        again, _ = publish(canvas, tmp_path, target)
        assert again.state_of("activity05", "page") is State.RELEASED
