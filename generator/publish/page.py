"""The key's HTML twin as a Canvas page, written once the key's release has passed.

By default the page (and its figures) reach Canvas only after the key's release, and are
written published (page_steps.py). With the term's ``upload_early`` it is written before, and
must stay closed and open on time by itself, as follows.

How a page stays closed, and opens on time. A Canvas page has no "available from" date of its
own (``unlock_at`` exists for files, folders, assignments and modules, not for pages): it is
either published or unpublished, and an unpublished page does not exist for students. Canvas's
Pages API has ``wiki_page[publish_at]`` ("Scheduled Page Publication"): a future ``publish_at``
unpublishes the page and a job publishes it at that time; a past one publishes it at once.
So the page is written unpublished, and then given ``publish_at`` = the key's release, in a
request of its own, because an explicit ``published`` in the same request clears ``publish_at``
(Canvas's WikiPage#process_publish_at). Read back, it must be unpublished with that
``publish_at``. Scheduled publication is a root-account feature; a teacher's token cannot read
the flag, so publishing says what to look for (Canvas's Pages list shows "Will publish on ...").
If the feature is off the page stays unpublished, which is safe (students see nothing early)
but needs publishing by hand.

Math: the body carries MathML. Canvas's HTML sanitiser keeps MathML elements and strips
``<style>``, ``<svg>`` and ``<script>``, and Canvas renders MathML in pages (typesetting it with
MathJax where the browser's own MathML is not used), so no equation images and no LaTeX reach
the page. The body's styles are inline for the same reason (see generator/html.py).

Figures: SVG files uploaded into ``<folder> page figures``, a folder hidden from the Files list
and, like every folder here, closed until the key's release. By default they are uploaded only
once that time has passed (a file's verifier opens it past every lock, see run.py); with
``upload_early`` they wait in the closed folder and open with the page.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from canvasapi.course import Course
from canvasapi.page import Page

from ..errors import CanvasError
from .access import Access, parse_time, show_time
from .client import CanvasFiles, HttpFailure

_SRC = re.compile(r'(<img\b[^>]*?\bsrc=")([^"]+)(")')


@dataclass(frozen=True)
class PageFigure:
    path: Path  # the local file
    src: str  # the src attribute that refers to it in the body
    remote_name: str  # its stable name on Canvas (overwritten on every publish)


@dataclass(frozen=True)
class PageItem:
    """A Canvas page: title, body (HTML, images referring to ``figures`` by ``src``), release time."""

    title: str
    body: str
    figures: tuple[PageFigure, ...]
    release: datetime

    @property
    def url(self) -> str:
        return page_url(self.title)


@dataclass(frozen=True)
class PublishedPage:
    url: str
    page_id: int
    opens_at: datetime
    figure_ids: tuple[int, ...]


def page_url(title: str) -> str:
    """Canvas's URL for a page title (WikiPage's ``title.to_url``): lowercase words joined by '-'."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def figure_access(release: datetime) -> Access:
    """A page figure: hidden from the Files list, closed until the key's release."""
    return Access(locked=False, unlock_at=release, lock_at=None, hidden=True)


def page_item(target, release: datetime | None = None) -> PageItem:
    """The page ``make html`` wrote for an ActivityTarget (its Canvas body and figure files)."""
    source = target.page
    body_path = source.body
    if not body_path.is_file():
        raise CanvasError(f"{body_path} does not exist, so the key's page cannot be published",
                          hint="build it first with 'make html'")
    body = body_path.read_text(encoding="utf-8")
    figures = []
    for src in dict.fromkeys(match.group(2) for match in _SRC.finditer(body)):
        local = body_path.parent / html.unescape(src)
        if not local.is_file() or local.parent != source.figures_dir:
            raise CanvasError(f"the page refers to {src}, which is not a figure file in {source.figures_dir}",
                              hint="rebuild it with 'make html'")
        stem = local.stem.rsplit("-", 1)[0]  # logistic_family-<digest> -> logistic_family: one name per figure
        figures.append(PageFigure(local, src, f"{target.activity}-key-{stem}{local.suffix}"))
    return PageItem(source.title, body, tuple(figures), release or target.key_release)


def body_with_canvas_sources(item: PageItem, course_id: int, file_ids: dict[str, int]) -> str:
    """The body with each figure's ``src`` pointing at its Canvas file, as the rich content editor writes it."""
    def canvas_src(match: re.Match) -> str:
        src = match.group(2)
        if src not in file_ids:
            raise CanvasError(f"the page's image {src} was not uploaded")
        return f"{match.group(1)}/courses/{course_id}/files/{file_ids[src]}/preview{match.group(3)}"
    return _SRC.sub(canvas_src, item.body)


class CanvasPages:
    """A course's Pages through canvasapi, failures as HttpFailure (the requester of CanvasFiles)."""

    def __init__(self, files: CanvasFiles):
        self.files = files

    def find(self, course: Course, url: str) -> Page | None:
        try:
            return course.get_page(url)
        except HttpFailure as failure:
            if failure.status == 404:
                return None
            raise

    def create(self, course: Course, item: PageItem, body: str) -> Page:
        return course.create_page(wiki_page={"title": item.title, "body": body, "published": False,
                                             "editing_roles": "teachers"})

    def update(self, page: Page, **fields: Any) -> Page:
        return page.edit(wiki_page=fields)

    def read(self, course: Course, url: str) -> Page:
        return course.get_page(url)


def page_problems(page: Page, item: PageItem, file_ids: dict[str, int], course_id: int, now: datetime) -> list[str]:
    """What reading the page back found wrong; empty when students will see it exactly at the release."""
    problems = []
    when = show_time(item.release, item.release)
    published = bool(getattr(page, "published", False))
    publish_at = parse_time(getattr(page, "publish_at", None))
    if item.release > now:
        if published:
            problems.append(f"page '{item.title}' is published NOW, before its release {when}; unpublish it in Canvas at once")
        if publish_at is None or publish_at != item.release:
            problems.append(f"page '{item.title}' is not scheduled to publish at {when} "
                            f"(publish_at reads {getattr(page, 'publish_at', None)!r})")
    elif not published:
        problems.append(f"page '{item.title}' is not published, though its release {when} has passed")
    body = getattr(page, "body", "") or ""
    for src, file_id in file_ids.items():
        if f"/files/{file_id}/" not in body:
            problems.append(f"page '{item.title}' does not show figure {src} (file {file_id})")
    if "<math" not in body:
        problems.append(f"page '{item.title}' lost its MathML (did Canvas strip it?)")
    return problems
