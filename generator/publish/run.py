"""Publish a term's keys to Canvas so that nothing of a key reaches a student before its time.

Why a key is not uploaded before its release. Canvas accepts a file's ``uuid`` as a "legacy
verifier" before any lock check (app/models/attachments/verification.rb,
``valid_verifier_for_permission?``: ``return true if verifier == attachment.uuid``), and
FilesController#show sends the file when the verifier is valid; ``GET /api/v1/files/:id``
answers the ``uuid`` to every course member who may ``:read`` the file, locked or not
(lib/api/v1/attachment.rb, ``attachment_json``). File ids are sequential, so an uploaded key
is reachable at ``/files/<id>/download?verifier=<uuid>`` whatever its folder's or its own
lock says. Root accounts can close this (``disable_file_verifier_access``), but a teacher's
token cannot see that flag. So, by default:

1. Folders are created (or changed) closed until their file's release, at any time.
2. A file, the key's page and the page's figures are uploaded only once their release has
   passed by Canvas's clock (clock.py); before that the table says when they will go up.
   The key's release is the later of ``key_release`` and the assignment's last deadline,
   extensions included (deadlines.py); an assignment that cannot be read stops the key.
3. Anything of ours found on Canvas before its release (an earlier, early upload) is deleted,
   and a page found published or scheduled is unpublished, so nothing stays reachable.
4. After its release an item is uploaded when missing or stale (replacing the file of that
   name in place, ``on_duplicate=overwrite``), opened, read back and checked, and recorded
   (records.py); one already up to date is left alone.

With the term's ``upload_early`` (for accounts whose admins turned legacy verifiers off),
items are uploaded at once into their closed folders, set to open at the release, as before.

Every step looks before it acts, so a run stopped anywhere is finished by running it again.
The page's steps are in page_steps.py; the table in plan.py; what is read from the config, in
targets.py only.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO, TypeVar

from canvasapi.course import Course

from ..errors import CanvasError
from .access import show_time
from .client import CanvasFiles, HttpFailure
from .clock import CanvasClock, skew_note
from .credentials import TOKEN_VARIABLE, base_url_from, hide, missing_token, token_from, token_kept_out_of_logs
from .deadlines import Deadline, NoSafeTime, last_deadline
from .deadlines import describe as describe_deadline
from .failures import Where, explain
from .file_steps import FileSteps, FoundFile
from .page import page_item, page_url
from .page_steps import PageSteps
from .plan import Row, State, format_table
from .records import Records
from .report import PublishReport
from .retry import RetryPolicy, with_retries
from .targets import ActivityTarget, Term, targets_for

T = TypeVar("T")
DEFAULT_RETRY = RetryPolicy()


def publish_semester(cfg, root: Path, *, activity: str | None = None, **options) -> PublishReport:
    """The CLI's entry: the term's targets from the config (targets.py), then ``publish_term``."""
    return publish_term(targets_for(cfg, root, activity), **options)


def publish_term(term: Term, *, dry_run: bool, environ: Mapping[str, str] = os.environ, out: TextIO | None = None,
                 now: datetime | None = None, retry: RetryPolicy = DEFAULT_RETRY,
                 monotonic: Callable[[], float] = time.monotonic) -> PublishReport:
    """Publish what is due and prepare what is not; or, dry, print the table only.

    ``now`` is this machine's clock (for saying how far it is from Canvas's; it decides nothing).
    """
    out = out or sys.stdout
    local_now = now or datetime.now(UTC)
    where = Where(base_url_from(term.base_url, environ), term.course_id, term.semester)
    for target in term.activities:
        for item in target.files:
            if not item.path.is_file():
                raise CanvasError(f"{item.path} does not exist, so it cannot be published",
                                  hint=f"build it first with 'make pdf SEMESTER={term.semester}'")
        if target.page is not None:
            page_item(target)  # the body and every figure it shows must exist
    token = token_from(environ)
    if token is None:
        if not dry_run:
            raise missing_token()
        return _offline(term, where, local_now, out)
    with token_kept_out_of_logs(token):
        clock = CanvasClock(monotonic)
        api = CanvasFiles(where.base_url, token, where.course_id, clock)
        return _Publication(api, clock, term, where, token, retry, out, local_now).run(dry_run)


def _offline(term: Term, where: Where, local_now: datetime, out: TextIO) -> PublishReport:
    rows = []
    for target in term.activities:
        for item in target.files:
            when = show_time(item.release, item.release)
            if item.kind == "key" and target.assignment_id is not None:
                when += f", or later for assignment {target.assignment_id}'s extensions"
            rows.append(Row(target.activity, item.remote_name, "/".join(target.folder_of(item)), State.NOT_READ,
                            when, item.release, True))
        if target.page is not None:
            rows.append(Row(target.activity, "page", f"/pages/{page_url(target.page.title)}", State.NOT_READ,
                            "with the key", target.key_release, True))
    print(_heading(where), file=out)
    print(format_table(rows), file=out)
    print(f"Dry run: nothing was sent to Canvas. With {TOKEN_VARIABLE} set, a dry run also reads (never changes) "
          "Canvas, to show what is there and to use Canvas's clock.", file=out)
    return PublishReport(where.semester, where.base_url, where.course_id, True, tuple(rows), None)


def _heading(where: Where) -> str:
    return f"Publishing semester {where.semester} to Canvas course {where.course_id} at {where.base_url}:"


@dataclass
class _Publication(FileSteps, PageSteps):
    api: CanvasFiles
    clock: CanvasClock
    term: Term
    where: Where
    token: str
    retry: RetryPolicy
    out: TextIO
    local_now: datetime
    done: list[str] = field(default_factory=list)
    course: Course | None = None
    canvas_now: datetime | None = None
    _blocked_transient: bool = False  # the last assignment read failed as Canvas being down

    def run(self, dry_run: bool) -> PublishReport:
        self.course = self._step(f"opening course {self.where.course_id}", self.api.course)
        self.canvas_now = self.clock.now()
        self.records = Records(self.term.record, self.where.course_id)
        releases, blocked, lines, transient = {}, {}, [], False
        for target in self.term.activities:
            release, line, problem = self._key_release(target)
            releases[target.activity] = release
            if line:
                lines.append(f"{target.activity}: {line}")
            if problem:
                blocked[target.activity] = problem
                transient = transient or self._blocked_transient
        items = [self._observe_file(t, i, releases[t.activity]) for t in self.term.activities for i in t.files]
        pages = [self._observe_page(t, releases[t.activity]) for t in self.term.activities if t.page is not None]
        rows = [self._row(i) for i in items] + [self._page_row(p) for p in pages]
        self._say(_heading(self.where))
        note = skew_note(self.canvas_now, self.local_now)
        if self.canvas_now is not None:
            self._say(f"Canvas's time: {show_time(self.canvas_now, self.term.activities[0].key_release)}"
                      + (f" ({note})" if note else ""))
        elif note:
            self._say(note)
        if self.term.upload_early:
            self._say("upload_early is on: files go up before their release, behind Canvas's locks; that is safe only "
                      "where the account has disable_file_verifier_access on (docs/canvas.md, section 6)")
        for line in lines:
            self._say(line)
        self._say(format_table(rows))
        if dry_run:
            self._say("Dry run: nothing was changed on Canvas (only GET requests were sent).")
        else:
            try:
                for entry in items:
                    self._act_on_file(entry)
                for entry in pages:
                    self._act_on_page(entry)
            finally:
                self.records.save()
            self._say(self._summary(rows))
        report = PublishReport(self.where.semester, self.where.base_url, self.where.course_id, dry_run, tuple(rows),
                               self.canvas_now, tuple(self.done))
        if blocked:
            problems = "\n    - ".join(f"{activity}: {problem}" for activity, problem in blocked.items())
            error = CanvasError(self._hide(f"the key of {len(blocked)} activit{'y' if len(blocked) == 1 else 'ies'} "
                                           f"was not uploaded, as no safe time is known:\n    - {problems}"),
                                hint="fix the assignment in Canvas or [canvas] assignment_id in "
                                     f"semesters/{self.where.semester}.toml, then run '{self.where.rerun}' again")
            error.transient = transient  # Canvas was down: the --wait loop tries again later
            raise error
        return report

    # when the key may open

    def _key_release(self, target: ActivityTarget) -> tuple[datetime | None, str | None, str | None]:
        self._blocked_transient = False
        if target.assignment_id is None:
            return target.key_release, None, None
        doing = f"reading assignment {target.assignment_id}"
        try:
            assignment = with_retries(self.retry, lambda: self.api.assignment(self.course, target.assignment_id))
            deadline: Deadline = last_deadline(assignment, lambda: with_retries(
                self.retry, lambda: self.api.overrides(assignment)))
        except HttpFailure as failure:
            self._blocked_transient = failure.transient
            what, todo = explain(failure, doing, self.where)
            if failure.status == 404:
                what = f"assignment {target.assignment_id} was not found in course {self.where.course_id} (404)"
                todo = "check [canvas] assignment_id (the number in the assignment's Canvas address)"
            return None, None, self._hide(f"{what}; {todo}")
        except NoSafeTime as problem:
            return None, None, str(problem)
        release = max(target.key_release, deadline.at)
        return release, describe_deadline(deadline, target.key_release), None

    def _released(self, release: datetime | None) -> bool:
        return release is not None and self.canvas_now is not None and release <= self.canvas_now

    # what is on Canvas (GET only)

    def _row(self, entry: FoundFile) -> Row:
        item, release = entry.item, entry.release
        if release is None:
            goes_up = "not while the assignment cannot be read (see below)"
        else:
            when = show_time(release, release)
            if entry.state is State.RELEASED:
                goes_up = f"released (since {when})"
            elif self._released(release):
                goes_up = "now (its release has passed)" if entry.state is not State.UP_TO_DATE else f"opens now ({when})"
            elif self.term.upload_early:
                goes_up = f"uploaded early, closed until {when}"
            else:
                goes_up = when + (" (removed until then: an early copy is reachable)" if entry.remote else "")
            if item.kind == "key" and release != entry.target.key_release:
                goes_up += " [moved by the assignment's deadlines]"
        return Row(entry.target.activity, item.remote_name, "/".join(entry.names), entry.state, goes_up, release,
                   release is not None and not self._released(release))

    # bookkeeping

    def _summary(self, rows: list[Row]) -> str:
        waiting = sorted((r for r in rows if r.pending and r.release is not None), key=lambda r: r.release)
        head = "Nothing needed changing on Canvas." if not self.done else f"Done: {len(self.done)} change(s) on Canvas."
        if not waiting:
            return head + " Nothing is waiting for its release."
        first = waiting[0]
        return (f"{head} Next release: {first.item} of {first.activity} at {show_time(first.release, first.release)}; "
                f"run '{self.where.rerun}' after that time (or keep 'make publish WAIT=1' running) to publish it.")

    def _check(self, problems: list[str]) -> None:
        if problems:
            raise CanvasError(self._hide("published, but reading Canvas back found problems:\n    - "
                                         + "\n    - ".join(problems)),
                              hint=f"fix these in the course in Canvas, then run '{self.where.rerun}' again")

    def _step(self, doing: str, action: Callable[[], T]) -> T:
        try:
            return with_retries(self.retry, action)
        except HttpFailure as failure:
            raise self._stopped(failure, doing) from None

    def _stopped(self, failure: HttpFailure, doing: str) -> CanvasError:
        what, todo = explain(failure, doing, self.where)
        done = "; ".join(self.done) if self.done else "nothing was changed on Canvas"
        students = ("what was uploaded early sits in folders closed until its release" if self.term.upload_early
                    else "nothing is uploaded before its release, so nothing of a key is open early")
        message = f"{what}.\n  done so far: {done}.\n  students: {students}."
        hint = f"{todo}; then run '{self.where.rerun}' again to finish (it is safe to repeat)"
        error = CanvasError(self._hide(message), status=failure.status, hint=self._hide(hint))
        error.transient = failure.transient  # the --wait loop tries again later
        return error

    def _record(self, done: str) -> None:
        self.done.append(done)
        self._say(f"done: {done}")

    def _say(self, text: str) -> None:
        print(self._hide(text), file=self.out)

    def _hide(self, text: str) -> str:
        return hide(text, self.token)
