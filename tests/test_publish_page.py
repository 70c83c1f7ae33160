"""The key's HTML twin as a Canvas page, against the local Canvas-like server (real HTTP, canvasapi).

The server emulates Canvas's WikiPage rules (publish_at, and its being cleared by an explicit
publish or unpublish) and records after every request which pages a student could see; every
test checks that the page was never visible before the key's release.
"""

from __future__ import annotations

import dataclasses

import io
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from canvas_server import NOW, FakeCanvas, canvas_error
from generator.errors import CanvasError
from generator.publish import PublishItem, RetryPolicy, page_item, publish_semester
from generator.publish.page import PAGE_FIGURES_SUFFIX, page_title, page_url

TOKEN = "7~cnvsTESTtoken-page-Q2"
FOLDER = "Answer keys/Activity 05"
FIGURES = FOLDER + PAGE_FIGURES_SUFFIX
BODY = ('<div class="sheet" lang="en"><h2 id="problem:least_squares">Problem 1</h2>'
        '<p>The loss <math display="inline"><mi>L</mi><mo>=</mo><mn>12.366904</mn></math></p>'
        '<figure><img class="image" src="activity05-key-figures/logistic_family-0123abcd.svg" alt="Curves of Pr"></figure>'
        '<figure><img class="image" src="activity05-key-figures/momentum-4567cdef.svg" alt="Bars of w_k"></figure></div>')



@pytest.fixture
def output(tmp_path) -> Path:
    """What `make html` leaves in output/<id>: the Canvas body, its figures, and the key PDF."""
    out = tmp_path / "output"
    figures = out / "activity05-key-figures"
    figures.mkdir(parents=True)
    (figures / "logistic_family-0123abcd.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    (figures / "momentum-4567cdef.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><g/></svg>')
    (out / "activity05-key.canvas.html").write_text(BODY)
    (out / "activity05-key.pdf").write_bytes(b"%PDF-1.5\n% key\n%%EOF\n")
    return out


def start(config, **options) -> FakeCanvas:
    return FakeCanvas(token=TOKEN, course_id=config.canvas.course_id, now=NOW, **options).start()


@pytest.fixture
def canvas(config):
    server = start(config)
    yield server
    server.stop()


def publish(config, canvas, output, *, page=True, dry_run=False, now=NOW, environ=None, cfg=None):
    out = io.StringIO()
    report = publish_semester(
        cfg or config, [PublishItem(output / "activity05-key.pdf", "activity05-key.pdf", config.activity.key_release)],
        dry_run=dry_run, out=out, now=now,
        environ={"CANVAS_API_TOKEN": TOKEN, "CANVAS_BASE_URL": canvas.url} if environ is None else environ,
        retry=RetryPolicy(attempts=3, first_delay=0, max_delay=0, sleep=lambda s: None),
        page=page_item(config, output) if page else None)
    return report, out.getvalue()


def url_of(config) -> str:
    return page_url(page_title(config))


def assert_page_never_visible_early(canvas: FakeCanvas, url: str, release: datetime) -> None:
    checked = [entry for entry in canvas.audit if entry.at < release]
    assert checked
    for entry in checked:
        assert f"pages/{url}" not in entry.openable, f"students could see the page after {entry.request}"


def test_the_page_is_written_closed_and_opens_by_itself_at_the_release(config, canvas, output, release):
    report, said = publish(config, canvas, output)
    url = url_of(config)
    assert list(canvas.pages) == [url] == [report.page.url]
    page = canvas.pages[url]
    assert page.title == "Activity 5: Gradient Descent, answer key"
    assert (page.workflow_state, page.publish_at, page.scheduled) == ("unpublished", release, True)
    assert_page_never_visible_early(canvas, url, release)
    assert not canvas.student_can_see_page(url, at=release - timedelta(seconds=1))
    requests = len(canvas.requests)
    canvas.set_now(release)
    assert canvas.student_can_see_page(url)
    assert len(canvas.requests) == requests  # it opened by itself
    # the figures: uploaded under stable names into a folder hidden from listings but not locked
    folder = canvas.folder_at(FIGURES)
    assert (folder.access.locked, folder.access.hidden, folder.access.unlock_at) == (False, True, None)
    stored = {f.display_name: f for f in canvas.files_in(FIGURES)}
    assert set(stored) == {"activity05-key-logistic_family.svg", "activity05-key-momentum.svg"}
    for name, file in stored.items():
        assert (file.access.locked, file.access.hidden) == (False, True)
        assert canvas.student_can_open(f"{FIGURES}/{name}", at=release)  # so the images show once the page opens
        assert f'src="/courses/{config.canvas.course_id}/files/{file.id}/preview"' in page.body
    assert "activity05-key-figures/" not in page.body and "<math" in page.body
    assert "alt=\"Curves of Pr\"" in page.body
    assert "scheduled page 'Activity 5: Gradient Descent, answer key' to publish itself at 2027-02-18T08:00-08:00" in said
    assert "Scheduled Page Publication" in said
    # the key PDF is published as before
    assert canvas.files_in(FOLDER)[0].display_name == "activity05-key.pdf"


def test_publishing_again_updates_the_same_page_and_keeps_it_scheduled(config, canvas, output, release):
    first, _ = publish(config, canvas, output)
    (output / "activity05-key.canvas.html").write_text(BODY.replace("12.366904", "12.3669"))
    second, _ = publish(config, canvas, output)
    assert len(canvas.pages) == 1 and first.page.page_id == second.page.page_id
    page = canvas.pages[url_of(config)]
    assert "12.3669<" in page.body and (page.workflow_state, page.publish_at) == ("unpublished", release)
    assert len(canvas.files_in(FIGURES)) == 2  # replaced in place, not piled up
    assert_page_never_visible_early(canvas, url_of(config), release)


def test_a_page_published_by_hand_is_closed_and_rescheduled(config, canvas, output, release):
    canvas.add_page(page_title(config), "<p>draft</p>", published=True)
    publish(config, canvas, output)
    page = canvas.pages[url_of(config)]
    assert (page.workflow_state, page.publish_at, page.scheduled) == ("unpublished", release, True)
    writes = [i for i, r in enumerate(canvas.requests) if r.route == "update_page"]
    assert all(f"pages/{page.url}" not in canvas.audit[i].openable for i in writes)  # closed by the first write
    canvas.set_now(release)
    assert canvas.student_can_see_page(page.url)


def test_without_scheduled_publication_the_page_stays_closed_and_the_output_says_what_to_check(config, output, release):
    canvas = start(config, scheduled_page_publication=False)
    try:
        _, said = publish(config, canvas, output)
        url = url_of(config)
        assert not canvas.student_can_see_page(url, at=release + timedelta(days=1))  # safe: never early, never at all
        assert "'Scheduled Page Publication'" in said and "Will publish on" in said
    finally:
        canvas.stop()


def test_a_release_already_past_publishes_the_page_at_once(config, canvas, output, release):
    later = release + timedelta(hours=2)
    canvas.set_now(later)
    report, said = publish(config, canvas, output, now=later)
    assert canvas.student_can_see_page(report.page.url)
    assert "verified: page 'Activity 5: Gradient Descent, answer key' is published" in said


def test_a_failure_while_writing_the_page_says_so_and_shows_nothing(config, canvas, output, release):
    canvas.inject("create_page", *[canvas_error(500, "Internal server error")] * 3)
    with pytest.raises(CanvasError) as caught:
        publish(config, canvas, output)
    message = caught.value.message
    assert "creating page 'Activity 5: Gradient Descent, answer key'" in message
    assert "page 'Activity 5: Gradient Descent, answer key' was not written" in message
    assert canvas.pages == {}
    publish(config, canvas, output)  # running it again finishes the job
    assert canvas.pages[url_of(config)].publish_at == release
    assert_page_never_visible_early(canvas, url_of(config), release)


def test_dry_run_describes_the_page_and_changes_nothing(config, canvas, output):
    _, said = publish(config, canvas, output, dry_run=True)
    assert {r.method for r in canvas.requests} == {"GET"} and canvas.pages == {}
    assert f"make sure folder '{FIGURES}' is hidden from the Files list but not locked" in said
    assert "schedule the page to publish itself at 2027-02-18T08:00-08:00 (wiki_page[publish_at])" in said
    _, offline = publish(config, canvas, output, dry_run=True, environ={"CANVAS_BASE_URL": canvas.url})
    assert "write page 'Activity 5: Gradient Descent, answer key'" in offline


def test_the_publish_page_flag_takes_the_page_from_the_keys_output_folder(config, canvas, output, release):
    with_flag = dataclasses.replace(config, canvas=dataclasses.replace(config.canvas, publish_page=True))
    report, _ = publish(config, canvas, output, page=False, cfg=with_flag)
    assert report.page is not None and canvas.pages[report.page.url].publish_at == release
    without, _ = publish(config, canvas, output, page=False)
    assert without.page is None


def test_a_page_referring_to_a_missing_figure_is_refused_before_anything_is_sent(config, canvas, output):
    (output / "activity05-key-figures" / "momentum-4567cdef.svg").unlink()
    with pytest.raises(CanvasError) as caught:
        page_item(config, output)
    assert "momentum-4567cdef.svg" in caught.value.message and "make html" in caught.value.hint
    assert canvas.requests == []


def test_the_html_body_is_what_make_html_writes(config, output):
    item = page_item(config, output)
    assert item.body == BODY and item.release == config.activity.key_release
    assert [f.remote_name for f in item.figures] == ["activity05-key-logistic_family.svg", "activity05-key-momentum.svg"]
    assert re.fullmatch(r"[a-z0-9-]+", item.url)
