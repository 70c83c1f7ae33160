"""Canvas's clock, read from the ``Date`` header of its answers, decides what is released.

A release time has passed when it has passed on Canvas, which is what students live by: a
laptop whose clock runs hours or days ahead must not release a key early. Every answer Canvas
sends carries its time in ``Date`` (RFC 9110, to the second); the clock keeps the latest and
adds the time elapsed since, on this machine's monotonic clock, which no clock change moves.
Until Canvas has answered, or if it sends no ``Date``, Canvas's time is unknown and nothing
counts as released.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Callable

SKEW_WORTH_SAYING = timedelta(minutes=1)


class CanvasClock:
    def __init__(self, monotonic: Callable[[], float] = time.monotonic):
        self._monotonic = monotonic
        self._seen: tuple[datetime, float] | None = None

    def saw(self, date_header: str | None) -> None:
        """Take the time of one answer (its ``Date`` header); answers without one are ignored."""
        if not date_header:
            return
        try:
            when = parsedate_to_datetime(date_header)
        except (TypeError, ValueError, IndexError):
            return
        if when.tzinfo is None:  # RFC 9110 dates are GMT; -0000 parses as naive
            when = when.replace(tzinfo=timezone.utc)
        self._seen = (when.astimezone(timezone.utc), self._monotonic())

    def now(self) -> datetime | None:
        """Canvas's time now, or None when Canvas has not told it."""
        if self._seen is None:
            return None
        when, at = self._seen
        return when + timedelta(seconds=max(0.0, self._monotonic() - at))


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
