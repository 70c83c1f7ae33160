"""Which Canvas folder each published file goes into.

A folder is the file's protection while it is being uploaded (Canvas makes a new file open by
default), so every folder holds files of one release time only and is closed until then. The
key goes into ``[canvas] folder``; the handout, released earlier, goes into a sibling folder
named ``<folder> handout`` that opens at the handout's own time. Sharing one folder would
leave it open after the handout's release, and a key re-uploaded then would be open at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

HANDOUT_FOLDER_SUFFIX = " handout"


@dataclass(frozen=True)
class PublishItem:
    """A local file to publish as ``remote_name``, opening to students at ``release`` (aware)."""

    path: Path
    remote_name: str
    release: datetime


@dataclass(frozen=True)
class Target:
    """One item and the folder (names below the course's root) that keeps it closed."""

    item: PublishItem
    folder: tuple[str, ...]

    @property
    def folder_path(self) -> str:
        return "/".join(self.folder)


def folder_names(path: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in path.split("/") if part.strip())


def targets_for(key_folder: str, key_release: datetime, items: list[PublishItem]) -> tuple[Target, ...]:
    """Items released with the key go to ``key_folder``; others to its ``handout`` sibling."""
    key_names = folder_names(key_folder)
    if not key_names:
        raise ValueError("the Canvas folder must not be the course's root folder")
    handout_names = key_names[:-1] + (key_names[-1] + HANDOUT_FOLDER_SUFFIX,)
    targets = []
    for item in items:
        if item.release.tzinfo is None:
            raise ValueError(f"{item.remote_name}: release time {item.release} has no time zone")
        if "/" in item.remote_name or "\\" in item.remote_name:
            raise ValueError(f"{item.remote_name}: a Canvas file name cannot contain a path")
        targets.append(Target(item, key_names if item.release == key_release else handout_names))
    releases: dict[tuple[str, ...], datetime] = {}
    for target in targets:
        if releases.setdefault(target.folder, target.item.release) != target.item.release:
            raise ValueError(f"files with different release times cannot share the folder '{target.folder_path}'")
    return tuple(targets)
