"""What a publish found and did, for the CLI, the --wait loop and the tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .plan import Row, State


@dataclass(frozen=True)
class PublishReport:
    """``rows`` is the table as found before any change; ``done`` the changes made (empty when dry)."""

    semester: str
    base_url: str
    course_id: int
    dry_run: bool
    rows: tuple[Row, ...]
    canvas_now: datetime | None  # Canvas's time at the start (None: not consulted, or no Date header)
    done: tuple[str, ...] = ()

    @property
    def next_release(self) -> datetime | None:
        """The earliest release still ahead, by Canvas's time; None when nothing is waiting."""
        waiting = [row.release for row in self.rows if row.pending and row.release is not None]
        return min(waiting) if waiting else None

    def state_of(self, activity: str, item: str) -> State:
        return next(r.state for r in self.rows if r.activity == activity and r.item.startswith(item))
