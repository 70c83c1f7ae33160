"""``make publish WAIT=1``: for an instructor who keeps a terminal open.

Publish, then sleep until the next release of the term by Canvas's clock (a few seconds past
it, since Canvas's Date header is whole seconds), publish again, and so on until nothing is
waiting. The sleep is at most an hour at a time, so that a new extension, a changed config
date or a skewed clock is noticed in time: every round asks Canvas afresh. A round that fails
because Canvas or the network is down is tried again after a pause; any other failure stops.
Ctrl-C stops it cleanly; the rounds only ever do steps that a later run repeats safely.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TextIO

from ..errors import CanvasError
from .access import show_time
from .report import PublishReport

PAST_THE_RELEASE = timedelta(seconds=5)
LONGEST_SLEEP = timedelta(hours=1)
AFTER_AN_OUTAGE = timedelta(minutes=5)


def wait_and_publish(publish: Callable[[], PublishReport], *, out: TextIO | None = None,
                     sleep: Callable[[float], None] = time.sleep,
                     local_now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> int:
    """Run ``publish`` round after round; returns the exit status (0 when nothing is left to wait for)."""
    out = out or sys.stdout
    try:
        while True:
            try:
                report = publish()
            except CanvasError as error:
                if getattr(error, "transient", False):  # Canvas or the network down: retries ran out
                    print(error.render(), file=out)
                    print(f"waiting {int(AFTER_AN_OUTAGE.total_seconds() // 60)} minutes before trying again "
                          "(Ctrl-C stops)", file=out, flush=True)
                    sleep(AFTER_AN_OUTAGE.total_seconds())
                    continue
                raise
            release = report.next_release
            if release is None:
                print("Nothing of the term is waiting for its release: done.", file=out, flush=True)
                return 0
            canvas_now = report.canvas_now or local_now()
            pause = min(max(release - canvas_now, timedelta(0)) + PAST_THE_RELEASE, LONGEST_SLEEP)
            print(f"waiting until {show_time(release, release)} by Canvas's clock (next check in "
                  f"{_minutes(pause)}); Ctrl-C stops", file=out, flush=True)
            sleep(pause.total_seconds())
    except KeyboardInterrupt:
        print("\nstopped (Ctrl-C). Whatever was done is consistent; run it again to go on.", file=out, flush=True)
        return 0


def _minutes(span: timedelta) -> str:
    seconds = int(span.total_seconds())
    return f"{seconds // 60} min {seconds % 60} s" if seconds >= 60 else f"{seconds} s"
