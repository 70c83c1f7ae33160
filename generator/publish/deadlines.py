"""The last moment a student may still be working on an assignment: extensions included.

A key must not open while a student with an extension is still working. Canvas keeps an
assignment's dates (``due_at``, ``lock_at``) and its overrides, per student (ADHOC), section or
group, each overriding only the dates it names: an override's JSON carries ``due_at`` or
``lock_at`` only when it overrides that date (present but null: it removes the date), so a date
it leaves out is the assignment's (lib/api/v1/assignment_override.rb, assignment_override_json).

Read through canvasapi: ``course.get_assignment(id, include=["overrides", "all_dates"], all_dates=True)``
(show reads ``params[:all_dates]``; the list endpoint reads ``include[]=all_dates``).
Canvas answers ``all_dates`` (every set of dates, the base "Everyone else" included unless the
assignment is only for its overrides or every section has one) only while the assignment has
fewer than 25 active overrides; past that it sends ``all_dates_count`` instead
(lib/api/v1/assignment.rb, ``assignment_all_dates_too_many_threshold``), and the overrides are
then read page by page with ``assignment.get_overrides()``.

A student's last moment is their ``lock_at`` (no submissions after it) or, without one, their
``due_at``; to be safe the later of the two counts. A set of dates with neither has no
deadline, so no time is safe for the key: that stops the key with a message, as does an
assignment that cannot be read. Nothing is released on a guess.

Descriptions name sections (an override's title is its section's name) and count students;
never a student's name (an ADHOC override's title is often one).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .access import parse_time, show_time


class NoSafeTime(Exception):
    """The assignment leaves some student without a deadline, or cannot be read."""


@dataclass(frozen=True)
class Deadline:
    """The last deadline of an assignment and what set it."""

    assignment_id: int
    name: str
    at: datetime
    by: str  # "the assignment's own dates", "an extension for 1 student", "section 'Evening'", ...
    overrides: int  # how many overrides there are
    summary: str  # the overrides in counts and section names


def last_deadline(assignment: Any, read_overrides: Callable[[], list[Any]]) -> Deadline:
    """From a canvasapi Assignment read with overrides and all_dates.

    The dates come from the override objects, whose JSON tells an overridden date from an
    inherited one; ``all_dates`` cannot (AssignmentOverride#as_hash gives every date column, null
    where not overridden), so it only says whether the base dates still apply to anyone.
    """
    ident = int(assignment.id)
    name = str(getattr(assignment, "name", "") or f"assignment {ident}")
    base = {"due_at": getattr(assignment, "due_at", None), "lock_at": getattr(assignment, "lock_at", None)}
    all_dates = getattr(assignment, "all_dates", None)
    overrides = getattr(assignment, "overrides", None)
    if all_dates is None or overrides is None:  # 25 or more overrides, or no overrides in the answer
        overrides = read_overrides()
    if all_dates is not None:
        base_applies = any(isinstance(entry, dict) and entry.get("base") for entry in all_dates)
    else:
        base_applies = not getattr(assignment, "only_visible_to_overrides", False)
    sets: list[tuple[str, dict[str, Any]]] = []
    if base_applies:
        sets.append(("the assignment's own dates (everyone else)", base))
    for override in overrides:
        dates = {key: getattr(override, key, base[key]) for key in ("due_at", "lock_at")}
        sets.append((_describe(override), dates))
    if not sets:
        raise NoSafeTime(f"assignment {ident} ('{name}') has no dates for anyone")
    latest: tuple[datetime, str] | None = None
    for label, dates in sets:
        times = [parse_time(dates[key]) for key in ("lock_at", "due_at") if dates.get(key)]
        if not times:
            raise NoSafeTime(f"{label} of assignment {ident} ('{name}'): no due date and no lock date, so a "
                             "student there could still be working at any time")
        moment = max(times)
        if latest is None or moment > latest[0]:
            latest = (moment, label)
    assert latest is not None
    return Deadline(ident, name, latest[0], latest[1], len(overrides), _summary(overrides))


def _describe(override: Any) -> str:
    """An override in words: a count of students, a section's name, or a group, never a student's name."""
    students = getattr(override, "student_ids", None)
    if students is not None:
        n = len(students)
        return f"an extension for {n} student{'s' if n != 1 else ''}"
    if getattr(override, "course_section_id", None) is not None:
        return f"the dates of section '{getattr(override, 'title', '') or override.course_section_id}'"
    if getattr(override, "group_id", None) is not None:
        return "the dates of a group"
    return "an override"


def _summary(overrides: list[Any]) -> str:
    if not overrides:
        return "no overrides"
    students = [o for o in overrides if getattr(o, "student_ids", None) is not None]
    sections = [o for o in overrides if getattr(o, "course_section_id", None) is not None]
    groups = len(overrides) - len(students) - len(sections)
    parts = []
    if students:
        count = sum(len(o.student_ids) for o in students)
        parts.append(f"{len(students)} for students ({count} student{'s' if count != 1 else ''})")
    if sections:
        names = ", ".join(f"'{getattr(o, 'title', '')}'" for o in sections)
        parts.append(f"{len(sections)} for section{'s' if len(sections) != 1 else ''} {names}")
    if groups:
        parts.append(f"{groups} for group{'s' if groups != 1 else ''}")
    return f"{len(overrides)} override{'s' if len(overrides) != 1 else ''}: " + "; ".join(parts)


def describe(deadline: Deadline, key_release: datetime) -> str:
    """One line for the plan: whether the assignment moves the key's release, and why."""
    when = show_time(deadline.at, key_release)
    head = f"assignment {deadline.assignment_id} ('{deadline.name}', {deadline.summary})"
    if deadline.at > key_release:
        return (f"{head}: the last deadline is {when}, set by {deadline.by}; the key waits until then "
                f"(key_release is {show_time(key_release, key_release)})")
    return f"{head}: the last deadline is {when}, not after key_release; the key opens at key_release"
