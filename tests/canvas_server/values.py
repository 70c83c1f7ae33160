"""How Canvas reads and writes times and booleans, and the availability parameters of folders and files."""

from __future__ import annotations

from datetime import UTC, datetime

from .store import Access


def _access_from(params: dict[str, str], current: Access) -> Access:
    """Apply the availability parameters Canvas accepts on folder and file create/update."""
    updated = Access(current.locked, current.unlock_at, current.lock_at, current.hidden)
    if "locked" in params:
        updated.locked = _boolean(params["locked"])
    if "hidden" in params:
        updated.hidden = _boolean(params["hidden"])
    if "unlock_at" in params:
        updated.unlock_at = _parse_time(params["unlock_at"])
    if "lock_at" in params:
        updated.lock_at = _parse_time(params["lock_at"])
    return updated


def _boolean(value: str) -> bool:
    if value.lower() in ("true", "1"):
        return True
    if value.lower() in ("false", "0", ""):
        return False
    raise ValueError(f"not a boolean: {value!r}")


def _parse_time(value: str) -> datetime | None:
    if not value:
        return None
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError(f"time without zone: {value!r}")
    return parsed.astimezone(UTC)


def _time(value: datetime | None) -> str | None:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else None
