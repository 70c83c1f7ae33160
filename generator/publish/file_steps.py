"""The key and the handout as steps of a publication: found on Canvas, judged, uploaded or withdrawn.

A mixin of run.py's publication (it uses its Canvas client, clock, records and steps), kept
apart as page_steps.py is. The rules are run.py's: a file is on Canvas only once its release
has passed by Canvas's clock (or, with ``upload_early``, in a folder closed until then); a copy
found earlier is deleted; after the release a missing or stale file is uploaded, opened, read
back and checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from canvasapi.file import File
from canvasapi.folder import Folder

from .access import Access, show_time
from .client import HttpFailure
from .plan import State
from .records import file_sha256, sha256_of
from .retry import with_retries
from .targets import ActivityTarget, FileTarget
from .verify import problems_with


@dataclass
class FoundFile:
    """One file of an activity, as found on Canvas."""

    target: ActivityTarget
    item: FileTarget
    release: datetime | None  # None: the key's assignment could not be read
    names: tuple[str, ...]
    remote: File | None
    others: list[File]  # more files of that name in the folder
    sha: str
    state: State

    @property
    def where(self) -> str:
        return f"{'/'.join(self.names)}/{self.item.remote_name}"


class FileSteps:
    """File steps of ``_Publication`` (run.py)."""

    def _observe_file(self, target: ActivityTarget, item: FileTarget, key_release: datetime | None) -> FoundFile:
        release = key_release if item.kind == "key" else item.release
        names = target.folder_of(item)
        sha = file_sha256(item.path)
        remote, others = None, []
        chain = self._step(f"reading folder '{'/'.join(names)}'", lambda: self.api.resolve(self.course, names))
        if chain is not None:
            same = [f for f in self._step(f"listing folder '{'/'.join(names)}'", lambda: self.api.files_in(chain[-1]))
                    if f.display_name == item.remote_name]
            if same:
                remote, others = same[0], same[1:]
        entry = FoundFile(target, item, release, names, remote, others, sha, State.MISSING)
        if remote is not None:
            entry.state = self._state(entry.where, remote, sha, release, chain)
        return entry

    def _state(self, where: str, remote: File, sha: str, release: datetime | None, chain: list[Folder]) -> State:
        known = self.records.sha_of(where, remote.id)
        if known is None:
            try:
                data = with_retries(self.retry, lambda: self.api.contents(remote))
            except HttpFailure as failure:  # unreadable: counted as stale, so it is replaced (or withdrawn)
                self._say(f"note: {remote.display_name} (file {remote.id}) could not be read back to compare it "
                          f"({failure.status or 'no answer'}: {failure.message}); it counts as stale")
                return State.STALE
            known = sha256_of(data)
            if known == sha:
                self.records.put(where, remote.id, known)
        if known != sha:
            return State.STALE
        now = self.canvas_now
        if (self._released(release) and Access.of(remote).open_at(now)
                and all(Access.of(f).open_at(now) for f in chain)):
            return State.RELEASED
        return State.UP_TO_DATE

    def _act_on_file(self, entry: FoundFile) -> None:
        item, release = entry.item, entry.release
        name, path = item.remote_name, "/".join(entry.names)
        if release is None:  # no safe time: touch nothing, but take back a copy that is certainly early
            if entry.remote is not None and self.canvas_now is not None and self.canvas_now < item.release:
                self._withdraw(entry.names, [entry.remote] + entry.others, entry.where)
            return
        folder = self._step(f"making folder '{path}' closed until {show_time(release, release)}",
                            lambda: self._closed_folder(entry.names, Access.opening_at(release)))
        if not (self._released(release) or self.term.upload_early):
            if entry.remote is not None and self.canvas_now is not None:  # certainly before its release
                self._withdraw(entry.names, [entry.remote] + entry.others, entry.where)
            return
        wanted = Access.opening_at(release)
        if entry.state in (State.MISSING, State.STALE) or entry.others:
            uploaded = self._step(f"uploading {name} into '{path}'", lambda: self.api.upload(folder, item.path, name))
            self._record(f"uploaded {name} (file {uploaded.id}) into '{path}'")
            self.records.put(entry.where, uploaded.id, entry.sha)
        elif entry.state is State.RELEASED:
            return
        else:
            uploaded = entry.remote
        when = show_time(release, release)
        self._step(f"setting {name} to open at {when}", lambda: self.api.update_file(uploaded, wanted))
        problems = self._step(f"checking {name} in '{path}'", lambda: problems_with(
            self.api, self.course, entry.names, name, item.path, wanted, wanted, folder.id, uploaded.id,
            self.canvas_now))
        self._check(problems)
        state = "open to students" if self._released(release) else f"closed until {when}, then opens by itself"
        self._say(f"verified: {name} in '{path}' is {state}")

    def _withdraw(self, names: tuple[str, ...], files: list[File], where: str) -> None:
        """Delete files found before their release: their verifier would open them to anyone enrolled."""
        for remote in files:
            self._step(f"deleting {remote.display_name} (file {remote.id}) from '{'/'.join(names)}'",
                       lambda remote=remote: self.api.delete_file(remote))
            self._record(f"deleted {remote.display_name} (file {remote.id}) from '{'/'.join(names)}': it was on Canvas "
                         "before its release, where its verifier opens it past any lock")
        self.records.forget(where)

    def _closed_folder(self, names: tuple[str, ...], wanted: Access) -> Folder:
        """Find or create the folder so that it is closed until ``wanted.unlock_at`` and then opens."""
        path = "/".join(names)
        chain = self.api.resolve(self.course, names)
        if chain is None:
            folder = self.api.create_folder(self.course, names[-1], self._container(names[:-1]), wanted)
            self._record(f"created folder '{path}': {wanted.describe(wanted.unlock_at)}")
            return folder
        before = Access.of(chain[-1])
        if before == wanted:
            return chain[-1]
        folder = self.api.update_folder(chain[-1], wanted)  # canvasapi updates the object in place
        self._record(f"changed folder '{path}' (was: {before.describe(wanted.unlock_at)}): "
                     f"{wanted.describe(wanted.unlock_at)}")
        return folder

    def _container(self, names: tuple[str, ...]) -> Folder:
        """A folder above ours: found, or created as Canvas creates any folder (open; it holds only folders)."""
        chain = self.api.resolve(self.course, names)
        if chain is not None:
            return chain[-1]
        folder = self.api.create_folder(self.course, names[-1], self._container(names[:-1]), None)
        self._record(f"created folder '{'/'.join(names)}' (open, holds only folders)")
        return folder
