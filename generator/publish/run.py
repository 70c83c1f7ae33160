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
from .plan import FolderStep, Plan, describe_plan, folder_step, observed_plan, offline_plan
from .report import PublishedFile, PublishReport
from .retry import RetryPolicy, with_retries
from .targets import PublishItem, Target, targets_for
from .verify import problems_with

T = TypeVar("T")


def publish_semester(config, files: list[PublishItem], *, dry_run: bool,
                     environ: Mapping[str, str] = os.environ, out: TextIO = sys.stdout,
                     now: datetime | None = None, retry: RetryPolicy = RetryPolicy()) -> PublishReport:
    """Put ``files`` in the course's Files, each closed until its release; or, dry, show the plan."""
    now = now or datetime.now(timezone.utc)
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
        print(f"Dry run: nothing was sent to Canvas. With {TOKEN_VARIABLE} set, a dry run also reads "
              "(never changes) Canvas to show what exists.", file=out)
        return PublishReport(where.semester, where.base_url, where.course_id, True, plan)
    with token_kept_out_of_logs(token):
        run = _Publication(CanvasFiles(where.base_url, token, where.course_id), where, token, targets, retry, out,
                           now)
        return run.dry() if dry_run else run.publish()


class _Publication:
    """One publish: the steps in order, and a record of what is done, for a message on failure."""

    def __init__(self, api: CanvasFiles, where: Where, token: str, targets: tuple[Target, ...],
                 retry: RetryPolicy, out: TextIO, now: datetime):
        self.api, self.where, self.token, self.targets = api, where, token, targets
        self.retry, self.out, self.now = retry, out, now
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
        return PublishReport(self.where.semester, self.where.base_url, self.where.course_id, False, plan,
                             tuple(published))

    # steps

    def _plan(self) -> Plan:
        self.course = self._step(f"opening course {self.where.course_id}", self.api.course)
        plan = self._step("reading the course's folders and files",
                          lambda: observed_plan(self.api, self.course, self.where, self.targets, self.now))
        self._say(describe_plan(plan))
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
        return "; ".join(said)

    def _record(self, done: str) -> None:
        self.done.append(done)
        self._say(f"done: {done}")

    def _say(self, text: str) -> None:
        print(self._hide(text), file=self.out)

    def _hide(self, text: str) -> str:
        return hide(text, self.token)
