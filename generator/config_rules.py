"""Rules between keys of a semester file: the order of an activity's dates, and leftovers from
another term (the most common mistakes of a file copied from last term's)."""

from __future__ import annotations

import re
from typing import Any

from .config_fields import Checker

# How far after the activity its deadline and key release may lie: one semester.
MAX_DAYS_AFTER = 180


def slack_years(semester: str) -> int:
    return 1 if semester[5:] == "winter" else 0  # a winter term may start in December or end in January


def check_activity_dates(checker: Checker, semester: str, table: str, act: dict[str, Any]) -> None:
    """An activity's date, deadline, key release and handout release, in order and in the term."""
    if not all(k in act for k in ("date", "due", "key_release")):
        return  # reported as missing
    date, due, key_release = act["date"], act["due"], act["key_release"]
    handout = act.get("handout_release")
    year = int(semester[:4])

    def fail(key: str, message: str, hint: str) -> None:
        checker.fail(table, key, message, hint)

    if abs(date.year - year) > slack_years(semester):
        fail("date", f"'{table}.date' is {date.isoformat()}, which is not in {year}, the year of semester {semester}",
             "update the dates copied from last term's file (date, due, key_release), "
             "or give the file the right semester id")
    if key_release < due:
        fail("key_release", f"'{table}.key_release' ({key_release.isoformat()}) is before '{table}.due' "
                            f"({due.isoformat()})",
             "release the key at or after the deadline, or students could read it before submitting")
    if due.date() < date:
        fail("due", f"'{table}.due' ({due.isoformat()}) is before the activity date ({date.isoformat()})",
             "set the deadline on or after the day of the activity")
    for key, moment in (("due", due), ("key_release", key_release)):
        days = (moment.date() - date).days
        if days > MAX_DAYS_AFTER:
            fail(key, f"'{table}.{key}' ({moment.isoformat()}) is {days} days after the activity "
                      f"({date.isoformat()})", "check the year and the month")
    if handout is not None:
        if handout > key_release:
            fail("handout_release", f"'{table}.handout_release' ({handout.isoformat()}) is after "
                                    f"'{table}.key_release' ({key_release.isoformat()})",
                 "release the handout before the key (and before the deadline), or delete the line "
                 "to release it at midnight of the activity date")
        elif handout > due:
            fail("handout_release", f"'{table}.handout_release' ({handout.isoformat()}) is after '{table}.due' "
                                    f"({due.isoformat()}): students could not see the questions before the deadline",
                 "release the handout before the deadline, or delete the line to release it at "
                 "midnight of the activity date")


def check_term(checker: Checker, semester: str, course: dict[str, Any]) -> None:
    """The printed term must be this file's semester."""
    if "term" not in course:
        return
    term, year, season = course["term"], int(semester[:4]), semester[5:]
    years = [int(y) for y in re.findall(r"(?<!\d)(\d{4})(?!\d)", term)]
    named = {"autumn": "fall"}.get
    seasons = {named(s, s) for s in re.findall(r"(spring|summer|fall|autumn|winter)", term.lower())}
    wrong_year = years and all(abs(y - year) > slack_years(semester) for y in years)
    wrong_season = seasons and season not in seasons
    if wrong_year or wrong_season:
        checker.fail("course", "term", f"'course.term' is \"{term}\", but this file is semester {semester}",
                     f'write term = "{season.capitalize()} {year}" (it is printed on the key), '
                     f"or give the file the right semester id")
