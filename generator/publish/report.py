"""What a publish did, for the CLI and the tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .page import PublishedPage
from .plan import Plan


@dataclass(frozen=True)
class PublishedFile:
    remote_name: str
    folder: str
    file_id: int
    opens_at: datetime


@dataclass(frozen=True)
class PublishReport:
    """``published`` is empty for a dry run; ``plan`` is what was (or would be) done."""

    semester: str
    base_url: str
    course_id: int
    dry_run: bool
    plan: Plan
    published: tuple[PublishedFile, ...] = ()
    page: PublishedPage | None = None  # the key's page, when [canvas] publish_page is on
