"""The fake Canvas a test holds: its state, its lifecycle on a local port, faults and the clock.

Each Canvas API it answers is a mixin in a module of its own, so each module stays one API; they
all work on the state set up here.
"""

from __future__ import annotations

import itertools
import secrets
import threading
from collections import defaultdict, deque
from datetime import UTC, datetime
from http.server import ThreadingHTTPServer

from .assignments import AssignmentsMixin
from .course import CourseMixin
from .faults import Fault
from .files import FilesMixin
from .folders import ROOT_FOLDER_NAME, FoldersMixin
from .handler import _Handler
from .pages import PagesMixin
from .routes import ROUTE_NAMES
from .store import Access, AssignmentRecord, AuditEntry, Folder, RecordedRequest, StoredFile, WikiPage
from .uploads import UploadsMixin


class FakeCanvas(CourseMixin, FoldersMixin, FilesMixin, UploadsMixin, AssignmentsMixin, PagesMixin):
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
