"""How a semester file's mistake is worded: the value as a person would name it, the fix when
the quotes are the only mistake, and the nearest known name for a misspelt one."""

from __future__ import annotations

import datetime as dt
import difflib
import tomllib
from typing import Any


def unquoted_meaning(text: str, kind: str) -> str | None:
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


def describe(value: Any) -> str:
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


def did_you_mean(word: str, options, what: str) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'? (the known {what}s are {', '.join(options)})"
    return f"remove it; the known {what}s are {', '.join(options)}"

