"""After an upload, read Canvas back and check what students will see, and when.

Checks, for each uploaded file: its folder and the file itself are set to open at the release
and not before; the folder holds exactly one file of that name, the one just uploaded, of the
right size; and no folder above would keep it closed after the release (an unpublished parent,
or one that opens later or closes before), which publishing does not change, since that would
open whatever else the parent holds.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from canvasapi.course import Course

from .access import Access, show_time
from .client import CanvasFiles


def problems_with(api: CanvasFiles, course: Course, names: tuple[str, ...], remote_name: str, local: Path,
                  wanted: Access, folder_wanted: Access, folder_id: int, file_id: int,
                  now: datetime) -> list[str]:
    path = "/".join(names)
    release = wanted.unlock_at or now
    when = show_time(release, release)
    problems = []
    folder = api.folder(folder_id)
    folder_access = Access.of(folder)
    if folder_access != folder_wanted:
        problems.append(f"folder '{path}' reads back as {folder_access.describe(release)}, not 'opens at {when}'")
    stored = api.file(file_id)
    file_access = Access.of(stored)
    if file_access != wanted:
        problems.append(f"{remote_name} reads back as {file_access.describe(release)}, not 'opens at {when}'")
    if stored.display_name != remote_name:
        problems.append(f"Canvas named the upload '{stored.display_name}', not {remote_name}: the file of that "
                        "name could not be overwritten (is it locked by a Blueprint course?)")
    if stored.folder_id != folder_id:
        problems.append(f"{remote_name} is not in folder '{path}'")
    size = local.stat().st_size
    if stored.size != size:
        problems.append(f"{remote_name} has {stored.size} bytes on Canvas, {size} here")
    same_name = [f.id for f in api.files_in(folder) if f.display_name == remote_name]
    if same_name != [file_id]:
        problems.append(f"folder '{path}' holds {len(same_name)} files named {remote_name}, not just this one")
    chain = api.resolve(course, names) or []
    if not chain or chain[-1].id != folder_id:
        problems.append(f"folder '{path}' is no longer at that path")
    for parent in chain[:-1]:
        parent_access = Access.of(parent)
        if not parent_access.open_at(max(release, now)):
            problems.append(f"the folder above, '{parent.full_name}', is {parent_access.describe(release)}, so "
                            f"{remote_name} would not open at {when}; publish it (or fix its dates) in Canvas")
    if release > now and (folder_access.open_at(now) and file_access.open_at(now)):
        problems.append(f"students can open {remote_name} NOW, before its release; close it in Canvas at once")
    return problems
