"""The course itself, and the audit's question: what could a student open at a given time?"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from .store import Reply, _not_found


class CourseMixin:
    """The Courses API's one endpoint, and the student's view over files and pages together."""

    # test controls

    def student_can_open(self, path: str, at: datetime | None = None) -> bool:
        with self._lock:
            return path in self._openable(at or self.now)

    def openable_paths(self, at: datetime | None = None) -> frozenset[str]:
        with self._lock:
            return self._openable(at or self.now)

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

    # endpoints; each returns a Reply or raises CanvasFailure

    def _course(self, course_id: str) -> None:
        if int(course_id) != self.course_id:
            raise _not_found()

    def get_course(self, m: re.Match, params: dict) -> Reply:
        self._course(m["course"])
        return Reply(200, {"id": self.course_id, "name": "Deep Learning", "course_code": "CS 316/365",
                           "workflow_state": "available"})
