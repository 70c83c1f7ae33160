"""The key's page as steps of a publication: found on Canvas, shown in the table, written.

A mixin of run.py's publication (it uses its Canvas client, clock, records and steps), kept
apart so each module stays about one thing. The rules are run.py's: nothing of the page
(body or figures) is on Canvas before the key's release; a page found published or scheduled
before then is unpublished; after it the figures are uploaded, then the page written published.
With ``upload_early`` the page is written unpublished and scheduled (see page.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from canvasapi.file import File

from .access import Access, parse_time, show_time
from .page import CanvasPages, PageItem, body_with_canvas_sources, figure_access, page_item, page_problems
from .plan import Row, State
from .records import file_sha256, sha256_of
from .targets import ActivityTarget


@dataclass
class _Page:
    target: ActivityTarget
    item: PageItem
    release: datetime | None
    page: object | None
    figures: dict[str, File | None]  # remote name -> the figure on Canvas
    figure_state: dict[str, State]
    sha: str
    state: State


class PageSteps:
    """Page steps of ``_Publication`` (run.py)."""

    def _observe_page(self, target: ActivityTarget, release: datetime | None) -> _Page:
        item = page_item(target, release)
        pages = CanvasPages(self.api)
        page = self._step(f"looking for page '{item.title}'", lambda: pages.find(self.course, item.url))
        names = target.figures_folder
        figures: dict[str, File | None] = {f.remote_name: None for f in item.figures}
        states: dict[str, State] = {}
        chain = self._step(f"reading folder '{'/'.join(names)}'", lambda: self.api.resolve(self.course, names))
        if chain is not None:
            for remote in self._step(f"listing folder '{'/'.join(names)}'", lambda: self.api.files_in(chain[-1])):
                if remote.display_name in figures and figures[remote.display_name] is None:
                    figures[remote.display_name] = remote
        for figure in item.figures:
            remote = figures[figure.remote_name]
            where = f"{'/'.join(names)}/{figure.remote_name}"
            states[figure.remote_name] = (State.MISSING if remote is None else
                                          self._state(where, remote, file_sha256(figure.path), release, chain))
        sha = sha256_of(item.body.encode() + b"".join(file_sha256(f.path).encode() for f in item.figures))
        entry = _Page(target, item, release, page, figures, states, sha, State.MISSING)
        if page is not None:
            current = self.records.sha_of(f"pages/{item.url}", int(page.page_id)) == sha
            figures_ok = all(s in (State.UP_TO_DATE, State.RELEASED) for s in states.values())
            published = bool(getattr(page, "published", False))
            entry.state = (State.STALE if not (current and figures_ok) else
                           State.RELEASED if published and self._released(release) else State.UP_TO_DATE)
        return entry

    def _page_row(self, entry: _Page) -> Row:
        release = entry.release
        if release is None:
            goes_up = "not while the assignment cannot be read"
        elif entry.state is State.RELEASED:
            goes_up = f"released (since {show_time(release, release)})"
        elif self._released(release):
            goes_up = "now (its release has passed)"
        elif self.term.upload_early:
            goes_up = f"written early, unpublished, scheduled for {show_time(release, release)}"
        else:
            goes_up = show_time(release, release) + " (with its figures)"
        return Row(entry.target.activity, f"page ({len(entry.item.figures)} figures)", f"/pages/{entry.item.url}",
                   entry.state, goes_up, release, release is not None and not self._released(release))

    # changing Canvas

    def _act_on_page(self, entry: _Page) -> None:
        item, release = entry.item, entry.release
        pages = CanvasPages(self.api)
        names = entry.target.figures_folder
        path = "/".join(names)
        if release is None or not (self._released(release) or self.term.upload_early):
            if self.canvas_now is None or (release is None and self.canvas_now >= entry.target.key_release):
                return  # not certainly before the release: leave whatever is there
            present = [f for f in entry.figures.values() if f is not None]
            if present:
                self._withdraw(names, present, path)
            if entry.page is not None and (getattr(entry.page, "published", False)
                                           or getattr(entry.page, "publish_at", None)):
                written = self._step(f"unpublishing page '{item.title}'",
                                     lambda: pages.update(entry.page, published=False))
                if getattr(written, "publish_at", None):
                    self._step(f"unscheduling page '{item.title}'", lambda: pages.update(written, publish_at=""))
                self._record(f"unpublished page '{item.title}' and cleared its schedule: it was open or scheduled "
                             "before its release")
            return
        folder = self._step(f"making folder '{path}' hidden and closed until {show_time(release, release)}",
                            lambda: self._closed_folder(names, figure_access(release)))
        file_ids: dict[str, int] = {}
        for figure in item.figures:
            remote = entry.figures[figure.remote_name]
            where = f"{path}/{figure.remote_name}"
            if entry.figure_state[figure.remote_name] in (State.MISSING, State.STALE):
                remote = self._step(f"uploading {figure.remote_name} into '{path}'",
                                    lambda figure=figure: self.api.upload(folder, figure.path, figure.remote_name))
                self._record(f"uploaded {figure.remote_name} (file {remote.id}) into '{path}'")
                self.records.put(where, remote.id, file_sha256(figure.path))
            if Access.of(remote) != figure_access(release):
                self._step(f"setting {figure.remote_name} hidden, closed until the release",
                           lambda remote=remote: self.api.update_file(remote, figure_access(release)))
            file_ids[figure.src] = remote.id
        body = body_with_canvas_sources(item, self.where.course_id, file_ids)
        released = self._released(release)
        page = entry.page
        if page is None:
            page = self._step(f"creating page '{item.title}'", lambda: pages.create(self.course, item, body))
            self._record(f"wrote page '{item.title}' (/pages/{page.url}), unpublished")
        elif entry.state is State.STALE or getattr(page, "body", None) != body:
            published = released and bool(getattr(page, "published", False))  # never unpublished in between
            page = self._step(f"updating page '{item.title}'", lambda: pages.update(
                page, title=item.title, body=body, published=published))
            self._record(f"updated page '{item.title}' (/pages/{page.url})" + ("" if published else ", unpublished"))
        when = show_time(release, release)
        if released:
            if not getattr(page, "published", False):
                page = self._step(f"publishing page '{item.title}'", lambda: pages.update(page, published=True))
                self._record(f"published page '{item.title}' (its release {when} has passed)")
        elif getattr(page, "published", False) or parse_time(getattr(page, "publish_at", None)) != release:
            if getattr(page, "published", False):
                page = self._step(f"unpublishing page '{item.title}'", lambda: pages.update(page, published=False))
            page = self._step(f"scheduling page '{item.title}' to publish at {when}",
                              lambda: pages.update(page, publish_at=release.isoformat()))
            self._record(f"scheduled page '{item.title}' to publish itself at {when}")
        stored = self._step(f"reading page '{item.title}' back", lambda: pages.read(self.course, page.url))
        problems = page_problems(stored, item, file_ids, self.where.course_id, self.canvas_now)
        self._check(problems)
        self.records.put(f"pages/{item.url}", int(stored.page_id), entry.sha)
        self._say(f"verified: page '{item.title}' is " + ("published" if released else
                  f"unpublished and scheduled to publish at {when} (this needs the account's 'Scheduled Page "
                  "Publication' feature: the Pages list shows 'Will publish on ...' beside the page when it is on)"))
