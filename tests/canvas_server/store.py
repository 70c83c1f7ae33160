"""What the server stores and records, and how an endpoint answers or fails: shared by every part of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

NOT_FOUND = "The specified resource does not exist."


@dataclass
class Access:
    locked: bool = False
    unlock_at: datetime | None = None
    lock_at: datetime | None = None
    hidden: bool = False

    def open_at(self, now: datetime) -> bool:
        return (not self.locked and (self.unlock_at is None or self.unlock_at <= now)
                and (self.lock_at is None or self.lock_at > now))


@dataclass
class Folder:
    id: int
    name: str
    parent_id: int | None
    access: Access
    created_at: datetime
    updated_at: datetime
    deleted: bool = False


@dataclass
class StoredFile:
    id: int
    uuid: str
    folder_id: int
    display_name: str
    content_type: str
    access: Access
    on_duplicate: str
    created_at: datetime
    updated_at: datetime
    size: int = 0
    content: bytes | None = None
    state: str = "pending"  # pending -> uploaded (data stored) -> available; or deleted
    replacement_id: int | None = None

    @property
    def has_data(self) -> bool:
        return self.state in ("uploaded", "available")


@dataclass
class WikiPage:
    id: int
    url: str
    title: str
    body: str
    workflow_state: str  # active (published) or unpublished
    created_at: datetime
    updated_at: datetime
    publish_at: datetime | None = None
    scheduled: bool = False  # a publication job is waiting for publish_at
    editing_roles: str = "teachers"

    def visible_at(self, now: datetime, feature_on: bool) -> bool:
        if self.workflow_state == "active":
            return True
        return bool(feature_on and self.scheduled and self.publish_at is not None and self.publish_at <= now)


@dataclass
class Override:
    id: int
    title: str
    dates: dict[str, datetime | None]  # only the dates it overrides: due_at, lock_at, unlock_at
    student_ids: list[int] | None = None
    course_section_id: int | None = None
    group_id: int | None = None


@dataclass
class AssignmentRecord:
    id: int
    name: str
    due_at: datetime | None
    lock_at: datetime | None
    unlock_at: datetime | None = None
    only_visible_to_overrides: bool = False
    overrides: list[Override] = field(default_factory=list)


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    route: str | None
    status: int | None  # None: the connection was dropped


@dataclass(frozen=True)
class AuditEntry:
    """What students could open right after one request, at the server's clock."""

    at: datetime
    request: str
    openable: frozenset[str]


@dataclass
class Reply:
    status: int
    body: Any = None  # JSON-able, or bytes
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"


class CanvasFailure(Exception):
    def __init__(self, status: int, body: Any):
        super().__init__(status)
        self.reply = Reply(status, body)


def _not_found() -> CanvasFailure:
    return CanvasFailure(404, {"errors": [{"message": NOT_FOUND}]})


def _bad_request(message: str) -> CanvasFailure:
    return CanvasFailure(400, {"errors": [{"message": message}]})
