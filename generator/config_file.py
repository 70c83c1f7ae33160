"""Reading a semester file: the file itself, and TOML's syntax errors translated for a person.

tomllib says where the parser stopped; this says what is wrong on that line and how to fix it
(a duplicate section or key, an impossible date, a time-zone name, unquoted text, a broken list).
``field_of(section, key)`` lets a message give the key's example from the schema.
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import os
import re
import tomllib
from collections.abc import Callable
from pathlib import Path

from .errors import ConfigError

SEMESTER_ID = re.compile(r"^\d{4}-(spring|summer|fall|winter)$")
SEASONS = ("winter", "spring", "summer", "fall")
SCHEMA_HELP = "the schema is in README.md, section 'A new semester'"


def display(path: Path) -> str:
    """The path as the user would type it: relative to the working directory when inside it."""
    try:  # no resolve(): the path itself may be a broken link or a link loop
        here, there = os.path.abspath(os.getcwd()), os.path.abspath(path)
    except OSError:
        return str(path)
    return os.path.relpath(there, here) if there.startswith(here + os.sep) else str(path)



def read(path: Path, shown: str) -> str:
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


def unquote(key: str) -> str:
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
            current = unquote(header.group("name"))
    return current


def first_line(lines: list[str], before: int, section: str | None, key: str | None) -> int | None:
    """Line of the first ``key`` in ``section`` (or of the header when key is None) before ``before``."""
    current = None
    for number, line in enumerate(lines[:before - 1], start=1):
        header = _HEADER.match(line)
        if header:
            current = unquote(header.group("name"))
            if key is None and current == section:
                return number
            continue
        statement = _STATEMENT.match(line)
        if key is not None and current == section and statement and unquote(statement.group("key")) == key:
            return number
    return None


def syntax_error(shown: str, text: str, exc: tomllib.TOMLDecodeError, field_of: Callable) -> ConfigError:
    """``field_of(section, key)`` is the schema's Field of a key, or None."""
    match = _AT.match(str(exc))
    if not match:
        return ConfigError(f"{shown}: not valid TOML: {exc}", hint=SCHEMA_HELP)
    what, line_no, column = match.group("what"), int(match.group("line")), int(match.group("column"))
    lines = text.splitlines()
    line = lines[line_no - 1] if 0 < line_no <= len(lines) else ""
    message, hint = _diagnose(what, column, line, line_no, lines, field_of)
    excerpt = f"\n    {line_no} | {line.strip()}" if line.strip() else ""
    return ConfigError(f"{shown}:{line_no}: {message}{excerpt}", hint=hint)


def _diagnose(what: str, column: int, line: str, line_no: int, lines: list[str], field_of: Callable) -> tuple[str, str]:
    """Turn tomllib's terse message into what is wrong on the line and how to fix it."""
    section = _section_at(lines, line_no)
    header = _HEADER.match(line)
    statement = _STATEMENT.match(line)
    if what.startswith("Cannot declare") and header:
        name = unquote(header.group("name"))
        first = first_line(lines, line_no, name, None)
        where = f" (first on line {first})" if first else ""
        return (f"section [{name}] appears twice{where}",
                f"merge the two [{name}] sections into one; a TOML section may appear only once")
    if what.startswith("Cannot overwrite") and statement:
        key = unquote(statement.group("key"))
        name = f"{section}.{key}" if section else key
        first = first_line(lines, line_no, section, key)
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
    key = unquote(statement.group("key"))
    name = f"{section}.{key}" if section else key
    value = _strip_comment(statement.group("value"))
    field = field_of(section or "", key)
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

