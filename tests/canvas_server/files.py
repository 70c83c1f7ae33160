"""Canvas's Files: stored files, their locks, their JSON, listing them page by page, and downloads."""

from __future__ import annotations

import re
import secrets
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from .store import Access, CanvasFailure, Folder, Reply, StoredFile, _not_found
from .values import _access_from, _time


class FilesMixin:
    """Files API: list, read, update and delete a file; FilesController#show for downloads."""

    # test controls

    def add_file(self, folder_path: str, name: str, content: bytes, **access: Any) -> StoredFile:
        with self._lock:
            folder = self._assert_path(folder_path)
            stored = self._new_file(folder, name, "application/pdf", "overwrite")
            stored.access = Access(**access)
            stored.content, stored.size, stored.state = content, len(content), "available"
            return stored

    def files_in(self, path: str) -> list[StoredFile]:
        """Files a teacher sees in the folder (uploaded and confirmed), by name."""
        folder = self.folder_at(path)
        if folder is None:
            return []
        with self._lock:
            return self._listed_files(folder)

    def path_of_file(self, stored: StoredFile) -> str:
        return "/".join(self._folder_names(self.folders[stored.folder_id]) + [stored.display_name])

    # the model

    def _new_file(self, folder: Folder, name: str, content_type: str, on_duplicate: str) -> StoredFile:
        stored = StoredFile(next(self._ids), secrets.token_hex(8), folder.id, name, content_type, Access(),
                            on_duplicate, self.now, self.now)
        self.files[stored.id] = stored
        return stored

    def _listed_files(self, folder: Folder) -> list[StoredFile]:
        return sorted((f for f in self.files.values() if f.folder_id == folder.id and f.state == "available"),
                      key=lambda f: (f.display_name, f.id))

    def _open_by_locks(self, stored: StoredFile, now: datetime) -> bool:
        if not stored.access.open_at(now):
            return False
        return all(f.access.open_at(now) and not f.deleted for f in self._folder_chain(self.folders[stored.folder_id]))

    # JSON shape (Canvas's File object)

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

    def _live_file(self, file_id: str) -> StoredFile:
        stored = self.files.get(int(file_id))
        if stored is None or stored.state != "available":
            raise _not_found()
        return stored

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
