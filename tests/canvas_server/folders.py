"""Canvas's Folders: the course's folder tree (Folder.assert_path's rules), its JSON and its endpoints."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from .store import Access, CanvasFailure, Folder, Reply, _not_found
from .values import _access_from, _time

ROOT_FOLDER_NAME = "course files"


class FoldersMixin:
    """Folders API: resolve a path, create, read and update a folder."""

    # test controls

    def add_folder(self, path: str, **access: Any) -> Folder:
        """Set up an existing folder (missing parents are made open), as an instructor might have."""
        with self._lock:
            folder = self._assert_path(path)
            folder.access = Access(**access)
            return folder

    def folder_at(self, path: str) -> Folder | None:
        with self._lock:
            chain = self._resolve(_split(path))
            return chain[-1] if chain else None

    def subfolders(self, path: str) -> list[str]:
        """Names of the folders a teacher sees in the folder (deleted ones are gone), sorted."""
        folder = self.folder_at(path)
        if folder is None:
            return []
        with self._lock:
            return [f.name for f in self._children(folder)]

    # the model

    def _new_folder(self, name: str, parent_id: int | None, access: Access) -> Folder:
        folder = Folder(next(self._ids), name, parent_id, access, self.now, self.now)
        self.folders[folder.id] = folder
        return folder

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

    # JSON shape (Canvas's Folder object)

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

    # endpoints; each returns a Reply or raises CanvasFailure

    def _live_folder(self, folder_id: str) -> Folder:
        folder = self.folders.get(int(folder_id))
        if folder is None or folder.deleted:
            raise _not_found()
        return folder

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


def _split(path: str) -> list[str]:
    return [part for part in path.split("/") if part]
