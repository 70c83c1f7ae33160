"""Semester configuration: read one TOML file, validate it against a schema, return frozen data.

Everything that changes from term to term lives in ``semesters/<id>.toml``. A mistake in it
(unknown or missing key, wrong type, impossible date, time without a zone, key released before
the deadline) is reported with the file, the key and, where it can be found, the line.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import tomllib
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .variants import Questions, draw_questions, QUESTION_DEFAULTS

SEMESTER_ID = re.compile(r"^\d{4}-(spring|summer|fall|winter)$")


@dataclass(frozen=True)
class Course:
    code: str
    name: str
    term: str
    instructor: str = ""
    notes: str = ""


@dataclass(frozen=True)
class Activity:
    number: int
    title: str
    date: dt.date
    due: dt.datetime
    key_release: dt.datetime
    handout_release: dt.datetime


@dataclass(frozen=True)
class Canvas:
    base_url: str
    course_id: int
    folder: str
    publish_handout: bool = False


@dataclass(frozen=True)
class Config:
    """One validated semester. ``source`` maps each dotted key to where it was set."""

    semester: str
    path: Path
    course: Course
    activity: Activity
    questions: Questions
    canvas: Canvas


# --- schema --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    kind: str  # text, int, bool, date, datetime, number, numbers, url
    required: bool = True
    doc: str = ""


SCHEMA: dict[str, dict[str, Field]] = {
    "course": {
        "code": Field("text", doc="course code as printed, e.g. 'CS 316/365'"),
        "name": Field("text", doc="course name"),
        "term": Field("text", doc="term as printed, e.g. 'Fall 2024'"),
        "instructor": Field("text", required=False),
        "notes": Field("text", required=False),
    },
    "activity": {
        "number": Field("int"),
        "title": Field("text"),
        "date": Field("date", doc="day the activity is held"),
        "due": Field("datetime", doc="submission deadline, with time zone"),
        "key_release": Field("datetime", doc="when students may open the key, with time zone"),
        "handout_release": Field("datetime", required=False),
    },
    "questions": {
        "seed": Field("int", required=False),
        "hessian_parameters": Field("int", required=False),
        "momentum_beta": Field("number", required=False),
        "momentum_steps": Field("int", required=False),
        "logistic_phi0_values": Field("numbers", required=False),
        "logistic_phi1_fixed": Field("number", required=False),
        "logistic_phi1_values": Field("numbers", required=False),
        "logistic_phi0_fixed": Field("number", required=False),
        "least_squares_x": Field("numbers", required=False),
        "least_squares_y": Field("numbers", required=False),
        "least_squares_start": Field("numbers", required=False),
        "logistic_x": Field("numbers", required=False),
        "logistic_y": Field("numbers", required=False),
        "logistic_start": Field("numbers", required=False),
    },
    "canvas": {
        "base_url": Field("url"),
        "course_id": Field("int"),
        "folder": Field("text"),
        "publish_handout": Field("bool", required=False),
    },
}

KIND_NAMES = {
    "text": "a string in quotes",
    "int": "a whole number",
    "bool": "true or false",
    "date": "a date like 2024-10-02 (no quotes)",
    "datetime": "a date and time with a time zone like 2024-10-09T23:59:00-07:00 (no quotes)",
    "number": "a number",
    "numbers": "a list of numbers like [0.5, 1.0]",
    "url": "an https:// address in quotes",
}


def semester_id_of(path: Path) -> str:
    return path.stem


def load(path: Path | str) -> Config:
    """Read and validate ``path``; raise ConfigError naming file, key and line on any problem."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(
            f"{path}: no such semester file",
            hint="list the available ones with 'ls semesters/' or pass SEMESTER=<id> of one of them",
        )
    text = path.read_text(encoding="utf-8")
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}", hint="fix the syntax at that line") from None
    checker = _Checker(path, text)
    data = checker.check(raw)
    semester = semester_id_of(path)
    if not SEMESTER_ID.match(semester):
        raise ConfigError(
            f"{path}: the file name must be a semester id like 2027-spring, not '{semester}'",
            hint="rename the file to <year>-<spring|summer|fall|winter>.toml",
        )
    course = Course(**data["course"])
    act = dict(data["activity"])
    act.setdefault("handout_release", dt.datetime.combine(act["date"], dt.time(0, 0), act["due"].tzinfo))
    activity = Activity(**act)
    if activity.key_release < activity.due:
        raise ConfigError(
            f"{path}{checker.where('activity', 'key_release')}: activity.key_release "
            f"({activity.key_release.isoformat()}) is before activity.due ({activity.due.isoformat()})",
            hint="release the key at or after the deadline, or students could read it before submitting",
        )
    if activity.due.date() < activity.date:
        raise ConfigError(
            f"{path}{checker.where('activity', 'due')}: activity.due ({activity.due.isoformat()}) "
            f"is before the activity date ({activity.date.isoformat()})",
            hint="set the deadline on or after the day of the activity",
        )
    canvas = Canvas(**data["canvas"])
    questions = draw_questions(data["questions"], where=lambda key: f"{path}{checker.where('questions', key)}")
    return Config(semester, path, course, activity, questions, canvas)


class _Checker:
    """Walks the parsed TOML against SCHEMA, collecting the first error with its location."""

    def __init__(self, path: Path, text: str):
        self.path = path
        self.lines = text.splitlines()

    def where(self, section: str, key: str | None = None) -> str:
        line = self._line_of(section, key)
        return f":{line}" if line else ""

    def _line_of(self, section: str, key: str | None) -> int | None:
        current = None
        for number, line in enumerate(self.lines, start=1):
            stripped = line.strip()
            header = re.match(r"^\[\s*([A-Za-z0-9_.\-]+)\s*\]", stripped)
            if header:
                current = header.group(1)
                if key is None and current == section:
                    return number
                continue
            if key is not None and current == section and re.match(rf"^{re.escape(key)}\s*=", stripped):
                return number
        return None

    def fail(self, section: str, key: str | None, message: str, hint: str) -> None:
        raise ConfigError(f"{self.path}{self.where(section, key)}: {message}", hint=hint)

    def check(self, raw: dict[str, Any]) -> dict[str, dict[str, Any]]:
        for section in raw:
            if section not in SCHEMA:
                self.fail(section, None, f"unknown section [{section}]", _did_you_mean(section, SCHEMA, "section"))
            if not isinstance(raw[section], dict):
                self.fail(section, section, f"'{section}' must be a [section] table", f"write it as [{section}]")
        out: dict[str, dict[str, Any]] = {}
        for section, fields in SCHEMA.items():
            table = raw.get(section)
            if table is None:
                if any(f.required for f in fields.values()):
                    self.fail(section, None, f"missing section [{section}]",
                              f"add a [{section}] table with the keys {', '.join(k for k, f in fields.items() if f.required)}")
                table = {}
            for key in table:
                if key not in fields:
                    self.fail(section, key, f"unknown key '{section}.{key}'", _did_you_mean(key, fields, "key"))
            values: dict[str, Any] = {}
            for key, field in fields.items():
                if key not in table:
                    if field.required:
                        self.fail(section, None, f"missing key '{section}.{key}' ({field.doc or KIND_NAMES[field.kind]})",
                                  f"add '{key} = ...' under [{section}]")
                    continue
                values[key] = self._coerce(section, key, field, table[key])
            out[section] = values
        return out

    def _coerce(self, section: str, key: str, field: Field, value: Any) -> Any:
        name = f"{section}.{key}"
        bad = lambda detail="": self.fail(  # noqa: E731
            section, key, f"'{name}' must be {KIND_NAMES[field.kind]}, not {_describe(value)}{detail}",
            f"write it as {KIND_NAMES[field.kind]}")
        kind = field.kind
        if kind in ("text", "url"):
            if not isinstance(value, str):
                bad()
            if kind == "url" and not re.match(r"^https?://[^\s/]+", value):
                bad()
            if kind == "text" and len(value) > 2000:
                self.fail(section, key, f"'{name}' is {len(value)} characters long", "keep it under 2000 characters")
            return value.rstrip("/") if kind == "url" else value
        if kind == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                bad()
            if value <= 0 and key != "seed":
                self.fail(section, key, f"'{name}' must be positive, not {value}", "use a whole number above 0")
            return value
        if kind == "bool":
            if not isinstance(value, bool):
                bad()
            return value
        if kind == "date":
            if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
                bad()
            return value
        if kind == "datetime":
            if not isinstance(value, dt.datetime):
                bad()
            if value.tzinfo is None:
                self.fail(section, key, f"'{name}' = {value.isoformat()} has no time zone",
                          f"add the UTC offset, e.g. {value.isoformat()}-07:00, or Z for UTC")
            return value
        if kind == "number":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                bad()
            return value
        if kind == "numbers":
            if not isinstance(value, list) or not value or any(
                    isinstance(v, bool) or not isinstance(v, (int, float)) for v in value):
                bad()
            return tuple(value)
        raise AssertionError(kind)


def _describe(value: Any) -> str:
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, dt.datetime):
        return f"the date-time {value.isoformat()}"
    if isinstance(value, dt.date):
        return f"the date {value.isoformat()}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return f"{type(value).__name__} {value!r}"


def _did_you_mean(word: str, options, what: str) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    return f"remove it; the known {what}s are {', '.join(options)}"


def exact(value: float | int) -> Fraction:
    """The decimal a user typed, as an exact fraction (0.9 -> 9/10, not the nearest double)."""
    return Fraction(repr(value)) if isinstance(value, float) else Fraction(value)


def find_semesters(root: Path) -> list[Path]:
    return sorted((root / "semesters").glob("*.toml"), key=_term_order)


def _term_order(path: Path) -> tuple[int, int, str]:
    order = {"winter": 0, "spring": 1, "summer": 2, "fall": 3}
    m = SEMESTER_ID.match(path.stem)
    if not m:
        return (0, 0, path.stem)
    return (int(path.stem[:4]), order[m.group(1)], path.stem)


def newest_semester(root: Path) -> str:
    paths = find_semesters(root)
    if not paths:
        raise ConfigError(f"{root / 'semesters'}: no semester files", hint="add one, e.g. semesters/2027-spring.toml")
    return paths[-1].stem


def config_path(root: Path, semester: str) -> Path:
    return root / "semesters" / f"{semester}.toml"


__all__ = ["Config", "Course", "Activity", "Canvas", "load", "SCHEMA", "exact", "QUESTION_DEFAULTS",
           "find_semesters", "newest_semester", "config_path"]
