"""What a build of the course or of a term read and wrote, as a dependency file for make (like a
compiler's ``-MD``).

``make all`` (and ``make all-<semester>``) asks this of its last good build: if no file it read
(or folder it listed) is newer than the build's start and every file it wrote is still there,
there is nothing to do and Python is not started at all. Otherwise the build runs, and its content hashes (``stamps``)
decide what is really stale. Every input also gets a rule of its own with nothing in it, so a
deleted one makes the build stale instead of stopping make; a deleted output makes it depend on
``FORCE`` (which the Makefile declares phony).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from .paths import ROOT, TEMPLATES
from .write import write_atomically

TOOLS = ("latexmk", "pdflatex", "lualatex")  # an upgraded TeX is newer than the build


def _tree(folder: Path) -> list[Path]:
    """A folder's files and folders (a new file changes its folder's time), caches left out."""
    if not folder.is_dir():
        return []
    return [folder, *(p for p in folder.rglob("*") if "__pycache__" not in p.parts)]


def inputs(config_files: Iterable[Path], activity_folders: Iterable[Path]) -> list[Path]:
    """What the terms' documents are made from: their semester files, their activities' folders,
    the shared templates and the pipeline's code (this checkout's) and the TeX programs."""
    found = [*config_files, *_tree(TEMPLATES), *_tree(ROOT / "generator")]
    for folder in activity_folders:
        found += _tree(folder)
    found += [Path(os.path.realpath(p)) for p in map(shutil.which, TOOLS) if p is not None]
    return sorted(set(found))


def outputs(root: Path, semester: str) -> list[Path]:
    """Every file of the term's output folder."""
    return sorted(p for p in (root / "output" / semester).rglob("*") if p.is_file())


def _escaped(path: Path) -> str:
    return str(path).replace("\\", "\\\\").replace(" ", "\\ ").replace(":", "\\:").replace("$", "$$").replace("#", "\\#")


def record(done: Path, started: float, read: list[Path], written: list[Path]) -> None:
    """Write ``done``'s dependency file (``done`` + ".d"), then ``done`` itself, dated when the
    build started: a file edited while it ran is newer, and the next make builds again. (The
    outputs are newer too, so they are checked for being there, not for their times.)"""
    names, made = [_escaped(p) for p in read], " ".join(_escaped(p) for p in written)
    text = (f"{_escaped(done)}: $(if $(filter-out $(wildcard {made}),{made}),FORCE) \\\n  "
            + " \\\n  ".join(names) + "\n\n" + "".join(f"{n}:\n" for n in names))
    write_atomically(done.with_name(done.name + ".d"), text.encode())
    done.touch()
    os.utime(done, (started, started))
