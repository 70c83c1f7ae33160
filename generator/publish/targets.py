"""What a term publishes, as frozen targets; the one place that reads the semester's config.

``targets_for`` is the adapter between the config and publishing: everything else in this
package takes the ``Term`` it returns (the course, the opt-in for early uploads, and one
``ActivityTarget`` per activity, each with its folder, files and release times, assignment and
page), so a change in the config's shape changes this function only.

Folders. Each published file's folder holds files of one release time only and is closed
until then: the key goes into the activity's ``folder``; the handout, released earlier, into a
sibling ``<folder> handout`` that opens at the handout's own time; the page's figures into
``<folder> page figures``. Sharing one folder would leave it open after the handout's release.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..errors import ConfigError

HANDOUT_FOLDER_SUFFIX = " handout"
PAGE_FIGURES_SUFFIX = " page figures"
RECORD_NAME = "canvas-uploads.json"


@dataclass(frozen=True)
class FileTarget:
    """A local file published as ``remote_name``, opening at ``release`` (aware), or later for
    the key when its assignment has later deadlines."""

    kind: str  # "key" or "handout"
    path: Path
    remote_name: str
    release: datetime


@dataclass(frozen=True)
class PageTarget:
    """The key's HTML twin: the Canvas body ``make html`` wrote, and the folder of its figures."""

    title: str
    body: Path
    figures_dir: Path


@dataclass(frozen=True)
class ActivityTarget:
    activity: str  # the activity's id (its folder's name)
    folder: tuple[str, ...]  # the key's folder, names below the course's root
    key_release: datetime
    files: tuple[FileTarget, ...]
    assignment_id: int | None = None
    page: PageTarget | None = None

    @property
    def folder_path(self) -> str:
        return "/".join(self.folder)

    def folder_of(self, item: FileTarget) -> tuple[str, ...]:
        return self.folder if item.kind == "key" else sibling(self.folder, HANDOUT_FOLDER_SUFFIX)

    @property
    def figures_folder(self) -> tuple[str, ...]:
        return sibling(self.folder, PAGE_FIGURES_SUFFIX)


@dataclass(frozen=True)
class Term:
    """One semester's publication: where, the term's settings, and every activity to publish."""

    semester: str
    base_url: str  # from the config; CANVAS_BASE_URL may replace it
    course_id: int
    upload_early: bool
    activities: tuple[ActivityTarget, ...]
    record: Path  # .cache/<semester>/canvas-uploads.json: what was uploaded (sha256, file id)


def sibling(folder: tuple[str, ...], suffix: str) -> tuple[str, ...]:
    return folder[:-1] + (folder[-1] + suffix,)


def folder_names(path: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in path.split("/") if part.strip())


def targets_for(cfg, root: Path, activity: str | None = None) -> Term:
    """The term's publication: one target per activity of the term (or the one named), each with
    its own folder, files, release times, assignment and page; ``cfg.canvas`` is term-level.

    An activity the term has not, or whose table has a mistake, is a config error (``select``).
    """
    output = Path(root) / "output" / cfg.semester
    activities = []
    for act in cfg.select(activity):
        canvas, ident = act.canvas, act.id
        files = [FileTarget("key", output / f"{ident}-key.pdf", f"{ident}-key.pdf", act.key_release)]
        if canvas.publish_handout:
            files.append(FileTarget("handout", output / f"{ident}-handout.pdf", f"{ident}-handout.pdf",
                                    act.handout_release))
        page = None
        if canvas.publish_page:
            page = PageTarget(f"Activity {act.number}: {act.title}, answer key", output / f"{ident}-key.canvas.html",
                              output / f"{ident}-key-figures")
        activities.append(ActivityTarget(ident, folder_names(canvas.folder), act.key_release, tuple(files),
                                         canvas.assignment_id, page))
    term = Term(cfg.semester, cfg.canvas.base_url, cfg.canvas.course_id, cfg.canvas.upload_early,
                tuple(activities), Path(root) / ".cache" / cfg.semester / RECORD_NAME)
    check(term)
    return term


def check(term: Term) -> None:
    """What publishing relies on: aware times, plain file names, one release time per folder."""
    releases: dict[tuple[str, ...], datetime] = {}
    for target in term.activities:
        if not target.folder:
            raise ConfigError(f"{target.activity}: the Canvas folder must not be the course's root folder")
        for item in target.files:
            if item.release.tzinfo is None:
                raise ConfigError(f"{item.remote_name}: release time {item.release} has no time zone")
            if "/" in item.remote_name or "\\" in item.remote_name:
                raise ConfigError(f"{item.remote_name}: a Canvas file name cannot contain a path")
            folder = target.folder_of(item)
            release = target.key_release if item.kind == "key" else item.release
            if releases.setdefault(folder, release) != release:
                raise ConfigError(f"files with different release times cannot share the folder '{'/'.join(folder)}'",
                                  hint="give each activity its own [canvas] folder")
