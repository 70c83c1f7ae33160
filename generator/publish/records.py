"""A small record of what was uploaded, so "stale" is known without downloading.

``.cache/<semester>/canvas-uploads.json`` maps each published item (course, folder, name) to the
Canvas file id and the sha256 of the bytes uploaded as it. A Canvas file whose id is recorded
is up to date exactly when the local file still has that hash; one not recorded (uploaded by
hand, or on another machine) is read once and hashed. The record holds ids and hashes only:
no token, no address beyond the course id.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


class Records:
    def __init__(self, path: Path, course_id: int):
        self.path = Path(path)
        self.course_id = course_id
        self._entries: dict[str, dict] = {}
        try:
            loaded = json.loads(self.path.read_text(encoding="utf-8"))
            if isinstance(loaded, dict) and isinstance(loaded.get("uploads"), dict):
                self._entries = loaded["uploads"]
        except (OSError, ValueError):
            pass  # no record yet, or an unreadable one: every file is then read once from Canvas
        self._changed = False

    def _key(self, where: str) -> str:
        return f"course {self.course_id}: {where}"

    def sha_of(self, where: str, canvas_id: int) -> str | None:
        """The recorded hash of Canvas object ``canvas_id`` published at ``where``, if it is the one recorded."""
        entry = self._entries.get(self._key(where))
        if isinstance(entry, dict) and entry.get("id") == canvas_id and isinstance(entry.get("sha256"), str):
            return entry["sha256"]
        return None

    def put(self, where: str, canvas_id: int, sha256: str) -> None:
        entry = {"id": canvas_id, "sha256": sha256}
        if self._entries.get(self._key(where)) != entry:
            self._entries[self._key(where)] = entry
            self._changed = True

    def forget(self, where: str) -> None:
        if self._entries.pop(self._key(where), None) is not None:
            self._changed = True

    def save(self) -> None:
        """Written atomically, and only when something changed."""
        if not self._changed:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"uploads": dict(sorted(self._entries.items()))}, indent=1) + "\n"
        fd, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".canvas-uploads-")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.chmod(temporary, 0o644)  # ids and hashes only; readable by the CI cache step, which is not root
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        self._changed = False
