"""An assignment's dates and overrides, as the key's release reads them (see the package's docstring)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from .store import AssignmentRecord, Override, Reply, _not_found
from .values import _boolean, _time


class AssignmentsMixin:
    """Assignments (AssignmentsApiController#show, AssignmentOverridesController#index)."""

    # test controls

    def add_assignment(self, assignment_id: int, name: str, *, due_at: datetime | None, lock_at: datetime | None = None,
                       only_visible_to_overrides: bool = False) -> AssignmentRecord:
        with self._lock:
            record = AssignmentRecord(assignment_id, name, due_at, lock_at,
                                      only_visible_to_overrides=only_visible_to_overrides)
            self.assignments[assignment_id] = record
            return record

    def add_override(self, assignment_id: int, *, students: list[int] | None = None, section: str | None = None,
                     group_id: int | None = None, title: str | None = None, **dates: datetime | None) -> Override:
        """An override of the dates named in ``dates`` (due_at, lock_at, unlock_at; None removes one)."""
        with self._lock:
            section_id = None
            if section is not None:
                section_id = next((i for i, n in self.sections.items() if n == section), None) or next(self._ids)
                self.sections[section_id] = section
            override = Override(next(self._ids), title or section or ("Group" if group_id else "Student names"),
                                dict(dates), students, section_id, group_id)
            self.assignments[assignment_id].overrides.append(override)
            return override

    # endpoints; each returns a Reply or raises CanvasFailure

    def _assignment(self, m: re.Match) -> AssignmentRecord:
        self._course(m["course"])
        record = self.assignments.get(int(m["assignment"]))
        if record is None:
            raise _not_found()
        return record

    def override_json(self, record: AssignmentRecord, override: Override) -> dict[str, Any]:
        json_ = {"id": override.id, "assignment_id": record.id, "title": override.title}
        for key, value in override.dates.items():
            json_[key] = _time(value)
            if key == "due_at":
                json_.update(all_day=False, all_day_date=value.date().isoformat() if value else None)
        if override.student_ids is not None:
            json_["student_ids"] = list(override.student_ids)
        elif override.group_id is not None:
            json_["group_id"] = override.group_id
        else:
            json_["course_section_id"] = override.course_section_id
        return json_

    def get_assignment(self, m: re.Match, params: dict) -> Reply:
        record = self._assignment(m)
        body = {"id": record.id, "name": record.name, "course_id": self.course_id, "due_at": _time(record.due_at),
                "lock_at": _time(record.lock_at), "unlock_at": _time(record.unlock_at), "published": True,
                "only_visible_to_overrides": record.only_visible_to_overrides,
                "has_overrides": bool(record.overrides), "html_url": f"{self.url}/courses/{self.course_id}"
                f"/assignments/{record.id}"}
        includes = params.get("include[]", "").split(",")
        if "overrides" in includes:
            body["overrides"] = [self.override_json(record, o) for o in record.overrides]
        if _boolean(params.get("all_dates", "") or "false"):
            if len(record.overrides) < 25:  # Setting assignment_all_dates_too_many_threshold
                dates = [self._dates_hash(record, o) for o in record.overrides]
                if not record.only_visible_to_overrides:
                    dates.append({"base": True, "due_at": _time(record.due_at), "unlock_at": _time(record.unlock_at),
                                  "lock_at": _time(record.lock_at)})
                body["all_dates"] = dates
            else:
                body["all_dates_count"] = len(record.overrides)
        return Reply(200, body)

    def _dates_hash(self, record: AssignmentRecord, override: Override) -> dict[str, Any]:
        """AssignmentOverride#as_hash, sliced (formatted_dates_hash): every date column, null where the
        override does not override it, so it cannot tell an inherited date from a removed one."""
        entry: dict[str, Any] = {"id": override.id, "title": override.title,
                                 "set_type": "ADHOC" if override.student_ids is not None else
                                 "Group" if override.group_id is not None else "CourseSection"}
        for key in ("due_at", "unlock_at", "lock_at"):
            entry[key] = _time(override.dates.get(key))
        return entry

    def list_overrides(self, m: re.Match, params: dict) -> Reply:
        record = self._assignment(m)
        items = [self.override_json(record, o) for o in record.overrides]
        per_page = max(1, min(int(params.get("per_page", 10)), self.max_per_page))
        page = max(1, int(params.get("page", 1)))
        last = max(1, -(-len(items) // per_page))
        base = f"{self.url}/api/v1/courses/{self.course_id}/assignments/{record.id}/overrides"
        link = lambda n, rel: f'<{base}?{urlencode({"page": n, "per_page": per_page})}>; rel="{rel}"'  # noqa: E731
        links = [link(page, "current")] + ([link(page + 1, "next")] if page < last else [])
        links += [link(1, "first"), link(last, "last")]
        return Reply(200, items[(page - 1) * per_page: page * per_page], headers={"Link": ",".join(links)})
