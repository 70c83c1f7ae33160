"""Canvas's clock, read from the ``Date`` header of its answers, decides what is released.

A release time has passed when it has passed on Canvas, which is what students live by: a
laptop whose clock runs hours or days ahead must not release a key early. Every answer Canvas
sends carries its time in ``Date`` (RFC 9110, to the second, rounded down); the clock adds the
time elapsed since, on this machine's monotonic clock, which no change of the wall clock moves.
Until Canvas has answered, or if it sends no ``Date``, Canvas's time is unknown and nothing
counts as released.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

SKEW_WORTH_SAYING = timedelta(minutes=1)


class CanvasClock:
    def __init__(self, monotonic: Callable[[], float] = time.monotonic):
        self._monotonic = monotonic
        self._start: datetime | None = None  # Canvas's time at monotonic 0, the earliest any answer implies

    def saw(self, date_header: str | None) -> None:
        """Take the time of one answer (its ``Date`` header); answers without one are ignored.

        Of several answers the one implying the earliest time wins: Canvas runs on many servers,
        and a release counts as passed only when none of them still says otherwise."""
        if not date_header:
            return
        try:
            when = parsedate_to_datetime(date_header)
        except (TypeError, ValueError, IndexError):
            return
        if when.tzinfo is None:  # RFC 9110 dates are GMT; -0000 parses as naive
            when = when.replace(tzinfo=UTC)
        start = when.astimezone(UTC) - timedelta(seconds=self._monotonic())
        if self._start is None or start < self._start:
            self._start = start

    def now(self) -> datetime | None:
        """Canvas's time now, or None when Canvas has not told it."""
        if self._start is None:
            return None
        return self._start + timedelta(seconds=self._monotonic())


def skew_note(canvas_now: datetime | None, local_now: datetime) -> str | None:
    """A sentence when this machine's clock and Canvas's disagree by more than a minute."""
    if canvas_now is None:
        return ("Canvas sent no time (no Date header), so no release counts as passed: nothing waiting for its "
                "release is uploaded this time")
    skew = local_now - canvas_now
    if abs(skew) <= SKEW_WORTH_SAYING:
        return None
    direction = "ahead of" if skew > timedelta(0) else "behind"
    return (f"this machine's clock is {describe_span(abs(skew))} {direction} Canvas's; "
            "Canvas's time decides what is released")


def describe_span(span: timedelta) -> str:
    seconds = int(span.total_seconds())
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = [f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in ((days, "day"), (hours, "hour"), (minutes, "minute"))
             if n]
    return " ".join(parts[:2]) or f"{seconds} seconds"
