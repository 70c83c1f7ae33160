"""Semester configuration: one TOML file for the whole term, validated, returned as frozen data.

Everything that changes from term to term lives in ``semesters/<id>.toml``: ``[course]``,
``[canvas]``, and one table per activity of the term, named by its id (``[activityNN]``, with
``[activityNN.canvas]`` and ``[activityNN.questions]``). Most mistakes are made while copying
last term's file. Each is reported as ``<file>:<line>: <what is wrong>`` and ``how to fix: ...``,
naming the table and key (``activityNN.due``); every problem of the file is listed at once.
A problem in one activity's tables leaves the other activities buildable: ``Config.broken``
holds it, and the command that builds that activity reports it as an error (see ``select``).
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import tomllib
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from .activities import ACTIVITY_ID, Activity, find_activities
from .config_fields import Checker, Field
from .config_file import (
    SCHEMA_HELP,
    SEMESTER_ID,
    _suggest_id,
    config_path,
    display,
    find_semesters,
    newest_semester,
    read,
    syntax_error,
)
from .config_rules import check_activity_dates, check_term
from .errors import ConfigError
from .variants import draw_questions


@dataclass(frozen=True)
class Course:
    code: str
    name: str
    term: str
    instructor: str = ""
    notes: str = ""


@dataclass(frozen=True)
class Canvas:
    """The term's Canvas course."""

    base_url: str
    course_id: int
    upload_early: bool = False  # upload before the release, behind Canvas's locks (see docs/canvas.md)


@dataclass(frozen=True)
class ActivityCanvas:
    """Where one activity goes on Canvas and what is published with it."""

    folder: str
    assignment_id: int | None = None
    publish_handout: bool = False
    publish_page: bool = False


@dataclass(frozen=True)
class ActivityTerm:
    """One activity as this term runs it: its dates, Canvas settings and question parameters."""

    id: str
    number: int
    title: str
    date: dt.date
    due: dt.datetime
    key_release: dt.datetime
    handout_release: dt.datetime
    canvas: ActivityCanvas
    questions: Any


@dataclass(frozen=True)
class Config:
    """One validated semester: the activities whose tables hold, and the problems of the others."""

    semester: str
    path: Path
    course: Course
    canvas: Canvas
    activities: tuple[ActivityTerm, ...]
    broken: tuple[tuple[str, ConfigError], ...] = ()

    def select(self, activity: str | None = None) -> tuple[ActivityTerm, ...]:
        """The activities a command covers: all of the term's, or the one named.

        A problem in a covered activity's tables is raised; one in another activity's is not
        (``warnings`` says it), so a mistake in one table never blocks building the rest.
        """
        known = {a.id: a for a in self.activities} | {name: None for name, _ in self.broken}
        if activity is not None and activity not in known:
            close = difflib.get_close_matches(activity, list(known), n=1, cutoff=0.8)
            raise ConfigError(f"{display(self.path)}: semester {self.semester} has no activity '{activity}'",
                              hint=(f"did you mean '{close[0]}'? " if close else "")
                              + f"the term's activities: {', '.join(known) or 'none'} (ACTIVITY=<id>, or leave it "
                                f"out for all); to add one, give it a [{activity}] table")
        errors = [error for name, error in self.broken if activity in (None, name)]
        if errors:
            raise errors[0] if len(errors) == 1 else ConfigProblems([p for e in errors for p in _each(e)])
        return tuple(a for a in self.activities if activity in (None, a.id))

    def warnings(self, activity: str | None = None) -> list[str]:
        """What is wrong in the tables of activities a command does not cover."""
        return [f"warning: [{name}] is not built: " + error.render().replace("\n", "\n  ")
                for name, error in self.broken if activity is not None and name != activity]

    def activity(self, activity_id: str) -> ActivityTerm:
        return self.select(activity_id)[0]


class ConfigProblems(ConfigError):
    """Several mistakes in one file, reported together (the first one is ``message``/``hint``)."""

    def __init__(self, problems: list[ConfigError]):
        super().__init__(problems[0].message, hint=problems[0].hint)
        self.problems = problems

    def render(self) -> str:
        text = "\n".join(problem.render() for problem in self.problems)
        if len(self.problems) > 1:
            text += f"\n{len(self.problems)} problems in the semester file"
        return text


def _each(error: ConfigError) -> list[ConfigError]:
    return list(error.problems) if isinstance(error, ConfigProblems) else [error]


# --- schema --------------------------------------------------------------------------------

COURSE = {
    "code": Field("text", doc="course code as printed, e.g. 'CS 316/365'", example='"CS 316/365"'),
    "name": Field("text", doc="course name", example='"Deep Learning"'),
    "term": Field("text", doc="term as printed, e.g. 'Fall 2024'", example='"Spring 2027"'),
    "instructor": Field("text", required=False, example='"Zoë Ångström"'),
    "notes": Field("text", required=False, example='"Bring a calculator."'),
}
CANVAS = {
    "base_url": Field("url", example='"https://canvas.example.edu"'),
    "course_id": Field("int", example="316365"),
    "upload_early": Field("bool", required=False, doc="only where the admins closed the file verifier hole",
                          example="false"),
}
ACTIVITY = {
    "number": Field("int", required=False, doc="overrides the activity's own number", example="5"),
    "title": Field("text", required=False, doc="overrides the activity's own title", example='"Gradient Descent"'),
    "date": Field("date", doc="day the activity is held", example="2027-02-17"),
    "due": Field("datetime", doc="submission deadline, with time zone", example="2027-02-17T23:59:00-08:00"),
    "key_release": Field("datetime", doc="when students may open the key, with time zone",
                         example="2027-02-18T08:00:00-08:00"),
    "handout_release": Field("datetime", required=False, example="2027-02-17T08:00:00-08:00"),
}
ACTIVITY_CANVAS = {
    "folder": Field("text", required=False, doc="Canvas folder path, e.g. 'Answer keys/Activity 05'",
                    example='"Answer keys/Activity 05"'),
    "assignment_id": Field("int", required=False, example="4321"),
    "publish_handout": Field("bool", required=False, example="false"),
    "publish_page": Field("bool", required=False, example="false"),
}


def activity_schema(activity: Activity) -> dict[str, dict[str, Field]]:
    """The three tables of one activity, its questions declared by its own ``parameters.FIELDS``."""
    questions = {"seed": Field("int", required=False, example="2027")}
    questions |= {key: Field(kind, required=False, example=example)
                  for key, (kind, example) in activity.parameters.FIELDS.items()}
    return {activity.id: ACTIVITY, f"{activity.id}.canvas": ACTIVITY_CANVAS, f"{activity.id}.questions": questions}


def load(path: Path | str, root: Path | None = None) -> Config:
    """Read and validate ``path``; raise ConfigError naming file, table, key and line on a problem
    outside the activity tables (every problem of the file at once); keep an activity's own in
    ``Config.broken``. ``root`` is the project whose ``activities/`` the file's tables name.

    The steps of one command (build, HTML, index) read the same file: it is validated once for
    the same bytes."""
    path = Path(path)
    shown = display(path)
    text = read(path, shown)
    return _load(path, root, text)


@functools.lru_cache(maxsize=16)
def _load(path: Path, root: Path | None, text: str) -> Config:
    shown, semester = display(path), path.stem
    if not SEMESTER_ID.match(semester):
        raise ConfigError(
            f"{shown}: the file name must be a semester id like 2027-spring, not '{semester}'",
            hint=f"rename the file to <year>-<spring|summer|fall|winter>.toml, e.g. "
                 f"{path.parent.name}/{_suggest_id(semester)}.toml")
    known = find_activities(root if root is not None else path.resolve().parent.parent)
    schema = {"course": COURSE, "canvas": CANVAS}
    for activity in known.values():
        schema |= activity_schema(activity)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise syntax_error(shown, text, exc, lambda section, key: schema.get(section, {}).get(key)) from None
    strays = _strays(raw, known)  # taken out before the sections are read, so each is said once
    tables = [name for name, value in raw.items() if name in known and isinstance(value, dict)]
    checker = Checker(shown, text, _sections(raw, tables), {k: v for k, v in schema.items()
                                                            if k.split(".")[0] in ("course", "canvas", *tables)},
                      known=schema)
    for section, message, hint in strays:
        checker.fail(section, None, message, hint)
    data = checker.check()
    check_term(checker, semester, data.get("course", {}))
    activities, broken = [], []
    for name in tables:
        act = data.get(name, {})
        check_activity_dates(checker, semester, name, act)
        mine = [problem for _, section, problem in checker.problems if section and section.split(".")[0] == name]
        if not mine:
            try:
                activities.append(_activity(known[name], act, data, checker))
            except ConfigError as exc:
                mine = [exc]
        if mine:
            broken.append((name, mine[0] if len(mine) == 1 else ConfigProblems(mine)))
    shared = [(line, problem) for line, section, problem in checker.problems
              if not (section and section.split(".")[0] in tables)]
    if shared:
        everything = sorted(checker.problems, key=lambda p: p[0])
        problems = [problem for _, _, problem in everything]
        raise problems[0] if len(problems) == 1 else ConfigProblems(problems)
    return Config(semester, path, Course(**data["course"]), Canvas(**data["canvas"]), tuple(activities), tuple(broken))


def _sections(raw: dict[str, Any], tables: list[str]) -> dict[str, Any]:
    """Each activity's sub-tables as sections of their own (``activityNN.canvas``; a misspelt one,
    ``activityNN.question``, too, so it is reported as a table with a "did you mean")."""
    sections = {}
    for name, value in raw.items():
        if name in tables:
            sections[name] = {k: v for k, v in value.items() if not isinstance(v, dict)}
            sections |= {f"{name}.{k}": v for k, v in value.items() if isinstance(v, dict)}
        else:
            sections[name] = value
    return sections


def _strays(raw: dict[str, Any], known: dict[str, Activity]) -> list[tuple[str | None, str, str]]:
    """Tables of the old one-activity layout and of activities the project does not have, taken
    out of ``raw``: (section, message, hint) for each."""
    ids, found = ", ".join(known) or "none", []
    first = next(iter(known), "activityNN")
    for name in [n for n in raw if n in ("activity", "questions") or (ACTIVITY_ID.match(n) and n not in known)]:
        table = raw.pop(name)
        if name in ("activity", "questions"):
            target = first if name == "activity" else f"{first}.questions"
            found.append((name, f"[{name}] is the layout of a one-activity file: a semester file now has "
                                f"one table per activity, named by its id",
                          f"rename [{name}] to [{target}] (and move 'folder' from [canvas] to [{first}.canvas]); "
                          f"{SCHEMA_HELP}"))
        else:
            found.append((name, f"[{name}]: there is no activity '{name}' (the activities are: {ids})",
                          f"create it with: python -m generator new-activity {name} --title \"...\"; "
                          f"or correct the table's name"))
        del table
    if not any(n in known for n in raw) and not found:
        found.append((None, "the semester file has no activity table",
                      f"add one table per activity of the term, e.g. [{first}] with date, due and key_release; "
                      f"{SCHEMA_HELP}"))
    return found


def _activity(activity: Activity, act: dict[str, Any], data: dict[str, Any], checker: Checker) -> ActivityTerm:
    name = activity.id
    number = act.get("number", activity.number)
    handout = act.get("handout_release") or dt.datetime.combine(act["date"], dt.time(0, 0), act["due"].tzinfo)
    canvas = {"folder": f"Answer keys/Activity {number:02d}", **data.get(f"{name}.canvas", {})}
    table = f"{name}.questions"
    questions = draw_questions(activity.parameters, data.get(table, {}), table=table,
                               where=lambda key: f"{checker.shown}{checker.where(table, key)}")
    return ActivityTerm(name, number, act.get("title", activity.title), act["date"], act["due"], act["key_release"],
                        handout, ActivityCanvas(**canvas), questions)


def exact(value: float | int) -> Fraction:
    """The decimal a user typed, as an exact fraction (0.9 -> 9/10, not the nearest double)."""
    return Fraction(repr(value)) if isinstance(value, float) else Fraction(value)


__all__ = ["Config", "Course", "Canvas", "ActivityCanvas", "ActivityTerm", "load", "exact", "find_semesters",
           "newest_semester", "config_path", "ConfigProblems", "display"]
