"""Canvas's WikiPages, with Scheduled Page Publication (see the package's docstring)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

from .store import CanvasFailure, Reply, WikiPage
from .values import _boolean, _parse_time, _time


class PagesMixin:
    """Pages (WikiPagesApiController, WikiPage#process_publish_at)."""

    # test controls

    def student_can_see_page(self, url: str, at: datetime | None = None) -> bool:
        with self._lock:
            page = self.pages.get(url)
            return page is not None and page.visible_at((at or self.now).astimezone(UTC),
                                                        self.scheduled_page_publication)

    def add_page(self, title: str, body: str, *, published: bool) -> WikiPage:
        with self._lock:
            page = WikiPage(next(self._ids), _page_url(title, set(self.pages)), title, body,
                            "active" if published else "unpublished", self.now, self.now)
            self.pages[page.url] = page
            return page

    # endpoints; each returns a Reply or raises CanvasFailure

    def page_json(self, page: WikiPage) -> dict[str, Any]:
        return {
            "page_id": page.id, "url": page.url, "title": page.title, "body": page.body,
            "created_at": _time(page.created_at), "updated_at": _time(page.updated_at),
            "published": page.workflow_state == "active", "hide_from_students": page.workflow_state != "active",
            "front_page": False, "editing_roles": page.editing_roles, "todo_date": None,
            "publish_at": _time(page.publish_at), "locked_for_user": False,
            "html_url": f"{self.url}/courses/{self.course_id}/pages/{page.url}",
        }

    def get_page(self, m: re.Match, params: dict) -> Reply:
        self._course(m["course"])
        page = self.pages.get(unquote(m["page"]))
        if page is None:
            raise CanvasFailure(404, {"message": "page not found"})
        return Reply(200, self.page_json(page))

    def create_page(self, m: re.Match, params: dict) -> Reply:
        self._course(m["course"])
        title = params.get("wiki_page[title]", "").strip()
        if not title:
            raise CanvasFailure(400, {"errors": {"title": [{"attribute": "title", "type": "blank",
                                                            "message": "can't be blank"}]}})
        page = WikiPage(next(self._ids), _page_url(title, set(self.pages)), title, "", "active", self.now, self.now)
        self._update_page(page, params, new=True)
        self.pages[page.url] = page
        return Reply(200, self.page_json(page))

    def update_page(self, m: re.Match, params: dict) -> Reply:
        """PUT is an upsert in Canvas: a missing page is created at that URL."""
        self._course(m["course"])
        url = unquote(m["page"])
        page = self.pages.get(url)
        if page is None:
            page = WikiPage(next(self._ids), url, params.get("wiki_page[title]") or url, "", "active",
                            self.now, self.now)
            self._update_page(page, params, new=True)
            self.pages[page.url] = page
        else:
            self._update_page(page, params, new=False)
        return Reply(200, self.page_json(page))

    def _update_page(self, page: WikiPage, params: dict, *, new: bool) -> None:
        if params.get("wiki_page[title]"):
            page.title = params["wiki_page[title]"]
        if "wiki_page[body]" in params:
            page.body = params["wiki_page[body]"]
        if params.get("wiki_page[editing_roles]"):
            page.editing_roles = params["wiki_page[editing_roles]"]
        changed_state = False
        if params.get("wiki_page[published]", "") != "":
            state = "active" if _boolean(params["wiki_page[published]"]) else "unpublished"
            changed_state = not new and state != page.workflow_state
            page.workflow_state = state
        if changed_state:  # explicitly publishing or unpublishing clears publish_at
            page.publish_at, page.scheduled = None, False
        elif "wiki_page[publish_at]" in params:
            publish_at = _parse_time(params["wiki_page[publish_at]"])
            if publish_at != page.publish_at:
                page.publish_at = publish_at
                if self.scheduled_page_publication:
                    if publish_at is not None and publish_at > self.now:
                        page.workflow_state, page.scheduled = "unpublished", True
                    elif publish_at is None:
                        page.workflow_state, page.scheduled = "unpublished", False
                    else:
                        page.workflow_state, page.scheduled = "active", False
        page.updated_at = self.now


def _page_url(title: str, taken: set[str]) -> str:
    """Canvas's WikiPage URL: the title as lowercase words joined by '-', made unique with -2, -3, ..."""
    base = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "page"
    url, n = base, 1
    while url in taken:
        n += 1
        url = f"{base}-{n}"
    return url
