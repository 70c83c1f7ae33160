"""A small Canvas-like HTTP server for the publish tests, following Canvas's documented API.

It implements only what publishing uses (Courses, Folders, Files and Pages APIs, the three-step
file upload), with Canvas's rules for what a student may open, so a test can ask after every request:
could a student have opened the key at the server's current time? Faults (error statuses in
Canvas's shapes, rate limiting, dropped connections) are queued per route.

Student access follows Canvas: an item is open when it is not ``locked`` (unpublished), its
``unlock_at`` is empty or past and its ``lock_at`` empty or future, and every folder above it is
open by the same rule. ``hidden`` only keeps an item out of listings and protects nothing.
New files, and folders made by an upload's or a folder's ``parent_folder_path``, start open.

Legacy verifiers, as Canvas's own code has them: ``GET /api/v1/files/:id`` answers a file's
``uuid`` to anyone in the course who may read it, locked or not (lib/api/v1/attachment.rb,
attachment_json), and ``/files/:id/download?verifier=<uuid>`` sends the file past every lock
(app/models/attachments/verification.rb: ``return true if verifier == attachment.uuid``, checked
in FilesController#show before any lock); a deleted file answers 404. So while
``legacy_verifiers`` is on (the default; off models ``disable_file_verifier_access``), the audit
counts every uploaded file as open to students, whatever its locks say.

Canvas's clock: every answer carries a ``Date`` header from the server's clock, which a test
sets, independently of this machine's.

Assignments (AssignmentsApiController#show, lib/api/v1/assignment.rb): ``include[]=overrides``
adds the active overrides (teachers only); ``all_dates=true`` (a plain parameter of show, not an
``include[]``) adds ``all_dates`` while there are fewer than 25 active overrides, and
``all_dates_count`` from 25 on. An override's JSON has ``due_at``/``lock_at`` only when it
overrides them (lib/api/v1/assignment_override.rb). ``GET .../overrides`` is paginated here with
Link headers (Api.paginate's shape), a superset of Canvas versions that answer it in one page.

Pages follow Canvas's WikiPage: a student sees a page only when it is published. A future
``publish_at`` (with the root account's Scheduled Page Publication feature, on by default here)
unpublishes the page and publishes it at that time; a past one publishes it at once; an
explicit change of ``published`` clears ``publish_at``. With the feature off, ``publish_at`` is
stored and does nothing. Pages a student can see appear in the audit as ``pages/<url>``.
"""

from __future__ import annotations

import contextlib
import email.parser
import email.policy
import email.utils
import hashlib
import hmac
import itertools
import json
import re
import secrets
import socket
import threading
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from generator.config import load

ROOT_FOLDER_NAME = "course files"
NOT_FOUND = "The specified resource does not exist."
# The clock the tests start at: a week before the 2027-spring key opens.
NOW = (load(Path(__file__).resolve().parent.parent / "semesters" / "2027-spring.toml").activity("activity05").key_release
       .astimezone(UTC) - timedelta(days=7))


# --- faults --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fault:
    """One injected failure. ``after_apply`` performs the request first, then loses the answer."""

    status: int | None = None
    body: str = ""
    content_type: str = "application/json"
    headers: tuple[tuple[str, str], ...] = ()
    drop: bool = False
    after_apply: bool = False


def canvas_error(status: int, message: str, *, after_apply: bool = False) -> Fault:
    return Fault(status, json.dumps({"errors": [{"message": message}]}), after_apply=after_apply)


def invalid_token() -> Fault:
    return Fault(401, json.dumps({"errors": [{"message": "Invalid access token."}]}),
                 headers=(("WWW-Authenticate", 'Bearer realm="canvas-lms"'),))


def rate_limited_403() -> Fault:
    """Canvas's throttling answer: 403 with a plain-text body, no Retry-After."""
    return Fault(403, "403 Forbidden (Rate Limit Exceeded)\n", content_type="text/plain",
                 headers=(("X-Rate-Limit-Remaining", "0.0"),))


def too_many_requests(retry_after: int) -> Fault:
    return Fault(429, json.dumps({"errors": [{"message": "Too many requests"}]}),
                 headers=(("Retry-After", str(retry_after)),))


def quota_exceeded() -> Fault:
    """Canvas's upload preflight answer when the course is over its file quota."""
    return Fault(400, json.dumps({"message": "file size exceeds quota"}))


def dropped(*, after_apply: bool = False) -> Fault:
    return Fault(drop=True, after_apply=after_apply)


# --- stored objects ------------------------------------------------------------------------


@dataclass
class Access:
    locked: bool = False
    unlock_at: datetime | None = None
    lock_at: datetime | None = None
    hidden: bool = False

    def open_at(self, now: datetime) -> bool:
        return (not self.locked and (self.unlock_at is None or self.unlock_at <= now)
                and (self.lock_at is None or self.lock_at > now))


@dataclass
class Folder:
    id: int
    name: str
    parent_id: int | None
    access: Access
    created_at: datetime
    updated_at: datetime
    deleted: bool = False


@dataclass
class StoredFile:
    id: int
    uuid: str
    folder_id: int
    display_name: str
    content_type: str
    access: Access
    on_duplicate: str
    created_at: datetime
    updated_at: datetime
    size: int = 0
    content: bytes | None = None
    state: str = "pending"  # pending -> uploaded (data stored) -> available; or deleted
    replacement_id: int | None = None

    @property
    def has_data(self) -> bool:
        return self.state in ("uploaded", "available")


@dataclass
class WikiPage:
    id: int
    url: str
    title: str
    body: str
    workflow_state: str  # active (published) or unpublished
    created_at: datetime
    updated_at: datetime
    publish_at: datetime | None = None
    scheduled: bool = False  # a publication job is waiting for publish_at
    editing_roles: str = "teachers"

    def visible_at(self, now: datetime, feature_on: bool) -> bool:
        if self.workflow_state == "active":
            return True
        return bool(feature_on and self.scheduled and self.publish_at is not None and self.publish_at <= now)


@dataclass
class Override:
    id: int
    title: str
    dates: dict[str, datetime | None]  # only the dates it overrides: due_at, lock_at, unlock_at
    student_ids: list[int] | None = None
    course_section_id: int | None = None
    group_id: int | None = None


@dataclass
class AssignmentRecord:
    id: int
    name: str
    due_at: datetime | None
    lock_at: datetime | None
    unlock_at: datetime | None = None
    only_visible_to_overrides: bool = False
    overrides: list[Override] = field(default_factory=list)


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    route: str | None
    status: int | None  # None: the connection was dropped


@dataclass(frozen=True)
class AuditEntry:
    """What students could open right after one request, at the server's clock."""

    at: datetime
    request: str
    openable: frozenset[str]


@dataclass
class Reply:
    status: int
    body: Any = None  # JSON-able, or bytes
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"


class CanvasFailure(Exception):
    def __init__(self, status: int, body: Any):
        super().__init__(status)
        self.reply = Reply(status, body)


def _not_found() -> CanvasFailure:
    return CanvasFailure(404, {"errors": [{"message": NOT_FOUND}]})


def _bad_request(message: str) -> CanvasFailure:
    return CanvasFailure(400, {"errors": [{"message": message}]})


# --- the server ----------------------------------------------------------------------------


class FakeCanvas:
    """One course's Files on 127.0.0.1 at a random port, with a clock the test controls."""

    def __init__(self, *, token: str, course_id: int, now: datetime, upload_confirm: str = "redirect",
                 max_per_page: int = 100, quota: int = 500_000_000, scheduled_page_publication: bool = True,
                 legacy_verifiers: bool = True, student_token: str = "student-token", send_date: bool = True):
        if upload_confirm not in ("redirect", "created"):
            raise ValueError(upload_confirm)
        self.token = token
        self.course_id = course_id
        self.now = now.astimezone(UTC)
        self.upload_confirm = upload_confirm
        self.max_per_page = max_per_page
        self.quota = quota
        self.folders: dict[int, Folder] = {}
        self.files: dict[int, StoredFile] = {}
        self.pages: dict[str, WikiPage] = {}
        self.scheduled_page_publication = scheduled_page_publication
        self.legacy_verifiers = legacy_verifiers
        self.student_token = student_token
        self.send_date = send_date
        self.assignments: dict[int, AssignmentRecord] = {}
        self.sections: dict[int, str] = {}
        self.requests: list[RecordedRequest] = []
        self.audit: list[AuditEntry] = []
        self._uploads: dict[str, tuple[int, dict[str, str]]] = {}
        self._faults: dict[str, deque[Fault]] = defaultdict(deque)
        self._ids = itertools.count(1001)
        self._signing_key = secrets.token_bytes(16)
        self._lock = threading.RLock()
        self.root = self._new_folder(ROOT_FOLDER_NAME, None, Access())
        handler = type("BoundHandler", (_Handler,), {"canvas": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                                        daemon=True)

    # lifecycle

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FakeCanvas:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # test controls

    def inject(self, route: str, *faults: Fault) -> None:
        if route not in ROUTE_NAMES:
            raise ValueError(f"unknown route {route!r}; known: {sorted(ROUTE_NAMES)}")
        with self._lock:
            self._faults[route].extend(faults)

    def set_now(self, now: datetime) -> None:
        with self._lock:
            self.now = now.astimezone(UTC)

    def add_folder(self, path: str, **access: Any) -> Folder:
        """Set up an existing folder (missing parents are made open), as an instructor might have."""
        with self._lock:
            folder = self._assert_path(path)
            folder.access = Access(**access)
            return folder

    def add_file(self, folder_path: str, name: str, content: bytes, **access: Any) -> StoredFile:
        with self._lock:
            folder = self._assert_path(folder_path)
            stored = self._new_file(folder, name, "application/pdf", "overwrite")
            stored.access = Access(**access)
            stored.content, stored.size, stored.state = content, len(content), "available"
            return stored

    def folder_at(self, path: str) -> Folder | None:
        with self._lock:
            chain = self._resolve(_split(path))
            return chain[-1] if chain else None

    def files_in(self, path: str) -> list[StoredFile]:
        """Files a teacher sees in the folder (uploaded and confirmed), by name."""
        folder = self.folder_at(path)
        if folder is None:
            return []
        with self._lock:
            return self._listed_files(folder)

    def subfolders(self, path: str) -> list[str]:
        """Names of the folders a teacher sees in the folder (deleted ones are gone), sorted."""
        folder = self.folder_at(path)
        if folder is None:
            return []
        with self._lock:
            return [f.name for f in self._children(folder)]

    def path_of_file(self, stored: StoredFile) -> str:
        return "/".join(self._folder_names(self.folders[stored.folder_id]) + [stored.display_name])

    def student_can_open(self, path: str, at: datetime | None = None) -> bool:
        with self._lock:
            return path in self._openable(at or self.now)

    def openable_paths(self, at: datetime | None = None) -> frozenset[str]:
        with self._lock:
            return self._openable(at or self.now)

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

    def add_assignment(self, assignment_id: int, name: str, *, due_at: datetime | None, lock_at: datetime | None = None,
                       only_visible_to_overrides: bool = False) -> AssignmentRecord:
        with self._lock:
            record = AssignmentRecord(assignment_id, name, due_at, lock_at,
                                      only_visible_to_overrides=only_visible_to_overrides)
            self.assignments[assignment_id] = record
            return record

    def add_override(self, assignment_id: int, *, students: list[int] | None = None, section: str | None = None,
                     group_id: int | None = None, title: str | None = None, **dates: datetime | None) -> Override:
        """An override of the dates named in ``dates`` (due_at, lock_at, unlock_at; None removes one)."""
        with self._lock:
            section_id = None
            if section is not None:
                section_id = next((i for i, n in self.sections.items() if n == section), None) or next(self._ids)
                self.sections[section_id] = section
            override = Override(next(self._ids), title or section or ("Group" if group_id else "Student names"),
                                dict(dates), students, section_id, group_id)
            self.assignments[assignment_id].overrides.append(override)
            return override

    def student_download(self, file_id: int) -> bytes | None:
        """What a student gets by the legacy-verifier route, over real HTTP: the file's bytes or None."""
        import requests

        answer = requests.get(f"{self.url}/api/v1/files/{file_id}",
                              headers={"Authorization": f"Bearer {self.student_token}"}, timeout=10)
        if answer.status_code != 200:
            return None
        uuid = answer.json().get("uuid")
        download = requests.get(f"{self.url}/files/{file_id}/download", params={"verifier": uuid, "download_frd": 1},
                                timeout=10)
        return download.content if download.status_code == 200 else None

    # the model

    def _new_folder(self, name: str, parent_id: int | None, access: Access) -> Folder:
        folder = Folder(next(self._ids), name, parent_id, access, self.now, self.now)
        self.folders[folder.id] = folder
        return folder

    def _new_file(self, folder: Folder, name: str, content_type: str, on_duplicate: str) -> StoredFile:
        stored = StoredFile(next(self._ids), secrets.token_hex(8), folder.id, name, content_type, Access(),
                            on_duplicate, self.now, self.now)
        self.files[stored.id] = stored
        return stored

    def _children(self, folder: Folder) -> list[Folder]:
        return sorted((f for f in self.folders.values() if f.parent_id == folder.id and not f.deleted),
                      key=lambda f: (f.name, f.id))

    def _resolve(self, names: list[str]) -> list[Folder] | None:
        chain = [self.root]
        for name in names:
            found = [f for f in self._children(chain[-1]) if f.name == name]
            if not found:
                return None
            chain.append(found[0])
        return chain

    def _assert_path(self, path: str) -> Folder:
        """Canvas's Folder.assert_path: missing folders on the way are created, open to students."""
        folder = self.root
        for name in _split(path):
            found = [f for f in self._children(folder) if f.name == name]
            folder = found[0] if found else self._new_folder(name, folder.id, Access())
        return folder

    def _folder_chain(self, folder: Folder) -> list[Folder]:
        chain = [folder]
        while chain[-1].parent_id is not None:
            chain.append(self.folders[chain[-1].parent_id])
        return list(reversed(chain))

    def _folder_names(self, folder: Folder) -> list[str]:
        return [f.name for f in self._folder_chain(folder)[1:]]

    def _listed_files(self, folder: Folder) -> list[StoredFile]:
        return sorted((f for f in self.files.values() if f.folder_id == folder.id and f.state == "available"),
                      key=lambda f: (f.display_name, f.id))

    def _openable(self, now: datetime) -> frozenset[str]:
        """Paths of files a student could open now. Data not yet confirmed counts: it is stored.

        With legacy verifiers, every stored file is open: its uuid opens it past any lock."""
        now = now.astimezone(UTC)
        paths = set()
        for stored in self.files.values():
            if not stored.has_data or stored.state == "deleted":
                continue
            if self.legacy_verifiers or self._open_by_locks(stored, now):
                paths.add(self.path_of_file(stored))
        paths.update(f"pages/{url}" for url, page in self.pages.items()
                     if page.visible_at(now, self.scheduled_page_publication))
        return frozenset(paths)

    def _open_by_locks(self, stored: StoredFile, now: datetime) -> bool:
        if not stored.access.open_at(now):
            return False
        return all(f.access.open_at(now) and not f.deleted for f in self._folder_chain(self.folders[stored.folder_id]))

    def _finish_upload(self, stored: StoredFile) -> None:
        """Canvas's handle_duplicates: overwrite replaces a same-named file and copies its access."""
        if stored.state == "available":
            return
        stored.state = "available"
        folder = self.folders[stored.folder_id]
        same_name = [f for f in self._listed_files(folder) if f.display_name == stored.display_name and f is not stored]
        if not same_name:
            return
        if stored.on_duplicate == "rename":
            taken = {f.display_name for f in self._listed_files(folder)}
            stem, dot, ext = stored.display_name.rpartition(".")
            for n in itertools.count(1):
                candidate = f"{stem}-{n}.{ext}" if dot else f"{stored.display_name}-{n}"
                if candidate not in taken:
                    stored.display_name = candidate
                    return
        first = same_name[0]
        stored.access = Access(first.access.locked, first.access.unlock_at, first.access.lock_at, first.access.hidden)
        for old in same_name:
            old.state, old.replacement_id = "deleted", stored.id

    def _quota_used(self) -> int:
        return sum(f.size for f in self.files.values() if f.has_data)

    # JSON shapes (Canvas's Folder and File objects)

    def folder_json(self, folder: Folder) -> dict[str, Any]:
        names = [f.name for f in self._folder_chain(folder)]
        return {
            "id": folder.id, "name": folder.name, "full_name": "/".join(names),
            "context_id": self.course_id, "context_type": "Course", "parent_folder_id": folder.parent_id,
            "created_at": _time(folder.created_at), "updated_at": _time(folder.updated_at),
            "lock_at": _time(folder.access.lock_at), "unlock_at": _time(folder.access.unlock_at),
            "locked": folder.access.locked, "hidden": folder.access.hidden,
            "hidden_for_user": False, "locked_for_user": False,
            "files_count": len(self._listed_files(folder)), "folders_count": len(self._children(folder)),
            "position": None, "for_submissions": False, "can_upload": True,
            "folders_url": f"{self.url}/api/v1/folders/{folder.id}/folders",
            "files_url": f"{self.url}/api/v1/folders/{folder.id}/files",
        }

    def file_json(self, stored: StoredFile, *, student: bool = False) -> dict[str, Any]:
        locked_for_student = student and not self._open_by_locks(stored, self.now)
        url = "" if locked_for_student else \
            f"{self.url}/files/{stored.id}/download?download_frd=1&verifier={stored.uuid}"
        return {
            "id": stored.id, "uuid": stored.uuid, "folder_id": stored.folder_id,
            "display_name": stored.display_name, "filename": stored.display_name,
            "upload_status": "success", "content-type": stored.content_type,
            "url": url,
            "size": stored.size, "created_at": _time(stored.created_at), "updated_at": _time(stored.updated_at),
            "modified_at": _time(stored.updated_at), "unlock_at": _time(stored.access.unlock_at),
            "lock_at": _time(stored.access.lock_at), "locked": stored.access.locked,
            "hidden": stored.access.hidden, "hidden_for_user": False, "locked_for_user": locked_for_student,
            "thumbnail_url": None, "mime_class": "pdf", "media_entry_id": None,
        }

    # endpoints; each returns a Reply or raises CanvasFailure

    def _course(self, course_id: str) -> None:
        if int(course_id) != self.course_id:
            raise _not_found()

    def _live_folder(self, folder_id: str) -> Folder:
        folder = self.folders.get(int(folder_id))
        if folder is None or folder.deleted:
            raise _not_found()
        return folder

    def _live_file(self, file_id: str) -> StoredFile:
        stored = self.files.get(int(file_id))
        if stored is None or stored.state != "available":
            raise _not_found()
        return stored

    def get_course(self, m: re.Match, params: dict) -> Reply:
        self._course(m["course"])
        return Reply(200, {"id": self.course_id, "name": "Deep Learning", "course_code": "CS 316/365",
                           "workflow_state": "available"})

    def resolve_path(self, m: re.Match, params: dict) -> Reply:
        self._course(m["course"])
        chain = self._resolve([unquote(p) for p in (m["path"] or "").split("/") if p])
        if chain is None:
            raise _not_found()
        return Reply(200, [self.folder_json(f) for f in chain])

    def create_folder(self, m: re.Match, params: dict) -> Reply:
        self._course(m["course"])
        name = params.get("name", "").strip()
        if not name:
            raise CanvasFailure(400, {"errors": {"name": [{"attribute": "name", "type": "blank",
                                                           "message": "can't be blank"}]}})
        if "parent_folder_id" in params and "parent_folder_path" in params:
            raise CanvasFailure(400, {"message": "Can't set folder path and folder id"})
        if "parent_folder_id" in params:
            parent = self._live_folder(params["parent_folder_id"])
        elif "parent_folder_path" in params:
            parent = self._assert_path(params["parent_folder_path"])
        else:
            parent = self._assert_path("unfiled")
        folder = self._new_folder(name, parent.id, _access_from(params, Access()))
        return Reply(200, self.folder_json(folder))

    def get_folder(self, m: re.Match, params: dict) -> Reply:
        return Reply(200, self.folder_json(self._live_folder(m["folder"])))

    def update_folder(self, m: re.Match, params: dict) -> Reply:
        folder = self._live_folder(m["folder"])
        if params.get("name"):
            folder.name = params["name"]
        folder.access = _access_from(params, folder.access)
        folder.updated_at = self.now
        return Reply(200, self.folder_json(folder))

    def list_files(self, m: re.Match, params: dict) -> Reply:
        folder = self._live_folder(m["folder"])
        files = self._listed_files(folder)
        per_page = max(1, min(int(params.get("per_page", 10)), self.max_per_page))
        page = max(1, int(params.get("page", 1)))
        last = max(1, -(-len(files) // per_page))
        link = lambda n, rel: (f'<{self.url}/api/v1/folders/{folder.id}/files?'  # noqa: E731
                               f'{urlencode({"page": n, "per_page": per_page})}>; rel="{rel}"')
        links = [link(page, "current")] + ([link(page + 1, "next")] if page < last else [])
        links += [link(1, "first"), link(last, "last")]
        chunk = files[(page - 1) * per_page: page * per_page]
        return Reply(200, [self.file_json(f) for f in chunk], headers={"Link": ",".join(links)})

    def start_upload_in_folder(self, m: re.Match, params: dict) -> Reply:
        return self._preflight(self._live_folder(m["folder"]), params)

    def start_upload_in_course(self, m: re.Match, params: dict) -> Reply:
        self._course(m["course"])
        if "parent_folder_id" in params and "parent_folder_path" in params:
            raise _bad_request("Can't set folder path and folder id")
        if "parent_folder_id" in params:
            folder = self._live_folder(params["parent_folder_id"])
        else:
            folder = self._assert_path(params.get("parent_folder_path", "unfiled"))
        return self._preflight(folder, params)

    def _preflight(self, folder: Folder, params: dict) -> Reply:
        """Step 1: a pending file and a signed, single-use upload target."""
        name = params.get("name", "").strip()
        if not name:
            raise _bad_request("name is required")
        size = int(params.get("size") or 0)
        if self._quota_used() + size > self.quota:
            raise CanvasFailure(400, {"message": "file size exceeds quota"})
        on_duplicate = params.get("on_duplicate", "overwrite")
        if on_duplicate not in ("overwrite", "rename"):
            raise _bad_request("on_duplicate must be 'overwrite' or 'rename'")
        stored = self._new_file(folder, name, params.get("content_type") or "application/pdf", on_duplicate)
        upload_params = {"filename": name, "content_type": stored.content_type,
                         "key": f"courses/{self.course_id}/files/{stored.id}/{name}"}
        upload_params["signature"] = hmac.new(self._signing_key, json.dumps(upload_params, sort_keys=True).encode(),
                                              hashlib.sha256).hexdigest()
        upload_token = secrets.token_urlsafe(12)
        self._uploads[upload_token] = (stored.id, upload_params)
        return Reply(200, {"upload_url": f"{self.url}/files_api/upload/{upload_token}",
                           "upload_params": upload_params, "file_param": "file"})

    def receive_upload(self, m: re.Match, parts: list[tuple[str, bytes]]) -> Reply:
        """Step 2: multipart with every upload_param unchanged and the file last; then step 3's answer."""
        entry = self._uploads.pop(m["upload"], None)
        if entry is None:
            raise _bad_request("upload token is invalid or already used")
        file_id, upload_params = entry
        if not parts or parts[-1][0] != "file":
            raise _bad_request("the file must be the last parameter")
        fields = {name: value.decode() for name, value in parts[:-1]}
        if fields != upload_params:
            raise _bad_request("upload_params were added, removed or modified")
        stored = self.files[file_id]
        stored.content, stored.size, stored.state = parts[-1][1], len(parts[-1][1]), "uploaded"
        if self.upload_confirm == "created":
            self._finish_upload(stored)
            return Reply(201, self.file_json(stored),
                         headers={"Location": f"{self.url}/api/v1/files/{stored.id}"})
        return Reply(301, b"", headers={
            "Location": f"{self.url}/api/v1/files/{stored.id}/create_success?uuid={stored.uuid}"})

    def create_success(self, m: re.Match, params: dict) -> Reply:
        stored = self.files.get(int(m["file"]))
        if stored is None or stored.state in ("pending", "deleted") or params.get("uuid") != stored.uuid:
            raise _bad_request("invalid upload confirmation")
        self._finish_upload(stored)
        return Reply(200, self.file_json(stored))

    def get_file(self, m: re.Match, params: dict) -> Reply:
        return Reply(200, self.file_json(self._live_file(m["file"])))

    def update_file(self, m: re.Match, params: dict) -> Reply:
        stored = self._live_file(m["file"])
        if params.get("name"):
            stored.display_name = params["name"]
        stored.access = _access_from(params, stored.access)
        stored.updated_at = self.now
        return Reply(200, self.file_json(stored))


    def delete_file(self, m: re.Match, params: dict) -> Reply:
        stored = self._live_file(m["file"])
        stored.state = "deleted"
        return Reply(200, self.file_json(stored))

    def download(self, m: re.Match, params: dict, *, teacher: bool) -> Reply:
        """FilesController#show: a deleted file is 404; a valid verifier (or a teacher) gets the bytes."""
        stored = self.files.get(int(m["file"]))
        if stored is None or not stored.has_data or stored.state == "deleted":
            raise CanvasFailure(404, {"errors": [{"message": "This file has been deleted"}]})
        if teacher or (self.legacy_verifiers and params.get("verifier") == stored.uuid) \
                or self._open_by_locks(stored, self.now):
            return Reply(200, stored.content or b"", content_type=stored.content_type)
        raise CanvasFailure(401, {"errors": [{"message": "user not authorized to perform that action"}]})

    # Assignments (AssignmentsApiController#show, AssignmentOverridesController#index)

    def _assignment(self, m: re.Match) -> AssignmentRecord:
        self._course(m["course"])
        record = self.assignments.get(int(m["assignment"]))
        if record is None:
            raise _not_found()
        return record

    def override_json(self, record: AssignmentRecord, override: Override) -> dict[str, Any]:
        json_ = {"id": override.id, "assignment_id": record.id, "title": override.title}
        for key, value in override.dates.items():
            json_[key] = _time(value)
            if key == "due_at":
                json_.update(all_day=False, all_day_date=value.date().isoformat() if value else None)
        if override.student_ids is not None:
            json_["student_ids"] = list(override.student_ids)
        elif override.group_id is not None:
            json_["group_id"] = override.group_id
        else:
            json_["course_section_id"] = override.course_section_id
        return json_

    def get_assignment(self, m: re.Match, params: dict) -> Reply:
        record = self._assignment(m)
        body = {"id": record.id, "name": record.name, "course_id": self.course_id, "due_at": _time(record.due_at),
                "lock_at": _time(record.lock_at), "unlock_at": _time(record.unlock_at), "published": True,
                "only_visible_to_overrides": record.only_visible_to_overrides,
                "has_overrides": bool(record.overrides), "html_url": f"{self.url}/courses/{self.course_id}"
                f"/assignments/{record.id}"}
        includes = params.get("include[]", "").split(",")
        if "overrides" in includes:
            body["overrides"] = [self.override_json(record, o) for o in record.overrides]
        if _boolean(params.get("all_dates", "") or "false"):
            if len(record.overrides) < 25:  # Setting assignment_all_dates_too_many_threshold
                dates = [self._dates_hash(record, o) for o in record.overrides]
                if not record.only_visible_to_overrides:
                    dates.append({"base": True, "due_at": _time(record.due_at), "unlock_at": _time(record.unlock_at),
                                  "lock_at": _time(record.lock_at)})
                body["all_dates"] = dates
            else:
                body["all_dates_count"] = len(record.overrides)
        return Reply(200, body)

    def _dates_hash(self, record: AssignmentRecord, override: Override) -> dict[str, Any]:
        """AssignmentOverride#as_hash, sliced (formatted_dates_hash): every date column, null where the
        override does not override it, so it cannot tell an inherited date from a removed one."""
        entry: dict[str, Any] = {"id": override.id, "title": override.title,
                                 "set_type": "ADHOC" if override.student_ids is not None else
                                 "Group" if override.group_id is not None else "CourseSection"}
        for key in ("due_at", "unlock_at", "lock_at"):
            entry[key] = _time(override.dates.get(key))
        return entry

    def list_overrides(self, m: re.Match, params: dict) -> Reply:
        record = self._assignment(m)
        items = [self.override_json(record, o) for o in record.overrides]
        per_page = max(1, min(int(params.get("per_page", 10)), self.max_per_page))
        page = max(1, int(params.get("page", 1)))
        last = max(1, -(-len(items) // per_page))
        base = f"{self.url}/api/v1/courses/{self.course_id}/assignments/{record.id}/overrides"
        link = lambda n, rel: f'<{base}?{urlencode({"page": n, "per_page": per_page})}>; rel="{rel}"'  # noqa: E731
        links = [link(page, "current")] + ([link(page + 1, "next")] if page < last else [])
        links += [link(1, "first"), link(last, "last")]
        return Reply(200, items[(page - 1) * per_page: page * per_page], headers={"Link": ",".join(links)})

    # Pages (WikiPagesApiController, WikiPage#process_publish_at)

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


# (method, route name, pattern, endpoint, needs the bearer token)
ROUTES: list[tuple[str, str, re.Pattern, Callable, bool]] = [
    ("GET", "course", re.compile(r"/api/v1/courses/(?P<course>\d+)"), FakeCanvas.get_course, True),
    ("GET", "folder_by_path", re.compile(r"/api/v1/courses/(?P<course>\d+)/folders/by_path(?:/(?P<path>.*))?"),
     FakeCanvas.resolve_path, True),
    ("POST", "create_folder", re.compile(r"/api/v1/courses/(?P<course>\d+)/folders"), FakeCanvas.create_folder, True),
    ("GET", "get_folder", re.compile(r"/api/v1/folders/(?P<folder>\d+)"), FakeCanvas.get_folder, True),
    ("PUT", "update_folder", re.compile(r"/api/v1/folders/(?P<folder>\d+)"), FakeCanvas.update_folder, True),
    ("GET", "folder_files", re.compile(r"/api/v1/folders/(?P<folder>\d+)/files"), FakeCanvas.list_files, True),
    ("POST", "upload_start", re.compile(r"/api/v1/folders/(?P<folder>\d+)/files"),
     FakeCanvas.start_upload_in_folder, True),
    ("POST", "course_upload_start", re.compile(r"/api/v1/courses/(?P<course>\d+)/files"),
     FakeCanvas.start_upload_in_course, True),
    ("POST", "upload_data", re.compile(r"/files_api/upload/(?P<upload>[\w-]+)"), FakeCanvas.receive_upload, False),
    ("GET", "create_success", re.compile(r"/api/v1/files/(?P<file>\d+)/create_success"),
     FakeCanvas.create_success, False),
    ("POST", "create_success", re.compile(r"/api/v1/files/(?P<file>\d+)/create_success"),
     FakeCanvas.create_success, False),
    ("GET", "get_file", re.compile(r"/api/v1/files/(?P<file>\d+)"), FakeCanvas.get_file, True),
    ("PUT", "update_file", re.compile(r"/api/v1/files/(?P<file>\d+)"), FakeCanvas.update_file, True),
    ("DELETE", "delete_file", re.compile(r"/api/v1/files/(?P<file>\d+)"), FakeCanvas.delete_file, True),
    ("GET", "download", re.compile(r"(?:/courses/\d+)?/files/(?P<file>\d+)/download"), FakeCanvas.download, False),
    ("GET", "get_assignment", re.compile(r"/api/v1/courses/(?P<course>\d+)/assignments/(?P<assignment>\d+)"),
     FakeCanvas.get_assignment, True),
    ("GET", "list_overrides",
     re.compile(r"/api/v1/courses/(?P<course>\d+)/assignments/(?P<assignment>\d+)/overrides"),
     FakeCanvas.list_overrides, True),
    ("GET", "get_page", re.compile(r"/api/v1/courses/(?P<course>\d+)/pages/(?P<page>[^/]+)"), FakeCanvas.get_page, True),
    ("PUT", "update_page", re.compile(r"/api/v1/courses/(?P<course>\d+)/pages/(?P<page>[^/]+)"),
     FakeCanvas.update_page, True),
    ("POST", "create_page", re.compile(r"/api/v1/courses/(?P<course>\d+)/pages"), FakeCanvas.create_page, True),
]
ROUTE_NAMES = {name for _, name, _, _, _ in ROUTES}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as Canvas: a dropped connection is then a real surprise
    disable_nagle_algorithm = True  # headers and body are separate writes; without this, 40 ms each
    canvas: FakeCanvas

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def date_time_string(self, timestamp=None) -> str:
        """The Date header from the server's clock (the test's), not this machine's."""
        return email.utils.format_datetime(self.canvas.now.astimezone(UTC), usegmt=True)

    def send_header(self, keyword: str, value: str) -> None:
        if keyword.lower() == "date" and not self.canvas.send_date:
            return
        super().send_header(keyword, value)

    def _serve(self, method: str) -> None:
        canvas = self.canvas
        url = urlsplit(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        route, match, endpoint, needs_token = _route(method, url.path)
        reply: Reply | None = None
        with canvas._lock:
            try:
                fault = canvas._faults[route].popleft() if route and canvas._faults[route] else None
                if fault is None or fault.after_apply:
                    reply = self._answer(route, match, endpoint, needs_token, url.query, body)
                if fault is not None:
                    reply = None if fault.drop else Reply(fault.status, fault.body.encode(),
                                                          dict(fault.headers), fault.content_type)
            finally:
                canvas.requests.append(RecordedRequest(method, url.path, route, reply.status if reply else None))
                canvas.audit.append(AuditEntry(canvas.now, f"{method} {url.path}", canvas._openable(canvas.now)))
        if reply is None:
            self._drop()
        else:
            self._send(reply)

    def _answer(self, route, match, endpoint, needs_token, query: str, body: bytes) -> Reply:
        canvas = self.canvas
        try:
            if route is None:
                raise _not_found()
            authorization = self.headers.get("Authorization")
            if authorization == f"Bearer {canvas.student_token}":  # a student: may read a file's JSON only
                if route != "get_file":
                    return Reply(401, {"errors": [{"message": "user not authorized to perform that action"}]})
                return Reply(200, canvas.file_json(canvas._live_file(match["file"]), student=True))
            if (needs_token or authorization) and authorization != f"Bearer {canvas.token}":
                return Reply(401, {"errors": [{"message": "Invalid access token."}]},
                             headers={"WWW-Authenticate": 'Bearer realm="canvas-lms"'})
            if route == "download":
                return endpoint(canvas, match, _params(query, "", b""), teacher=authorization is not None)
            if route == "upload_data":
                return endpoint(canvas, match, _multipart(self.headers.get("Content-Type", ""), body))
            return endpoint(canvas, match, _params(query, self.headers.get("Content-Type", ""), body))
        except CanvasFailure as failure:
            return failure.reply
        except (ValueError, KeyError) as exc:
            return Reply(400, {"errors": [{"message": f"invalid parameter: {exc}"}]})

    def _send(self, reply: Reply) -> None:
        payload = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
        self.send_response(reply.status)
        if payload:
            self.send_header("Content-Type", f"{reply.content_type}; charset=utf-8")
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _drop(self) -> None:
        """Close the socket without a word, as a dying proxy or a reset connection would."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)


def _route(method: str, path: str):
    for route_method, name, pattern, endpoint, needs_token in ROUTES:
        if route_method == method:
            match = pattern.fullmatch(path)
            if match:
                return name, match, endpoint, needs_token
    return None, None, None, True


def _params(query: str, content_type: str, body: bytes) -> dict[str, str]:
    """The request's parameters; a repeated ``name[]`` (like include[]) keeps every value, joined by ','."""
    pairs = parse_qsl(query, keep_blank_values=True)
    params = dict(pairs)
    for name in {k for k, _ in pairs if k.endswith("[]")}:
        params[name] = ",".join(v for k, v in pairs if k == name)
    if body and content_type.startswith("application/json"):
        params.update({k: _form_value(v) for k, v in json.loads(body).items()})
    elif body:
        params.update(parse_qsl(body.decode(), keep_blank_values=True))
    return params


def _form_value(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return "" if value is None else str(value)


def _multipart(content_type: str, body: bytes) -> list[tuple[str, bytes]]:
    """The fields of a multipart/form-data body, in the order they were sent."""
    if not content_type.startswith("multipart/form-data"):
        raise _bad_request("the upload must be multipart/form-data")
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body)
    return [(part.get_param("name", header="content-disposition"), part.get_payload(decode=True))
            for part in message.iter_parts()]


def _access_from(params: dict[str, str], current: Access) -> Access:
    """Apply the availability parameters Canvas accepts on folder and file create/update."""
    updated = Access(current.locked, current.unlock_at, current.lock_at, current.hidden)
    if "locked" in params:
        updated.locked = _boolean(params["locked"])
    if "hidden" in params:
        updated.hidden = _boolean(params["hidden"])
    if "unlock_at" in params:
        updated.unlock_at = _parse_time(params["unlock_at"])
    if "lock_at" in params:
        updated.lock_at = _parse_time(params["lock_at"])
    return updated


def _boolean(value: str) -> bool:
    if value.lower() in ("true", "1"):
        return True
    if value.lower() in ("false", "0", ""):
        return False
    raise ValueError(f"not a boolean: {value!r}")


def _parse_time(value: str) -> datetime | None:
    if not value:
        return None
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError(f"time without zone: {value!r}")
    return parsed.astimezone(UTC)


def _time(value: datetime | None) -> str | None:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


def _page_url(title: str, taken: set[str]) -> str:
    """Canvas's WikiPage URL: the title as lowercase words joined by '-', made unique with -2, -3, ..."""
    base = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "page"
    url, n = base, 1
    while url in taken:
        n += 1
        url = f"{base}-{n}"
    return url


def _split(path: str) -> list[str]:
    return [part for part in path.split("/") if part]


# --- targets for the publish tests ---------------------------------------------------------


def key_target(tmp: Path, *, activity: str = "activity05", folder: str = "Answer keys/Activity 05",
               key_release: datetime, handout_release: datetime | None = None, assignment_id: int | None = None,
               page: bool = False, content: bytes | None = None):
    """An activity's target with small fake files under ``tmp/output`` (no TeX needed)."""
    from generator.publish import ActivityTarget, FileTarget, PageTarget
    from generator.publish.targets import folder_names

    out = tmp / "output"
    out.mkdir(parents=True, exist_ok=True)
    key = out / f"{activity}-key.pdf"
    key.write_bytes(content if content is not None else f"%PDF-1.5\n% {activity} key\n\x00\xff\r\n%%EOF\n".encode())
    files = [FileTarget("key", key, key.name, key_release)]
    if handout_release is not None:
        handout = out / f"{activity}-handout.pdf"
        handout.write_bytes(f"%PDF-1.5\n% {activity} questions\n%%EOF\n".encode())
        files.append(FileTarget("handout", handout, handout.name, handout_release))
    page_target = None
    if page:
        figures = out / f"{activity}-key-figures"
        figures.mkdir(exist_ok=True)
        (figures / "logistic_family-0123abcd.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
        (figures / "momentum-4567cdef.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><g/></svg>')
        body = out / f"{activity}-key.canvas.html"
        body.write_text(PAGE_BODY.replace("activity05-key-figures", f"{activity}-key-figures"))
        page_target = PageTarget(f"Activity {activity[-2:].lstrip('0')}: Gradient Descent, answer key", body, figures)
    return ActivityTarget(activity, folder_names(folder), key_release, tuple(files), assignment_id, page_target)


def term_of(tmp: Path, *activities, course_id: int = 316365, upload_early: bool = False):
    from generator.publish import Term

    return Term("2027-spring", "https://canvas.example.edu", course_id, upload_early, tuple(activities),
                tmp / ".cache" / "2027-spring" / "canvas-uploads.json")


PAGE_BODY = ('<div class="sheet" lang="en"><h2 id="problem:least_squares">Problem 1</h2>'
             '<p>The loss <math display="inline"><mi>L</mi><mo>=</mo><mn>12.366904</mn></math></p>'
             '<figure><img class="image" src="activity05-key-figures/logistic_family-0123abcd.svg" '
             'alt="Curves of Pr"></figure>'
             '<figure><img class="image" src="activity05-key-figures/momentum-4567cdef.svg" alt="Bars of w_k">'
             '</figure></div>')
