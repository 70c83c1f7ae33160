"""The term at a glance: one table over every activity, printed before anything changes.

A row per published item: activity, file, where it goes (its folder, or the page's address),
its state on Canvas and when it goes up.

States. ``missing``: not on Canvas. ``up to date``: on Canvas with the bytes of this machine's
file (known from the record in .cache/, or by reading it once), not yet open to students.
``stale``: on Canvas, with other bytes. ``released``: up to date and open to students now.
``not read``: a dry run without a token, which asks Canvas nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class State(StrEnum):
    MISSING = "missing"
    UP_TO_DATE = "up to date"
    STALE = "stale"
    RELEASED = "released"
    NOT_READ = "not read"


@dataclass(frozen=True)
class Row:
    activity: str
    item: str
    where: str
    state: State
    goes_up: str
    release: datetime | None = None  # when it may go up (None: blocked, no safe time known)
    pending: bool = False  # waiting for its release


HEADERS = ("activity", "file", "where", "on Canvas", "goes up")


def format_table(rows: list[Row]) -> str:
    cells = [HEADERS] + [(r.activity, r.item, r.where, str(r.state), r.goes_up) for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(HEADERS) - 1)]
    lines = []
    for n, row in enumerate(cells):
        lines.append("  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[-1])
        if n == 0:
            lines.append("  " + "  ".join("-" * width for width in widths) + "  " + "-" * len(HEADERS[-1]))
    return "\n".join(line.rstrip() for line in lines)
