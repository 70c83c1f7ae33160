"""Publish a semester's PDFs to Canvas so that no student can open one before its release.

Order of work, and why it is safe at every point:
1. Each target folder is made closed until its file's release before anything is uploaded:
   created closed (``locked=false``, ``unlock_at=release``), or changed in one update if it
   exists and would be open or would not open by itself. Never by an upload's
   ``parent_folder_path``, which creates open folders.
2. The file is uploaded into that folder by id with ``on_duplicate=overwrite``, replacing a file
   of the same name in place. A new Canvas file is open by default; the folder covers it.
3. The file's own availability is set to the same release, so it stays closed even if someone
   later opens the folder by hand.
4. Folder and file are read back and checked.
5. Optionally (``[canvas] publish_page``), the key's HTML twin becomes a Canvas page that opens
   by itself at the key's release; see page.py for how, and why its figures sit in a hidden,
   unlocked folder.
Stopping anywhere leaves nothing openable early, and the error says what was done and that
running publish again finishes the job; every step looks before it acts, so repeating is safe.
"""

from __future__ import annotations

import os
import sys
from datetime import datetime, timezone
from typing import Callable, Mapping, TextIO, TypeVar

from canvasapi.course import Course
from canvasapi.file import File
from canvasapi.folder import Folder

from ..errors import CanvasError
from .access import Access, show_time
from .client import CanvasFiles, HttpFailure
from .credentials import (TOKEN_VARIABLE, base_url_from, hide, missing_token, token_from,
                          token_kept_out_of_logs)
from .failures import Where, explain
from .page import (HIDDEN_OPEN, CanvasPages, PageItem, PublishedPage, body_with_canvas_sources, describe_page,
                   figures_folder, page_item, page_problems)
from .plan import FolderStep, Plan, describe_plan, folder_step, observed_plan, offline_plan
from .report import PublishedFile, PublishReport
from .retry import RetryPolicy, with_retries
from .targets import PublishItem, Target, folder_names, targets_for
from .verify import problems_with

T = TypeVar("T")


def publish_semester(config, files: list[PublishItem], *, dry_run: bool,
                     environ: Mapping[str, str] = os.environ, out: TextIO = sys.stdout,
                     now: datetime | None = None, retry: RetryPolicy = RetryPolicy(),
                     page: PageItem | None = None) -> PublishReport:
    """Put ``files`` in the course's Files, each closed until its release; or, dry, show the plan.

    With ``page`` (or with ``[canvas] publish_page`` on, when the page is read from the key's
    output folder, where ``make html`` wrote it), the key's HTML twin is published as a page too.
    """
    now = now or datetime.now(timezone.utc)
    if page is None and getattr(config.canvas, "publish_page", False):
        key = [item for item in files if item.release == config.activity.key_release]
        if not key:
            raise CanvasError("publish_page is on, but the key is not among the files to publish")
        page = page_item(config, key[0].path.parent)
    targets = targets_for(config.canvas.folder, config.activity.key_release, list(files))
    where = Where(base_url_from(config.canvas.base_url, environ), config.canvas.course_id, config.semester)
    for target in targets:
        if not target.item.path.is_file():
            raise CanvasError(f"{target.item.path} does not exist, so it cannot be published",
                              hint=f"build it first with 'make pdf SEMESTER={config.semester}'")
    token = token_from(environ)
    if token is None:
        if not dry_run:
            raise missing_token()
        plan = offline_plan(where, targets, now)
        print(describe_plan(plan), file=out)
        if page is not None:
            print(_describe_page(config, page, now), file=out)
        print(f"Dry run: nothing was sent to Canvas. With {TOKEN_VARIABLE} set, a dry run also reads "
              "(never changes) Canvas to show what exists.", file=out)
        return PublishReport(where.semester, where.base_url, where.course_id, True, plan)
    with token_kept_out_of_logs(token):
        run = _Publication(CanvasFiles(where.base_url, token, where.course_id), where, token, targets, retry, out,
                           now, page, folder_names(config.canvas.folder))
        return run.dry() if dry_run else run.publish()


def _describe_page(config, page: PageItem, now: datetime) -> str:
    names = figures_folder(folder_names(config.canvas.folder))
    lines = describe_page(page, "/".join(names), now)
    return "\n".join([f"  {line}" for line in lines[:-1]] + lines[-1:])


class _Publication:
    """One publish: the steps in order, and a record of what is done, for a message on failure."""

    def __init__(self, api: CanvasFiles, where: Where, token: str, targets: tuple[Target, ...],
                 retry: RetryPolicy, out: TextIO, now: datetime, page: PageItem | None = None,
                 key_folder: tuple[str, ...] = ()):
        self.api, self.where, self.token, self.targets = api, where, token, targets
        self.retry, self.out, self.now = retry, out, now
        self.page, self.key_folder = page, key_folder
        self.page_written = False
        self.done: list[str] = []
        self.closed_folders: dict[str, Folder] = {}
        self.course: Course | None = None

    def dry(self) -> PublishReport:
        plan = self._plan()
        self._say("Dry run: nothing was changed on Canvas (only GET requests were sent).")
        return PublishReport(self.where.semester, self.where.base_url, self.where.course_id, True, plan)

    def publish(self) -> PublishReport:
        plan = self._plan()
        for target in self.targets:
            if target.folder_path not in self.closed_folders:
                self.closed_folders[target.folder_path] = self._step(
                    f"making folder '{target.folder_path}' closed until its release",
                    lambda: self._close_folder(target.folder, target.item.release))
        published = [self._put(target) for target in self.targets]
        problems = []
        for target, item in zip(self.targets, published):
            problems += self._step(f"checking {item.remote_name} in '{target.folder_path}'", lambda: problems_with(
                self.api, self.course, target, self.closed_folders[target.folder_path].id, item.file_id, self.now))
        if problems:
            raise CanvasError(self._hide("published, but reading Canvas back found problems:\n    - "
                                         + "\n    - ".join(problems)),
                              hint=f"fix these in the course's Files in Canvas, then run '{self.where.rerun}' again")
        for item in published:
            self._say(f"verified: {item.remote_name} in '{item.folder}' opens to students by itself at "
                      f"{show_time(item.opens_at, item.opens_at)}, not before")
        page = self._publish_page() if self.page is not None else None
        return PublishReport(self.where.semester, self.where.base_url, self.where.course_id, False, plan,
                             tuple(published), page)

    # steps

    def _plan(self) -> Plan:
        self.course = self._step(f"opening course {self.where.course_id}", self.api.course)
        plan = self._step("reading the course's folders and files",
                          lambda: observed_plan(self.api, self.course, self.where, self.targets, self.now))
        self._say(describe_plan(plan))
        if self.page is not None:
            self._say("\n".join(f"  {line}" if n < 3 else line
                                 for n, line in enumerate(describe_page(self.page, self._figures_path, self.now))))
        return plan

    def _close_folder(self, names: tuple[str, ...], release: datetime) -> Folder:
        """Find or create the folder so that it is closed until ``release`` and then opens."""
        path, wanted = "/".join(names), Access.opening_at(release)
        chain = self.api.resolve(self.course, names)
        if chain is None:
            folder = self.api.create_folder(self.course, names[-1], self._container(names[:-1]), wanted)
            step = FolderStep.CREATE
        else:
            step = folder_step(Access.of(chain[-1]), release, self.now)
            folder = chain[-1] if step is FolderStep.KEEP else self.api.update_folder(chain[-1], wanted)
        when = show_time(release, release)
        state = f"closed until {when}" if release > self.now else f"open (its release {when} has passed)"
        verb = {FolderStep.CREATE: "created folder", FolderStep.KEEP: "kept folder"}.get(step, "changed folder")
        self._record(f"{verb} '{path}': {state}")
        return folder

    def _container(self, names: tuple[str, ...]) -> Folder:
        """A folder above ours: found, or created as Canvas creates any folder (open; it stays empty)."""
        chain = self.api.resolve(self.course, names)
        if chain is not None:
            return chain[-1]
        folder = self.api.create_folder(self.course, names[-1], self._container(names[:-1]), None)
        self._record(f"created folder '{'/'.join(names)}' (open, holds only folders)")
        return folder

    def _put(self, target: Target) -> PublishedFile:
        item, folder = target.item, self.closed_folders[target.folder_path]
        when = show_time(item.release, item.release)
        uploaded: File = self._step(f"uploading {item.remote_name} into '{target.folder_path}'",
                                    lambda: self.api.upload(folder, item.path, item.remote_name))
        self._record(f"uploaded {item.remote_name} (file {uploaded.id}) into '{target.folder_path}'")
        self._step(f"setting {item.remote_name} to open at {when}",
                   lambda: self.api.update_file(uploaded, Access.opening_at(item.release)))
        self._record(f"set {item.remote_name} itself to open at {when}")
        return PublishedFile(item.remote_name, target.folder_path, uploaded.id, item.release)

    # the page (page.py says why it is done this way)

    @property
    def _figures_path(self) -> str:
        return "/".join(figures_folder(self.key_folder))

    def _publish_page(self) -> PublishedPage:
        item, path = self.page, self._figures_path
        folder = self._step(f"making folder '{path}' hidden but not locked",
                            lambda: self._hidden_folder(figures_folder(self.key_folder)))
        file_ids: dict[str, int] = {}
        for figure in item.figures:
            uploaded = self._step(f"uploading {figure.remote_name} into '{path}'",
                                  lambda: self.api.upload(folder, figure.path, figure.remote_name))
            self._step(f"making {figure.remote_name} hidden but not locked",
                       lambda: self.api.update_file(uploaded, HIDDEN_OPEN))
            self._record(f"uploaded {figure.remote_name} (file {uploaded.id}) into '{path}', hidden, not locked")
            file_ids[figure.src] = uploaded.id
        body = body_with_canvas_sources(item, self.where.course_id, file_ids)
        pages = CanvasPages(self.api)
        existing = self._step(f"looking for page '{item.title}'", lambda: pages.find(self.course, item.url))
        if existing is None:
            written = self._step(f"creating page '{item.title}'", lambda: pages.create(self.course, item, body))
        else:
            written = self._step(f"updating page '{item.title}'", lambda: pages.update(
                existing, title=item.title, body=body, published=False))
        self.page_written = True
        self._record(f"wrote page '{item.title}' (/pages/{written.url}), unpublished")
        when = show_time(item.release, item.release)
        if item.release > self.now:  # publish_at in a request of its own: with `published` it is cleared
            written = self._step(f"scheduling page '{item.title}' to publish at {when}",
                                 lambda: pages.update(written, publish_at=item.release.isoformat()))
            self._record(f"scheduled page '{item.title}' to publish itself at {when}")
        else:
            written = self._step(f"publishing page '{item.title}'", lambda: pages.update(written, published=True))
            self._record(f"published page '{item.title}' (its release {when} has passed)")
        stored = self._step(f"reading page '{item.title}' back", lambda: pages.read(self.course, written.url))
        problems = page_problems(stored, item, file_ids, self.where.course_id, self.now)
        problems += self._step(f"checking the figures in '{path}'", lambda: self._figure_problems(folder, file_ids))
        if problems:
            raise CanvasError(self._hide("published, but reading Canvas back found problems:\n    - "
                                         + "\n    - ".join(problems)),
                              hint=f"fix these in the course's Pages and Files, then run '{self.where.rerun}' again")
        if item.release > self.now:
            self._say(f"verified: page '{item.title}' is unpublished and scheduled to publish at {when}; this needs "
                      "the account's 'Scheduled Page Publication' feature, which a teacher's token cannot read: "
                      "the course's Pages list shows 'Will publish on ...' beside the page when it is on")
        else:
            self._say(f"verified: page '{item.title}' is published")
        return PublishedPage(stored.url, stored.page_id, item.release, tuple(file_ids.values()))

    def _hidden_folder(self, names: tuple[str, ...]) -> Folder:
        chain = self.api.resolve(self.course, names)
        path = "/".join(names)
        if chain is None:
            folder = self.api.create_folder(self.course, names[-1], self._container(names[:-1]), HIDDEN_OPEN)
            self._record(f"created folder '{path}': hidden from the Files list, not locked")
            return folder
        if Access.of(chain[-1]) == HIDDEN_OPEN:
            return chain[-1]
        folder = self.api.update_folder(chain[-1], HIDDEN_OPEN)
        self._record(f"changed folder '{path}' to hidden, not locked")
        return folder

    def _figure_problems(self, folder: Folder, file_ids: dict[str, int]) -> list[str]:
        problems = []
        if Access.of(self.api.folder(folder.id)) != HIDDEN_OPEN:
            problems.append(f"folder '{self._figures_path}' is not hidden-and-unlocked, so the page's images "
                            "may not show when it opens")
        for src, file_id in file_ids.items():
            stored = self.api.file(file_id)
            if Access.of(stored) != HIDDEN_OPEN:
                problems.append(f"figure {stored.display_name} is not hidden-and-unlocked")
        return problems

    # bookkeeping

    def _step(self, doing: str, action: Callable[[], T]) -> T:
        try:
            return with_retries(self.retry, action)
        except HttpFailure as failure:
            raise self._stopped(failure, doing) from None

    def _stopped(self, failure: HttpFailure, doing: str) -> CanvasError:
        what, todo = explain(failure, doing, self.where)
        done = "; ".join(self.done) if self.done else "nothing was changed on Canvas"
        message = f"{what}.\n  done so far: {done}.\n  students: {self._what_students_see()}."
        hint = f"{todo}; then run '{self.where.rerun}' again to finish (it is safe to repeat)"
        return CanvasError(self._hide(message), status=failure.status, hint=self._hide(hint))

    def _what_students_see(self) -> str:
        said = []
        for target in self.targets:
            name, when = target.item.remote_name, show_time(target.item.release, target.item.release)
            if target.folder_path not in self.closed_folders:
                said.append(f"{name} was not uploaded")
            elif target.item.release > self.now:
                said.append(f"nothing in '{target.folder_path}' opens before {when}, the folder is closed until then")
            else:
                said.append(f"{name} is past its release ({when})")
        if self.page is not None and self.page.release > self.now:
            said.append(f"page '{self.page.title}' " + ("is unpublished" if self.page_written else "was not written"))
        return "; ".join(said)

    def _record(self, done: str) -> None:
        self.done.append(done)
        self._say(f"done: {done}")

    def _say(self, text: str) -> None:
        print(self._hide(text), file=self.out)

    def _hide(self, text: str) -> str:
        return hide(text, self.token)
