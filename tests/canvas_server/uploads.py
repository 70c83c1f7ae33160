"""Canvas's three-step file upload: preflight, the data, the confirmation; then handle_duplicates."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import re
import secrets

from .store import Access, CanvasFailure, Folder, Reply, StoredFile, _bad_request


class UploadsMixin:
    """Upload into a folder or by a course path, with Canvas's quota and on_duplicate rules."""

    # the model

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

    # endpoints; each returns a Reply or raises CanvasFailure

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
