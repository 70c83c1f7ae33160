"""What publishing will do, worked out before it changes anything, and said in words.

The plan is printed before every publish, and it is all a dry run does. With a token, a dry
run reads Canvas (GET requests only) to say which folders exist and which files get replaced;
without one it sends nothing and says what it will make sure of.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from canvasapi.course import Course

from .access import Access, show_time
from .client import CanvasFiles
from .failures import Where
from .targets import Target


class FolderStep(StrEnum):
    CREATE = "create"          # missing: create it already closed until the release
    CLOSE = "close"            # open now: close it until the release before uploading
    RESCHEDULE = "reschedule"  # closed, but would not open by itself at the release
    KEEP = "keep"              # already closed until the release
    UNKNOWN = "unknown"        # Canvas not consulted


class FileStep(StrEnum):
    UPLOAD = "upload"
    REPLACE = "replace"
    UNKNOWN = "unknown"


def folder_step(current: Access | None, release: datetime, now: datetime) -> FolderStep:
    if current is None:
        return FolderStep.CREATE
    if current == Access.opening_at(release):
        return FolderStep.KEEP
    if current.open_at(now) and release > now:
        return FolderStep.CLOSE
    return FolderStep.RESCHEDULE


@dataclass(frozen=True)
class FolderPlan:
    path: str
    release: datetime
    step: FolderStep
    current: Access | None = None
    missing_above: tuple[str, ...] = ()  # parent folders to create first (open, and empty)
    other_files: tuple[str, ...] = ()    # files already inside, closed along with it


@dataclass(frozen=True)
class FilePlan:
    remote_name: str
    local: Path
    size: int
    folder: str
    release: datetime
    step: FileStep
    replaces: int | None = None  # id of the file of that name now in the folder


@dataclass(frozen=True)
class Plan:
    where: Where
    now: datetime
    folders: tuple[FolderPlan, ...]
    files: tuple[FilePlan, ...]
    read_canvas: bool


def offline_plan(where: Where, targets: tuple[Target, ...], now: datetime) -> Plan:
    folders = {t.folder_path: FolderPlan(t.folder_path, t.item.release, FolderStep.UNKNOWN) for t in targets}
    files = tuple(_file_plan(t, FileStep.UNKNOWN) for t in targets)
    return Plan(where, now, tuple(folders.values()), files, read_canvas=False)


def observed_plan(api: CanvasFiles, course: Course, where: Where, targets: tuple[Target, ...],
                  now: datetime) -> Plan:
    """Read the folders and files concerned (GET only) and decide each step."""
    folders: dict[str, FolderPlan] = {}
    contents: dict[str, dict[str, int]] = {}
    for target in targets:
        if target.folder_path in folders:
            continue
        chain = api.resolve(course, target.folder)
        if chain is None:
            folders[target.folder_path] = FolderPlan(target.folder_path, target.item.release, FolderStep.CREATE,
                                                     missing_above=_missing_above(api, course, target.folder))
            contents[target.folder_path] = {}
            continue
        current = Access.of(chain[-1])
        names = {f.display_name: f.id for f in api.files_in(chain[-1])}
        ours = {t.item.remote_name for t in targets if t.folder == target.folder}
        folders[target.folder_path] = FolderPlan(
            target.folder_path, target.item.release, folder_step(current, target.item.release, now), current,
            other_files=tuple(sorted(set(names) - ours)))
        contents[target.folder_path] = names
    files = []
    for target in targets:
        existing = contents[target.folder_path].get(target.item.remote_name)
        step = FileStep.UPLOAD if existing is None else FileStep.REPLACE
        files.append(_file_plan(target, step, existing))
    return Plan(where, now, tuple(folders.values()), tuple(files), read_canvas=True)


def _missing_above(api: CanvasFiles, course: Course, names: tuple[str, ...]) -> tuple[str, ...]:
    for depth in range(1, len(names)):
        if api.resolve(course, names[:depth]) is None:
            return tuple("/".join(names[:d]) for d in range(depth, len(names)))
    return ()


def _file_plan(target: Target, step: FileStep, replaces: int | None = None) -> FilePlan:
    item = target.item
    return FilePlan(item.remote_name, item.path, item.path.stat().st_size, target.folder_path, item.release,
                    step, replaces)


def describe_plan(plan: Plan) -> str:
    """The plan in numbered lines: folders to create or close, files to upload or replace, times."""
    where = plan.where
    lines = [f"Publishing to Canvas course {where.course_id} at {where.base_url} (semester {where.semester}):"]
    steps = [_describe_folder(f, plan.now) for f in plan.folders]
    steps += [_describe_file(f) for f in plan.files]
    steps.append("read the folders and files back from Canvas and check every setting")
    lines += [f"  {n}. {text}" for n, text in enumerate(steps, start=1)]
    for item in plan.files:
        when = show_time(item.release, item.release)
        if item.release > plan.now:
            lines.append(f"Students cannot open {item.remote_name} before {when}; it opens by itself then.")
        else:
            lines.append(f"{item.remote_name}'s release time {when} has passed: students can open it once uploaded.")
    if not plan.read_canvas:
        lines.append("Canvas was not consulted, so what already exists there is not known.")
    return "\n".join(lines)


def _describe_folder(folder: FolderPlan, now: datetime) -> str:
    when = show_time(folder.release, folder.release)
    upcoming = folder.release > now
    closed = f"closed to students until {when}" if upcoming else f"open (its release {when} has passed)"
    if folder.step is FolderStep.CREATE:
        above = ""
        if folder.missing_above:
            names = ", ".join(f"'{name}'" for name in folder.missing_above)
            above = f" (first creating {names} above it, open and empty, as any new folder)"
        return f"create folder '{folder.path}', {closed}{above}"
    if folder.step is FolderStep.UNKNOWN:
        return (f"make sure folder '{folder.path}' is {closed} before any upload: create it so if it is "
                "missing, change it if it exists and is not")
    if folder.step is FolderStep.KEEP:
        return f"keep folder '{folder.path}' as it is: already {closed}"
    now_state = folder.current.describe(folder.release) if folder.current else "unknown"
    others = ""
    if folder.other_files:
        others = f"; this applies to the {len(folder.other_files)} other file(s) in it too: {', '.join(folder.other_files)}"
    if folder.step is FolderStep.CLOSE:
        return f"close folder '{folder.path}' (now: {now_state}) until {when}, when it opens by itself{others}"
    target = f"closed until {when}, then open by itself" if upcoming else f"open (its release {when} has passed)"
    return f"change folder '{folder.path}' (now: {now_state}) to be {target}{others}"


def _describe_file(item: FilePlan) -> str:
    when = show_time(item.release, item.release)
    size = f"{item.size:,} bytes"
    if item.step is FileStep.REPLACE:
        head = f"replace {item.remote_name} in '{item.folder}' (now file {item.replaces}) in place with {item.local} ({size})"
    elif item.step is FileStep.UPLOAD:
        head = f"upload {item.local} ({size}) as {item.remote_name} into '{item.folder}'"
    else:
        head = f"upload {item.local} ({size}) as {item.remote_name} into '{item.folder}', replacing any file of that name"
    return f"{head} with on_duplicate=overwrite, then set the file itself to open at {when}"
