"""Semester configuration: read one TOML file, validate it against a schema, return frozen data.

Everything that changes from term to term lives in ``semesters/<id>.toml``, and most mistakes in
it are made while copying last term's file. Each one is reported as
``<file>:<line>: <what is wrong>`` followed by ``how to fix: ...``, naming the key; every
problem of the file is listed at once, so one round of editing fixes them all. Covered:

- the file: missing (the available ids are listed), a directory, unreadable, not UTF-8, a name
  that is not a semester id;
- TOML syntax (the line from tomllib, translated: duplicate keys and sections, impossible
  dates, time-zone names, unquoted text, broken lists);
- the schema: unknown sections and keys ("did you mean"), keys in the wrong section, missing
  keys, wrong types (a date in quotes, a date where a date-time is due, ...), empty text,
  non-finite numbers, a Canvas address that is not one, a folder path with empty segments;
- consistency: key released before the deadline, deadline before the activity, handout after
  the deadline or the key, dates or term text left over from another semester;
- question parameters (``variants``): ranges, lengths and the cases the key must show.
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import math
import os
import re
import tomllib
import urllib.parse
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .variants import Questions, draw_questions, QUESTION_DEFAULTS

SEMESTER_ID = re.compile(r"^\d{4}-(spring|summer|fall|winter)$")
SEASONS = ("winter", "spring", "summer", "fall")
SCHEMA_HELP = "the schema is in README.md, section 'A new semester'"


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
    publish_page: bool = False
    assignment_id: int | None = None  # the key waits for this assignment's last deadline (extensions)
    upload_early: bool = False  # term level: upload before the release, behind Canvas's locks


@dataclass(frozen=True)
class Config:
    """One validated semester."""

    semester: str
    path: Path
    course: Course
    activity: Activity
    questions: Questions
    canvas: Canvas


class ConfigProblems(ConfigError):
    """Several mistakes in one file, reported together (the first one is ``message``/``hint``)."""

    def __init__(self, problems: list[ConfigError]):
        super().__init__(problems[0].message, hint=problems[0].hint)
        self.problems = problems

    def render(self) -> str:
        text = "\n".join(problem.render() for problem in self.problems)
        if len(self.problems) > 1:
            text += f"\n{len(self.problems)} problems in the semester file; nothing was built"
        return text


# --- schema --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    kind: str  # text, int, bool, date, datetime, number, numbers, url
    required: bool = True
    doc: str = ""
    example: str = ""


SCHEMA: dict[str, dict[str, Field]] = {
    "course": {
        "code": Field("text", doc="course code as printed, e.g. 'CS 316/365'", example='"CS 316/365"'),
        "name": Field("text", doc="course name", example='"Deep Learning"'),
        "term": Field("text", doc="term as printed, e.g. 'Fall 2024'", example='"Spring 2027"'),
        "instructor": Field("text", required=False, example='"Zoë Ångström"'),
        "notes": Field("text", required=False, example='"Bring a calculator."'),
    },
    "activity": {
        "number": Field("int", example="5"),
        "title": Field("text", example='"Gradient Descent"'),
        "date": Field("date", doc="day the activity is held", example="2027-02-17"),
        "due": Field("datetime", doc="submission deadline, with time zone", example="2027-02-17T23:59:00-08:00"),
        "key_release": Field("datetime", doc="when students may open the key, with time zone",
                             example="2027-02-18T08:00:00-08:00"),
        "handout_release": Field("datetime", required=False, example="2027-02-17T08:00:00-08:00"),
    },
    "questions": {
        "seed": Field("int", required=False, example="2027"),
        "hessian_parameters": Field("int", required=False, example="1000000"),
        "momentum_beta": Field("number", required=False, example="0.9"),
        "momentum_steps": Field("int", required=False, example="8"),
        "logistic_phi0_values": Field("numbers", required=False, example="[-2.0, 0.0, 2.0]"),
        "logistic_phi1_fixed": Field("number", required=False, example="1.5"),
        "logistic_phi1_values": Field("numbers", required=False, example="[-2.0, 0.0, 0.5, 2.0]"),
        "logistic_phi0_fixed": Field("number", required=False, example="1.0"),
        "least_squares_x": Field("numbers", required=False, example="[0.03, 0.19, 0.34]"),
        "least_squares_y": Field("numbers", required=False, example="[0.67, 0.85, 1.05]"),
        "least_squares_start": Field("numbers", required=False, example="[0.6, -0.2]"),
        "logistic_x": Field("numbers", required=False, example="[-2.0, -1.2, -0.5]"),
        "logistic_y": Field("numbers", required=False, example="[0, 0, 1]"),
        "logistic_start": Field("numbers", required=False, example="[0.5, -0.5]"),
    },
    "canvas": {
        "base_url": Field("url", example='"https://canvas.example.edu"'),
        "course_id": Field("int", example="316365"),
        "folder": Field("text", doc="Canvas folder path, e.g. 'Answer keys/Activity 05'",
                        example='"Answer keys/Activity 05"'),
        "publish_handout": Field("bool", required=False, example="false"),
        "publish_page": Field("bool", required=False, example="false"),
        "assignment_id": Field("int", required=False, doc="the Canvas assignment whose last deadline the key waits for",
                               example="4321"),
        "upload_early": Field("bool", required=False, doc="upload before the release, behind locks (see docs/canvas.md)",
                              example="false"),
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

MAX_TEXT = 2000
# How far after the activity its deadline and key release may lie: one semester.
MAX_DAYS_AFTER = 180


def semester_id_of(path: Path) -> str:
    return path.stem


def display(path: Path) -> str:
    """The path as the user would type it: relative to the working directory when inside it."""
    try:  # no resolve(): the path itself may be a broken link or a link loop
        here, there = os.path.abspath(os.getcwd()), os.path.abspath(path)
    except OSError:
        return str(path)
    return os.path.relpath(there, here) if there.startswith(here + os.sep) else str(path)


def load(path: Path | str) -> Config:
    """Read and validate ``path``; raise ConfigError naming file, key and line on any problem."""
    path = Path(path)
    shown = display(path)
    semester = semester_id_of(path)
    text = _read(path, shown)
    if not SEMESTER_ID.match(semester):
        raise ConfigError(
            f"{shown}: the file name must be a semester id like 2027-spring, not '{semester}'",
            hint=f"rename the file to <year>-<spring|summer|fall|winter>.toml, e.g. "
                 f"{path.parent.name}/{_suggest_id(semester)}.toml",
        )
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _syntax_error(shown, text, exc) from None
    checker = _Checker(shown, text, raw)
    data = checker.check()
    if not checker.problems:
        _check_consistency(checker, semester, data)
    if checker.problems:
        raise checker.error()
    course = Course(**data["course"])
    act = dict(data["activity"])
    act.setdefault("handout_release", dt.datetime.combine(act["date"], dt.time(0, 0), act["due"].tzinfo))
    activity = Activity(**act)
    canvas = Canvas(**data["canvas"])
    questions = draw_questions(data["questions"], where=lambda key: f"{shown}{checker.where('questions', key)}")
    return Config(semester, path, course, activity, questions, canvas)


# --- the file itself -----------------------------------------------------------------------


def _read(path: Path, shown: str) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        if path.is_symlink():
            raise ConfigError(f"{shown}: is a link to {os.readlink(path)}, which does not exist",
                              hint="point the link at an existing file, or replace it with the file itself") from None
        raise _missing(path, shown) from None
    except IsADirectoryError:
        raise ConfigError(f"{shown}: is a directory, not a file",
                          hint=f"a semester is one TOML file: remove or rename the directory "
                               f"and put the settings in the file {shown}") from None
    except PermissionError:
        raise ConfigError(f"{shown}: cannot be read: permission denied",
                          hint=f"give yourself read access, e.g. chmod u+r {shown}") from None
    except OSError as exc:
        raise ConfigError(f"{shown}: cannot be read: {exc.strerror or exc}",
                          hint="check the file (a symbolic link pointing at itself? a removed disk?) "
                               "or restore it from version control") from None
    if data.startswith(b"\xef\xbb\xbf"):  # a UTF-8 byte-order mark, as some editors write
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        guess = data[exc.start:exc.start + 1].decode("latin-1")
        raise ConfigError(
            f"{shown}:{line}: the file is not UTF-8 text: byte 0x{data[exc.start]:02x} at column {column} "
            f"(perhaps '{guess}' saved as Latin-1 or Windows-1252)",
            hint=f"save the file with the UTF-8 encoding (your editor's 'Save with encoding'), or convert it: "
                 f"iconv -f WINDOWS-1252 -t UTF-8 {shown} > fixed.toml && mv fixed.toml {shown}") from None


def _missing(path: Path, shown: str) -> ConfigError:
    semester = path.stem
    ids = [p.stem for p in find_semesters(path.parent.parent) if p.is_file()] if path.parent.is_dir() else []
    what = f"{shown}: no such semester file"
    if not SEMESTER_ID.match(semester):
        what += f" ('{semester}' is not a semester id like 2027-spring)"
    what += "; available: " + (", ".join(ids) if ids else "none")
    close = difflib.get_close_matches(semester, ids, n=1, cutoff=0.85)
    if close:
        hint = f"did you mean '{close[0]}'? (make pdf SEMESTER={close[0]}, or --semester {close[0]})"
    elif ids:
        hint = (f"pass one of the available ids (make pdf SEMESTER=<id>, or --semester <id>), or start the "
                f"new term from the newest one: cp {display(path.parent / (ids[-1] + '.toml'))} {shown}")
    else:
        hint = f"create {shown}; {SCHEMA_HELP}"
    return ConfigError(what, hint=hint)


def _suggest_id(name: str) -> str:
    year = re.search(r"\d{4}", name)
    season = next((s for s in SEASONS if s in name.lower()), None) or ("fall" if "autumn" in name.lower() else None)
    return f"{year.group(0) if year else dt.date.today().year}-{season or 'spring'}"


# --- TOML syntax errors --------------------------------------------------------------------

_AT = re.compile(r"^(?P<what>.*) \(at line (?P<line>\d+), column (?P<column>\d+)\)$", re.S)
_BARE = r"[A-Za-z0-9_\-]+"
_KEY = rf"(?:{_BARE}|\"[^\"]*\"|'[^']*')"
_STATEMENT = re.compile(rf"^\s*(?P<key>{_KEY}(?:\s*\.\s*{_KEY})*)\s*=\s*(?P<value>.*?)\s*$")
_HEADER = re.compile(rf"^\s*\[\s*(?P<name>{_KEY}(?:\s*\.\s*{_KEY})*)\s*\]")
_DATELIKE = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
                       r"(?:(?P<sep>[Tt ])(?P<H>\d{1,2}):(?P<M>\d{1,2})(?::(?P<S>\d{1,2})(?:\.\d+)?)?)?"
                       r"(?P<rest>.*)$")


def _unquote(key: str) -> str:
    parts = re.findall(rf"{_KEY}", key)
    return ".".join(p[1:-1] if p[:1] in "\"'" else p for p in parts)


def _strip_comment(value: str) -> str:
    if value[:1] in ("'", '"'):
        return value
    return value.split("#", 1)[0].rstrip()


def _section_at(lines: list[str], line_no: int) -> str | None:
    """The [section] in force at ``line_no`` (1-based)."""
    current = None
    for line in lines[:line_no - 1]:
        header = _HEADER.match(line)
        if header:
            current = _unquote(header.group("name"))
    return current


def _first_line(lines: list[str], before: int, section: str | None, key: str | None) -> int | None:
    """Line of the first ``key`` in ``section`` (or of the header when key is None) before ``before``."""
    current = None
    for number, line in enumerate(lines[:before - 1], start=1):
        header = _HEADER.match(line)
        if header:
            current = _unquote(header.group("name"))
            if key is None and current == section:
                return number
            continue
        statement = _STATEMENT.match(line)
        if key is not None and current == section and statement and _unquote(statement.group("key")) == key:
            return number
    return None


def _syntax_error(shown: str, text: str, exc: tomllib.TOMLDecodeError) -> ConfigError:
    match = _AT.match(str(exc))
    if not match:
        return ConfigError(f"{shown}: not valid TOML: {exc}", hint=SCHEMA_HELP)
    what, line_no, column = match.group("what"), int(match.group("line")), int(match.group("column"))
    lines = text.splitlines()
    line = lines[line_no - 1] if 0 < line_no <= len(lines) else ""
    message, hint = _diagnose(what, column, line, line_no, lines)
    excerpt = f"\n    {line_no} | {line.strip()}" if line.strip() else ""
    return ConfigError(f"{shown}:{line_no}: {message}{excerpt}", hint=hint)


def _diagnose(what: str, column: int, line: str, line_no: int, lines: list[str]) -> tuple[str, str]:
    """Turn tomllib's terse message into what is wrong on the line and how to fix it."""
    section = _section_at(lines, line_no)
    header = _HEADER.match(line)
    statement = _STATEMENT.match(line)
    if what.startswith("Cannot declare") and header:
        name = _unquote(header.group("name"))
        first = _first_line(lines, line_no, name, None)
        where = f" (first on line {first})" if first else ""
        return (f"section [{name}] appears twice{where}",
                f"merge the two [{name}] sections into one; a TOML section may appear only once")
    if what.startswith("Cannot overwrite") and statement:
        key = _unquote(statement.group("key"))
        name = f"{section}.{key}" if section else key
        first = _first_line(lines, line_no, section, key)
        where = f" (first on line {first})" if first else ""
        return (f"'{name}' is set twice{where}",
                "keep one of the two lines and delete the other; a key may be set only once")
    stripped = line.strip()
    if stripped.startswith("[") and not header:
        return (f"the section header '{stripped}' is not valid ({what.lower()})",
                "write a section header as the name in square brackets on its own line, e.g. [activity]")
    if not statement:
        if "=" not in stripped:
            return (f"'{stripped}' is not a 'key = value' line",
                    "write it as key = value, or start it with # to make it a comment")
        return f"not valid TOML: {what} (column {column})", f"write the line as key = value; {SCHEMA_HELP}"
    key = _unquote(statement.group("key"))
    name = f"{section}.{key}" if section else key
    value = _strip_comment(statement.group("value"))
    field = SCHEMA.get(section or "", {}).get(key)
    example = f"{key} = {field.example}" if field and field.example else f"{key} = <value>"
    if value == "":
        return f"'{name}' has no value after '='", f"write a value, e.g. {example}"
    dated = _DATELIKE.match(value)
    if dated:
        problem = _date_problem(dated)
        if problem:
            return f"'{name}' = {value}{problem[0]}", problem[1]
    if re.match(r"^\d{1,2}:\d{2}", value):
        return (f"'{name}' = {value} is a time without a date and time zone",
                f"write the date, the time with seconds and the UTC offset, e.g. {example}")
    if value[:1] in ("'", '"'):
        quote = value[0]
        if "Illegal character" in what or "Unterminated" in what or value.count(quote) < 2:
            return (f"the text of '{name}' is not closed: the closing {quote} is missing",
                    f"end the text with {quote} on the same line (\"\"\"...\"\"\" holds text over several lines)")
        if "escape" in what.lower() or "\\" in value:
            return (f"the text of '{name}' has a backslash that is not a valid escape",
                    "write \\\\ for a backslash, or use single quotes: 'text with \\ inside'")
        return (f"'{name}': {what.lower()} after the closing quote (column {column})",
                "put everything inside the quotes, or start a comment with #")
    if value.lower() in ("true", "false", "yes", "no") and value not in ("true", "false"):
        meant = "true" if value.lower() in ("true", "yes") else "false"
        return f"'{name}' = {value} is not a TOML boolean", f"write true or false, in lower case: {key} = {meant}"
    if re.match(r"^[+-]?\.\d", value) or re.match(r"^[+-]?\d+\.(\s|$|,)", value):
        fixed = re.sub(r"^([+-]?)\.", r"\g<1>0.", value)
        fixed = re.sub(r"^([+-]?\d+)\.$", r"\1.0", fixed)
        return (f"'{name}' = {value}: a TOML number needs a digit on both sides of the decimal point",
                f"write {key} = {fixed}")
    if re.match(r"^[+-]?\d{1,3}(,\d{3})+$", value):
        return (f"'{name}' = {value}: commas are not allowed inside a number",
                f"write {key} = {value.replace(',', '')} (or {value.replace(',', '_')})")
    if value.startswith("["):
        detail = "two commas in a row" if re.search(r",\s*,", value) else (
            "the list is not closed with ]" if "]" not in value else what.lower())
        return (f"the list of '{name}' is not valid TOML: {detail} (column {column})",
                f"separate the values with single commas inside [ ], e.g. {example}")
    if re.match(r"^[A-Za-z]", value) and value not in ("true", "false", "inf", "nan"):
        return (f"the text of '{name}' must be in double quotes",
                f'write {key} = "{value}"' if not field or field.kind in ("text", "url")
                else f"write {example}")
    return (f"'{name}' = {value}: not a valid TOML value ({what.lower()}, column {column})",
            f"write it like {example}; {SCHEMA_HELP}")


def _date_problem(m: re.Match) -> tuple[str, str] | None:
    """What is wrong with a date or date-time written without quotes: (" is not ...", fix), or None."""
    y, mo, d = int(m.group("y")), int(m.group("m")), int(m.group("d"))
    if len(m.group("m")) != 2 or len(m.group("d")) != 2:
        return (": TOML needs two digits for the month and the day",
                f"write it as {y:04d}-{mo:02d}-{d:02d}{m.string[m.end('d'):]}")
    if not 1 <= mo <= 12:
        return f" is not a date: there is no month {mo}", "write the date as year-month-day, e.g. 2027-02-17"
    days = calendar.monthrange(y, mo)[1]
    if not 1 <= d <= days:
        return (f" is not a date: {calendar.month_name[mo]} {y} has {days} days",
                "correct the day (or the month)")
    if m.group("H") is not None:
        hour, minute = int(m.group("H")), int(m.group("M"))
        second = int(m.group("S")) if m.group("S") else 0
        clock = f"{m.group('H')}:{m.group('M')}" + (f":{m.group('S')}" if m.group("S") else "")
        if hour > 23 or minute > 59 or second > 59:
            return f": {clock} is not a time of day", "write a time from 00:00:00 to 23:59:59"
        if len(m.group("H")) != 2 or len(m.group("M")) != 2 or m.group("S") is None:
            return (": TOML needs the time as hh:mm:ss, with two digits each and the seconds",
                    f"write it as {y:04d}-{mo:02d}-{d:02d}T{hour:02d}:{minute:02d}:{second:02d}"
                    f"{m.group('rest').strip() or '-07:00'}")
    rest = m.group("rest").strip()
    if rest and not re.fullmatch(r"(?:Z|z|[+-]\d{2}:\d{2})", rest):
        if re.fullmatch(r"[+-]\d{4}", rest):
            return f": the UTC offset {rest} needs a colon", f"write the offset as {rest[:3]}:{rest[3:]}"
        if re.fullmatch(r"\(?[A-Za-z/_]+\)?", rest):
            return (f": time-zone names like '{rest}' are not allowed in TOML",
                    "write the UTC offset instead, e.g. 2027-02-17T23:59:00-08:00 for Pacific time "
                    "in winter (or Z for UTC)")
        return (f": '{rest}' after the date is not valid",
                "write a date like 2027-02-17, or a date-time like 2027-02-17T23:59:00-08:00")
    return None


# --- the schema ----------------------------------------------------------------------------


class _Checker:
    """Walks the parsed TOML against SCHEMA, collecting every problem with its location."""

    def __init__(self, shown: str, text: str, raw: dict[str, Any]):
        self.shown = shown
        self.lines = text.splitlines()
        self.raw = raw
        self.problems: list[tuple[int, ConfigError]] = []

    def where(self, section: str | None, key: str | None = None) -> str:
        line = self.line_of(section, key)
        return f":{line}" if line else ""

    def line_of(self, section: str | None, key: str | None) -> int | None:
        return _first_line(self.lines, len(self.lines) + 1, section, key)

    def fail(self, section: str | None, key: str | None, message: str, hint: str) -> None:
        line = self.line_of(section, key)
        if line is None and key is not None:  # e.g. a key set inside an inline table: the section's line
            line = self.line_of(section, None)
        where = f":{line}" if line else ""
        self.problems.append((line or 0, ConfigError(f"{self.shown}{where}: {message}", hint=hint)))

    def error(self) -> ConfigError:
        ordered = [problem for _, problem in sorted(self.problems, key=lambda p: p[0])]
        return ordered[0] if len(ordered) == 1 else ConfigProblems(ordered)

    def check(self) -> dict[str, dict[str, Any]]:
        raw = self.raw
        for section, value in raw.items():
            if section in SCHEMA:
                if not isinstance(value, dict):
                    self.fail(None, section, f"'{section}' must be a section, not {_describe(value)}",
                              f"write [{section}] on its own line and the {section} keys below it")
                continue
            if not isinstance(value, dict):
                owners = [s for s, fields in SCHEMA.items() if section in fields]
                self.fail(None, section, f"'{section}' is set outside any [section]",
                          f"move it under [{owners[0]}]" if owners else
                          f"remove it, or move it under its section; the sections are {', '.join(SCHEMA)}")
            else:
                self.fail(section, None, f"unknown section [{section}]", _did_you_mean(section, SCHEMA, "section"))
        out: dict[str, dict[str, Any]] = {}
        for section, fields in SCHEMA.items():
            table = raw.get(section)
            if table is not None and not isinstance(table, dict):  # reported above
                out[section] = {}
                continue
            if table is None:
                if any(f.required for f in fields.values()):
                    required = [k for k, f in fields.items() if f.required]
                    self.fail(None, None, f"missing section [{section}]",
                              f"add a [{section}] section with the keys {', '.join(required)}; {SCHEMA_HELP}")
                table = {}
            unknown = [key for key in table if key not in fields]
            for key in unknown:
                owners = [s for s, f in SCHEMA.items() if key in f and s != section]
                if owners:
                    hint = f"'{key}' belongs under [{owners[0]}]: move the line there"
                else:
                    hint = _did_you_mean(key, fields, "key")
                self.fail(section, key, f"unknown key '{section}.{key}'", hint)
            values: dict[str, Any] = {}
            for key, field in fields.items():
                if key not in table:
                    typo = difflib.get_close_matches(key, unknown, n=1, cutoff=0.6)
                    if field.required and not typo and section in raw:  # a typo is reported as unknown
                        self.fail(section, None,
                                  f"missing key '{section}.{key}' ({field.doc or KIND_NAMES[field.kind]})",
                                  f"add the line {key} = {field.example or '...'} under [{section}]")
                    continue
                try:
                    values[key] = self._coerce(section, key, field, table[key])
                except _Bad:
                    pass
            out[section] = values
        return out

    def _coerce(self, section: str, key: str, field: Field, value: Any) -> Any:
        """``value`` converted to the field's kind; a problem is recorded (and _Bad raised) otherwise."""
        name = f"{section}.{key}"
        example = f"{key} = {field.example}" if field.example else f"{key} = ..."

        def bad(message: str | None = None, hint: str | None = None):
            self.fail(section, key, message or f"'{name}' must be {KIND_NAMES[field.kind]}, not {_describe(value)}",
                      hint or f"write it like {example}")
            raise _Bad

        kind = field.kind
        if isinstance(value, str) and kind not in ("text", "url"):
            unquoted = _unquoted_meaning(value, kind)
            if unquoted is not None:
                naive = kind == "datetime" and dt.datetime.fromisoformat(unquoted).tzinfo is None
                bad(f"'{name}' is the text \"{value}\" in quotes, not {KIND_NAMES[kind].split(' (')[0]}",
                    f"remove the quotes and add the UTC offset: {key} = {unquoted}{self._offset_hint()}" if naive
                    else f"remove the quotes: {key} = {unquoted}")
        if kind in ("text", "url"):
            if not isinstance(value, str):
                shown = value.isoformat() if isinstance(value, (dt.date, dt.time)) else str(value).lower() \
                    if isinstance(value, bool) else str(value)
                bad(hint=f'put it in double quotes: {key} = "{shown}"' if not isinstance(value, (list, dict))
                    else f"write it like {example}")
            if field.required and not value.strip():
                bad(f"'{name}' is empty", f"write the {(field.doc or key).split(', e.g.')[0]}, e.g. {example}")
            if len(value) > MAX_TEXT:
                bad(f"'{name}' is {len(value)} characters long", f"keep it under {MAX_TEXT} characters")
            if kind == "url":
                return self._url(name, key, value, bad)
            if section == "canvas" and key == "folder":
                self._folder(name, key, value, bad)
            return value
        if kind == "int":
            if isinstance(value, float) and math.isfinite(value) and value.is_integer():
                bad(f"'{name}' must be a whole number, not {value!r}", f"drop the decimal point: {key} = {int(value)}")
            if isinstance(value, bool) or not isinstance(value, int):
                bad()
            if value <= 0 and key != "seed":
                bad(f"'{name}' must be positive, not {value}", f"use a whole number above 0, e.g. {example}")
            return value
        if kind == "bool":
            if isinstance(value, int) and not isinstance(value, bool) and value in (0, 1):
                bad(hint=f"write {key} = {'true' if value else 'false'}")
            if not isinstance(value, bool):
                bad()
            return value
        if kind == "date":
            if isinstance(value, dt.datetime):
                bad(f"'{name}' = {value.isoformat()} is a date and time, but only the day is wanted",
                    f"write the day only: {key} = {value.date().isoformat()}")
            if not isinstance(value, dt.date):
                bad()
            return value
        if kind == "datetime":
            if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
                bad(f"'{name}' = {value.isoformat()} has no time of day and no time zone",
                    f"add the time and the UTC offset: {key} = {value.isoformat()}T23:59:00{self._offset_hint()}")
            if isinstance(value, dt.time):
                bad(f"'{name}' = {value.isoformat()} is a time without a date and time zone",
                    f"write the date, the time and the UTC offset, e.g. {example}")
            if not isinstance(value, dt.datetime):
                bad()
            if value.tzinfo is None:
                bad(f"'{name}' = {value.isoformat()} has no time zone",
                    f"add the UTC offset: {key} = {value.isoformat()}{self._offset_hint()} "
                    f"(Z for UTC); a time without one means different moments on different machines")
            return value
        if kind == "number":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                bad()
            if not math.isfinite(value):
                bad(f"'{name}' must be a finite number, not {value}", f"write a number, e.g. {example}")
            return value
        if kind == "numbers":
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                bad(f"'{name}' must be a list of numbers, not the single number {value}",
                    f"write it in square brackets: {key} = [{value}]")
            if not isinstance(value, list):
                bad()
            if not value:
                bad(f"'{name}' is an empty list", f"give the values, e.g. {example}, or delete the line to use the default")
            for index, item in enumerate(value, start=1):
                if isinstance(item, bool) or not isinstance(item, (int, float)):
                    bad(f"value {index} of '{name}' must be a number, not {_describe(item)}",
                        f"write numbers without quotes, e.g. {example}")
                if not math.isfinite(item):
                    bad(f"value {index} of '{name}' must be a finite number, not {item}",
                        f"write finite numbers, e.g. {example}")
            return tuple(value)
        raise AssertionError(kind)

    def _offset_hint(self) -> str:
        """The UTC offset used elsewhere in [activity], as the likeliest fix for a missing one."""
        for value in (self.raw.get("activity") or {}).values():
            if isinstance(value, dt.datetime) and value.tzinfo is not None:
                offset = value.isoformat()[19:]
                if offset.startswith("."):
                    offset = re.sub(r"^\.\d+", "", offset)
                return offset or "-07:00"
        return "-07:00"

    @staticmethod
    def _url(name: str, key: str, value: str, bad) -> str:
        if re.search(r"\s", value):
            bad(f"'{name}' = \"{value}\" contains a space", f'write the address without spaces: {key} = "https://canvas.example.edu"')
        parts = urllib.parse.urlsplit(value)
        if parts.scheme not in ("http", "https"):
            bad(f"'{name}' = \"{value}\" is not a web address: it must start with https://",
                f'write the address of your Canvas: {key} = "https://{parts.netloc or parts.path.split("/")[0] or "canvas.example.edu"}"')
        if not parts.hostname:
            bad(f"'{name}' = \"{value}\" has no host name", f'write it like {key} = "https://canvas.example.edu"')
        if parts.path.strip("/") or parts.query or parts.fragment:
            course = re.search(r"/courses/(\d+)", parts.path)
            base = f"{parts.scheme}://{parts.netloc}"
            hint = f'write {key} = "{base}"' + (f" and course_id = {course.group(1)}" if course else "")
            bad(f"'{name}' = \"{value}\" must be the address of Canvas only, without a path", hint)
        return value.rstrip("/")

    @staticmethod
    def _folder(name: str, key: str, value: str, bad) -> None:
        segments = value.split("/")
        if value.startswith("/") or value.endswith("/"):
            bad(f"'{name}' = \"{value}\" starts or ends with '/'",
                f'write the path inside the course\'s files without outer slashes: {key} = "{value.strip("/")}"')
        if any(not s.strip() for s in segments):
            fixed = "/".join(s.strip() for s in segments if s.strip())
            bad(f"'{name}' = \"{value}\" has an empty folder name between two '/'",
                f'write it with single slashes: {key} = "{fixed}"')
        if any(s.strip() in (".", "..") for s in segments):
            bad(f"'{name}' = \"{value}\" contains '.' or '..'", "name each folder; Canvas folders have no '..'")
        if any(s != s.strip() for s in segments):
            fixed = "/".join(s.strip() for s in segments)
            bad(f"'{name}' = \"{value}\" has spaces around a '/'", f'write {key} = "{fixed}"')


class _Bad(Exception):
    """A field's problem was recorded; skip the field."""


def _unquoted_meaning(text: str, kind: str) -> str | None:
    """``text`` as it should be written without quotes, when the quotes are the only mistake."""
    candidate = text.strip()
    try:
        parsed = tomllib.loads(f"v = {candidate}")["v"]
    except tomllib.TOMLDecodeError:
        if kind == "datetime" and " " in candidate:
            try:  # "2024-10-02 23:59:00-07:00" also parses below; keep TOML's own form
                parsed = dt.datetime.fromisoformat(candidate)
                candidate = parsed.isoformat()
            except ValueError:
                return None
        else:
            return None
    ok = {
        "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
        "numbers": lambda v: isinstance(v, list),
        "bool": lambda v: isinstance(v, bool),
        "date": lambda v: isinstance(v, dt.date) and not isinstance(v, dt.datetime),
        "datetime": lambda v: isinstance(v, dt.datetime),
    }[kind]
    return candidate if ok(parsed) else None


def _check_consistency(checker: _Checker, semester: str, data: dict[str, dict[str, Any]]) -> None:
    """Rules between keys: the order of the dates, and leftovers from another semester."""
    act, course = data["activity"], data["course"]
    date, due, key_release = act["date"], act["due"], act["key_release"]
    handout = act.get("handout_release")
    year, season = int(semester[:4]), semester[5:]
    slack = 1 if season == "winter" else 0  # a winter term may start in December or end in January
    if abs(date.year - year) > slack:
        checker.fail("activity", "date",
                     f"'activity.date' is {date.isoformat()}, which is not in {year}, the year of semester {semester}",
                     "update the dates copied from last term's file (date, due, key_release), "
                     "or give the file the right semester id")
    if key_release < due:
        checker.fail("activity", "key_release",
                     f"'activity.key_release' ({key_release.isoformat()}) is before 'activity.due' ({due.isoformat()})",
                     "release the key at or after the deadline, or students could read it before submitting")
    if due.date() < date:
        checker.fail("activity", "due",
                     f"'activity.due' ({due.isoformat()}) is before the activity date ({date.isoformat()})",
                     "set the deadline on or after the day of the activity")
    for key, moment in (("due", due), ("key_release", key_release)):
        days = (moment.date() - date).days
        if days > MAX_DAYS_AFTER:
            checker.fail("activity", key,
                         f"'activity.{key}' ({moment.isoformat()}) is {days} days after the activity "
                         f"({date.isoformat()})", "check the year and the month")
    if handout is not None:
        if handout > key_release:
            checker.fail("activity", "handout_release",
                         f"'activity.handout_release' ({handout.isoformat()}) is after 'activity.key_release' "
                         f"({key_release.isoformat()})",
                         "release the handout before the key (and before the deadline), or delete the line "
                         "to release it at midnight of the activity date")
        elif handout > due:
            checker.fail("activity", "handout_release",
                         f"'activity.handout_release' ({handout.isoformat()}) is after 'activity.due' "
                         f"({due.isoformat()}): students could not see the questions before the deadline",
                         "release the handout before the deadline, or delete the line to release it at "
                         "midnight of the activity date")
    term = course["term"]
    years = [int(y) for y in re.findall(r"(?<!\d)(\d{4})(?!\d)", term)]
    named = {"autumn": "fall"}.get
    seasons = {named(s, s) for s in re.findall(r"(spring|summer|fall|autumn|winter)", term.lower())}
    wrong_year = years and all(abs(y - year) > slack for y in years)
    wrong_season = seasons and season not in seasons
    if wrong_year or wrong_season:
        checker.fail("course", "term", f"'course.term' is \"{term}\", but this file is semester {semester}",
                     f'write term = "{season.capitalize()} {year}" (it is printed on the key), '
                     f"or give the file the right semester id")


def _describe(value: Any) -> str:
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, dt.datetime):
        return f"the date-time {value.isoformat()}"
    if isinstance(value, dt.date):
        return f"the date {value.isoformat()}"
    if isinstance(value, dt.time):
        return f"the time {value.isoformat()}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, float):
        return f"the number {value!r}"
    if isinstance(value, int):
        return f"the whole number {value}"
    return f"{type(value).__name__} {value!r}"


def _did_you_mean(word: str, options, what: str) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'? (the known {what}s are {', '.join(options)})"
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
        raise ConfigError(f"{display(root / 'semesters')}: no semester files",
                          hint="add one, e.g. semesters/2027-spring.toml; " + SCHEMA_HELP)
    return paths[-1].stem


def config_path(root: Path, semester: str) -> Path:
    return root / "semesters" / f"{semester}.toml"


__all__ = ["Config", "Course", "Activity", "Canvas", "load", "SCHEMA", "exact", "QUESTION_DEFAULTS",
           "find_semesters", "newest_semester", "config_path", "ConfigProblems", "display"]
