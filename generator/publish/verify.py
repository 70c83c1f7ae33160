"""After publishing, read Canvas back and check what students will see, and when.

Checks, for each published file: its folder and the file itself are set to open at the release
and not before; the folder holds exactly one file of that name, the one just uploaded, of the
right size; and no folder above would keep it closed after the release (an unpublished parent,
or one that opens later or closes before), which publishing does not change, since that would
open whatever else the parent holds.
"""

from __future__ import annotations

from datetime import datetime

from canvasapi.course import Course

from .access import Access, show_time
from .client import CanvasFiles
from .targets import Target


def problems_with(api: CanvasFiles, course: Course, target: Target, folder_id: int, file_id: int,
                  now: datetime) -> list[str]:
    item, path = target.item, target.folder_path
    release = item.release
    wanted = Access.opening_at(release)
    when = show_time(release, release)
    problems = []
    folder = api.folder(folder_id)
    folder_access = Access.of(folder)
    if folder_access != wanted:
        problems.append(f"folder '{path}' reads back as {folder_access.describe(release)}, not 'opens at {when}'")
    stored = api.file(file_id)
    file_access = Access.of(stored)
    if file_access != wanted:
        problems.append(f"{item.remote_name} reads back as {file_access.describe(release)}, not 'opens at {when}'")
    if stored.display_name != item.remote_name:
        problems.append(f"Canvas named the upload '{stored.display_name}', not {item.remote_name}: the file of that "
                        "name could not be overwritten (is it locked by a Blueprint course?)")
    if stored.folder_id != folder_id:
        problems.append(f"{item.remote_name} is not in folder '{path}'")
    if stored.size != item.path.stat().st_size:
        problems.append(f"{item.remote_name} has {stored.size} bytes on Canvas, {item.path.stat().st_size} here")
    same_name = [f.id for f in api.files_in(folder) if f.display_name == item.remote_name]
    if same_name != [file_id]:
        problems.append(f"folder '{path}' holds {len(same_name)} files named {item.remote_name}, not just this one")
    chain = api.resolve(course, target.folder) or []
    if not chain or chain[-1].id != folder_id:
        problems.append(f"folder '{path}' is no longer at that path")
    for parent in chain[:-1]:
        parent_access = Access.of(parent)
        if not parent_access.open_at(release):
            problems.append(f"the folder above, '{parent.full_name}', is {parent_access.describe(release)}, so "
                            f"{item.remote_name} would not open at {when}; publish it (or fix its dates) in Canvas")
    if release > now and (folder_access.open_at(now) and file_access.open_at(now)):
        problems.append(f"students can open {item.remote_name} NOW, before its release; close it in Canvas at once")
    return problems
