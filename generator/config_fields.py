"""The semester file's values checked against a schema, every problem collected with its line.

A schema is a dict of sections (``course``, ``activityNN``, ``activityNN.questions``, ...), each
a dict of ``Field``s. ``Checker`` walks the parsed TOML against it and converts each value to its
field's kind, recording what is wrong (wrong type, a date in quotes, a missing time zone, an
unknown key with "did you mean") at its line, so that one round of editing fixes them all.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import math
import re
import urllib.parse
from dataclasses import dataclass
from typing import Any

from .config_file import SCHEMA_HELP, first_line
from .config_wording import describe, did_you_mean, unquoted_meaning
from .errors import ConfigError


@dataclass(frozen=True)
class Field:
    kind: str  # text, int, bool, date, datetime, number, numbers, url
    required: bool = True
    doc: str = ""
    example: str = ""



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


class Checker:
    """Walks the parsed TOML's sections against ``schema``, collecting every problem with its line.

    ``raw`` maps each section's dotted name (``activityNN.canvas``) to its table. A problem is
    kept with the section it is in, so a caller can tell one activity's problems from another's.
    """

    def __init__(self, shown: str, text: str, raw: dict[str, Any], schema: dict[str, dict[str, Field]],
                 known: dict[str, dict[str, Field]] | None = None):
        self.shown = shown
        self.lines = text.splitlines()
        self.raw = raw
        self.schema = schema
        self.known = known or schema  # every section there could be: where a misplaced key belongs
        self.problems: list[tuple[int, str | None, ConfigError]] = []

    def where(self, section: str | None, key: str | None = None) -> str:
        line = self.line_of(section, key)
        return f":{line}" if line else ""

    def line_of(self, section: str | None, key: str | None) -> int | None:
        return first_line(self.lines, len(self.lines) + 1, section, key)

    def fail(self, section: str | None, key: str | None, message: str, hint: str) -> None:
        line = self.line_of(section, key)
        if line is None and key is not None:  # e.g. a key set inside an inline table: the section's line
            line = self.line_of(section, None)
        where = f":{line}" if line else ""
        self.problems.append((line or 0, section if section is not None else key,
                              ConfigError(f"{self.shown}{where}: {message}", hint=hint)))

    def check(self) -> dict[str, dict[str, Any]]:
        raw = self.raw
        for section, value in raw.items():
            if section in self.schema:
                if not isinstance(value, dict):
                    self.fail(None, section, f"'{section}' must be a section, not {describe(value)}",
                              f"write [{section}] on its own line and the {section} keys below it")
                continue
            if not isinstance(value, dict):
                owners = [s for s, fields in self.schema.items() if section in fields]
                self.fail(None, section, f"'{section}' is set outside any [section]",
                          f"move it under [{owners[0]}]" if owners else
                          f"remove it, or move it under its section; the sections are {', '.join(self.schema)}")
            else:
                self.fail(section, None, f"unknown section [{section}]", did_you_mean(section, self.schema, "section"))
        out: dict[str, dict[str, Any]] = {}
        for section, fields in self.schema.items():
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
                owners = [s for s, f in self.known.items() if key in f and s != section]
                hint = (f"'{key}' belongs under [{owners[0]}]: move the line there" if owners
                        else did_you_mean(key, fields, "key"))
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
                with contextlib.suppress(_Bad):
                    values[key] = self._coerce(section, key, field, table[key])
            out[section] = values
        return out

    def _coerce(self, section: str, key: str, field: Field, value: Any) -> Any:
        """``value`` converted to the field's kind; a problem is recorded (and _Bad raised) otherwise."""
        name = f"{section}.{key}"
        example = f"{key} = {field.example}" if field.example else f"{key} = ..."

        def bad(message: str | None = None, hint: str | None = None):
            self.fail(section, key, message or f"'{name}' must be {KIND_NAMES[field.kind]}, not {describe(value)}",
                      hint or f"write it like {example}")
            raise _Bad

        kind = field.kind
        if isinstance(value, str) and kind not in ("text", "url"):
            unquoted = unquoted_meaning(value, kind)
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
            if section.endswith("canvas") and key == "folder":
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
                    bad(f"value {index} of '{name}' must be a number, not {describe(item)}",
                        f"write numbers without quotes, e.g. {example}")
                if not math.isfinite(item):
                    bad(f"value {index} of '{name}' must be a finite number, not {item}",
                        f"write finite numbers, e.g. {example}")
            return tuple(value)
        raise AssertionError(kind)

    def _offset_hint(self) -> str:
        """The UTC offset used elsewhere in the file, as the likeliest fix for a missing one."""
        for value in (v for table in self.raw.values() if isinstance(table, dict) for v in table.values()):
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
                f'write the address of your Canvas: {key} = '
                f'"https://{parts.netloc or parts.path.split("/")[0] or "canvas.example.edu"}"')
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
