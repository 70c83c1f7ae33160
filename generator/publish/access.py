"""Canvas's availability settings of a file or folder, and whether they let a student open it.

Canvas's semantics (Files API): ``locked=true`` means unpublished, which never opens by itself;
a scheduled release is ``locked=false`` with a future ``unlock_at``; ``lock_at`` closes the item
again; ``hidden`` only keeps it out of listings, and anyone with the link can still open it.
A file opens to a student only when it and every folder above it are open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Access:
    """What Canvas stores about when students may open an item. Times compare as instants."""

    locked: bool
    unlock_at: datetime | None
    lock_at: datetime | None
    hidden: bool

    @classmethod
    def opening_at(cls, release: datetime) -> Access:
        """Published, listed, opening by itself at ``release`` and never closing again."""
        return cls(locked=False, unlock_at=release, lock_at=None, hidden=False)

    @classmethod
    def of(cls, canvas_object: Any) -> Access:
        """Read the settings from a canvasapi Folder or File (Canvas answers times in UTC)."""
        return cls(
            locked=bool(getattr(canvas_object, "locked", False)),
            unlock_at=parse_time(getattr(canvas_object, "unlock_at", None)),
            lock_at=parse_time(getattr(canvas_object, "lock_at", None)),
            hidden=bool(getattr(canvas_object, "hidden", False)),
        )

    def open_at(self, when: datetime) -> bool:
        return (not self.locked and (self.unlock_at is None or self.unlock_at <= when)
                and (self.lock_at is None or self.lock_at > when))

    def as_params(self) -> dict[str, Any]:
        """Parameters for Canvas's create/update calls; an empty time clears it."""
        return {"locked": self.locked, "unlock_at": _iso(self.unlock_at), "lock_at": _iso(self.lock_at),
                "hidden": self.hidden}

    def describe(self, zone_of: datetime) -> str:
        """In words, with times in the zone of ``zone_of`` (the semester's own offset)."""
        if self.locked:
            return "unpublished (locked), so it never opens by itself"
        parts = []
        if self.unlock_at is not None:
            parts.append(f"opens at {show_time(self.unlock_at, zone_of)}")
        if self.lock_at is not None:
            parts.append(f"closes at {show_time(self.lock_at, zone_of)}")
        if self.hidden:
            parts.append("hidden from listings (which protects nothing)")
        return ", ".join(parts) or "open to students"


def parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def show_time(when: datetime, zone_of: datetime) -> str:
    return when.astimezone(zone_of.tzinfo).isoformat(timespec="minutes")


def _iso(when: datetime | None) -> str:
    return when.isoformat() if when is not None else ""
