"""The course's activities: each one folder under ``activities/``, found there, never named here.

An activity folder (``activities/activityNN/``) holds everything specific to it:

- ``__init__.py``: ``TITLE`` and ``NUMBER`` (a term may override both);
- ``parameters.py``: its question parameters (see ``generator.variants``);
- ``problems/NN_name.py``: one module per problem, numbered by the order of the file names,
  each with ``TITLE`` and a pure ``compute(questions)`` returning a frozen result that has
  ``derivations`` and ``numeric_checks``; the templates see it as ``results.<name>``;
- ``figures/<name>.py``: one module per figure (see ``generator.figures``);
- ``original.md`` or ``original.tex`` and ``errata.py`` (optional, together): a hand-written
  original, whose false displays ``lint`` finds, and ``CORRECTIONS`` (how they should read) and
  ``build(questions)`` (the errata no equation shows) beside it (see ``generator.original``);
- ``prose/<name>.j2``: each problem's question and solution, written once in the vocabulary of
  ``templates/prose.j2``; the PDF and the HTML twin are both rendered from it.

Like sphinx-gallery's examples, activities and their parts are found by where they live, so
adding one is adding a folder.
"""

from __future__ import annotations

import ast
import dataclasses
import difflib
import functools
import importlib
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

from .errors import ConfigError
from .paths import ROOT

ACTIVITY_ID = re.compile(r"^activity\d{2,3}$")
PROBLEM_FILE = re.compile(r"^\d+_(?P<name>[a-z][a-z0-9_]*)\.py$")
PACKAGE = "activities"


@dataclass(frozen=True)
class Problem:
    name: str  # "least_squares": the results' attribute and the prose's file name
    number: int  # 1-based, from the order of the file names
    title: str
    module: str  # importable name


@dataclass(frozen=True)
class Activity:
    id: str  # "activityNN": the output files' prefix and the semester file's table
    number: int
    title: str
    folder: Path
    problems: tuple[Problem, ...]
    figures: tuple[str, ...]  # importable names of the figure modules, in file-name order
    has_errata: bool

    @property
    def package(self) -> str:
        return f"{PACKAGE}.{self.id}"

    @property
    def parameters(self) -> ModuleType:
        return importlib.import_module(f"{self.package}.parameters")

    def figure_modules(self) -> tuple[ModuleType, ...]:
        return tuple(importlib.import_module(name) for name in self.figures)

    def errata(self) -> ModuleType | None:
        return importlib.import_module(f"{self.package}.errata") if self.has_errata else None

    def code_paths(self) -> tuple[Path, ...]:
        """Every source file of the activity: a change to any of them changes its documents."""
        return tuple(sorted(p for p in self.folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts))


def activities_folder(root: Path) -> Path:
    """The project root's ``activities/``, else this checkout's (a scratch root of the tests)."""
    own = Path(root) / PACKAGE
    return own if own.is_dir() else ROOT / PACKAGE


def _importable(folder: Path) -> None:
    """Make ``activities.<id>`` importable from ``folder`` (a namespace package: no __init__)."""
    parent = str(folder.parent)
    if parent not in sys.path:
        sys.path.insert(0, parent)


def find_activities(root: Path) -> dict[str, Activity]:
    """Every activity folder of the project, by id, in order of id."""
    return dict(_found(activities_folder(root)))


@functools.lru_cache(maxsize=8)  # a command reads the course's activities once, however many steps ask
def _found(folder: Path) -> tuple[tuple[str, Activity], ...]:
    found = {}
    for path in sorted(folder.iterdir()) if folder.is_dir() else ():
        if path.is_dir() and ACTIVITY_ID.match(path.name) and (path / "__init__.py").is_file():
            found[path.name] = _describe(path)
    return tuple(found.items())


def load_activity(root: Path, activity_id: str) -> Activity:
    """The activity ``activity_id``, or a ConfigError listing those there are."""
    found = find_activities(root)
    if activity_id in found:
        return found[activity_id]
    close = difflib.get_close_matches(activity_id, list(found), n=1, cutoff=0.6)
    known = ", ".join(found) or "none"
    hint = f"did you mean '{close[0]}'?" if close else f"the activities are: {known}"
    raise ConfigError(f"no activity '{activity_id}' in {activities_folder(root)}", hint=hint)


def _describe(path: Path) -> Activity:
    _importable(path.parent)
    package = f"{PACKAGE}.{path.name}"
    meta = importlib.import_module(package)
    problems = []
    for number, file in enumerate(sorted(f for f in (path / "problems").glob("*.py")
                                         if PROBLEM_FILE.match(f.name)), start=1):
        module = f"{package}.problems.{file.stem}"
        problems.append(Problem(PROBLEM_FILE.match(file.name).group("name"), number, _title(file), module))
    figures = tuple(f"{package}.figures.{f.stem}" for f in sorted((path / "figures").glob("*.py"))
                    if not f.name.startswith("_"))
    return Activity(path.name, meta.NUMBER, meta.TITLE, path, tuple(problems), figures,
                    (path / "errata.py").is_file())


_TITLE = re.compile(r"""^TITLE\s*=\s*(?P<literal>"[^"\n]*"|'[^'\n]*')\s*(?:#.*)?$""", re.M)


def _title(file: Path) -> str:
    """A problem module's ``TITLE = "..."`` line, read without importing the module (which would
    import SymPy) or parsing it: a no-op build must stay cheap."""
    found = _TITLE.search(file.read_text(encoding="utf-8"))
    if found:
        return ast.literal_eval(found.group("literal"))
    raise ConfigError(f"{file}: no TITLE = \"...\" line", hint="give the problem a title: TITLE = \"Least squares\"")


def float_order(activity: Activity) -> dict[str, tuple[str, ...]]:
    """Figures and tables in the order the prose places them (``k.figure``, ``k.table`` with a
    name), as LaTeX numbers them: the HTML twin numbers its floats by this."""
    found: dict[str, list[str]] = {"figure": [], "table": []}
    for problem in activity.problems:
        text = (activity.folder / f"prose/{problem.name}.j2").read_text(encoding="utf-8")
        for match in re.finditer(r'k\.figure\("(\w+)"|k\.table\([^)]*\bname="(\w+)"', text):
            kind, name = ("figure", match.group(1)) if match.group(1) else ("table", match.group(2))
            if name not in found[kind]:
                found[kind].append(name)
    return {kind: tuple(names) for kind, names in found.items()}


@dataclass(frozen=True)
class Results:
    """Every problem's result, by name, with the problem numbers the sheet prints."""

    by_problem: dict[str, Any]

    @property
    def derivations(self) -> tuple:
        return tuple(d for r in self.by_problem.values() for d in r.derivations)

    @property
    def numeric_checks(self) -> tuple:
        return tuple(c for r in self.by_problem.values() for c in r.numeric_checks)

    def namespace(self) -> SimpleNamespace:
        return SimpleNamespace(**self.by_problem)


def compute(activity: Activity, questions: Any) -> Results:
    """Run every problem's reference computation (pure; no file is touched).

    Each derivation and numeric check is labelled with its problem's number, so a failure names
    "Problem 2" as the sheet does, however the problems were reordered.
    """
    by_problem = {}
    for problem in activity.problems:
        result = importlib.import_module(problem.module).compute(questions)
        label = f"Problem {problem.number}"
        by_problem[problem.name] = dataclasses.replace(
            result,
            derivations=tuple(dataclasses.replace(d, problem=label) for d in result.derivations),
            numeric_checks=tuple(dataclasses.replace(c, problem=label) for c in result.numeric_checks))
    return Results(by_problem)
