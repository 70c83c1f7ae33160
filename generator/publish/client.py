"""The few Canvas Files and Folders calls publishing needs, made through canvasapi.

canvasapi raises its own exceptions without the response (a 404 loses Canvas's message, a 429
its ``Retry-After``), so the requester below turns every failed request into an ``HttpFailure``
that keeps what the retry logic and the user's message need. canvasapi keeps the latest
responses in ``Requester._cache``; that is where the failed one is read from (canvasapi has no
public way to reach the response of a request it raised for).

Every answer's ``Date`` header feeds the ``CanvasClock``: a successful one through the public
return value of ``Requester.request`` (a ``requests.Response``), which every canvasapi call,
paginated lists included, goes through.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import quote

import requests
from canvasapi.assignment import Assignment, AssignmentOverride
from canvasapi.course import Course
from canvasapi.exceptions import CanvasException
from canvasapi.file import File
from canvasapi.folder import Folder
from canvasapi.requester import Requester

from .access import Access
from .clock import CanvasClock

RETRYABLE_STATUSES = {500, 502, 503, 504}


class HttpFailure(Exception):
    """A request Canvas refused or that never got an answer (``status`` None)."""

    def __init__(self, status: int | None, message: str, *, retry_after: float | None = None,
                 token_rejected: bool = False, rate_limited: bool = False, transient: bool = False):
        super().__init__(message)
        self.status = status
        self.message = message
        self.retry_after = retry_after
        self.token_rejected = token_rejected
        self.rate_limited = rate_limited
        self.transient = transient or rate_limited or status in RETRYABLE_STATUSES
        self.attempts = 1

    @classmethod
    def from_response(cls, response: requests.Response) -> HttpFailure:
        text = response.text
        status = response.status_code
        return cls(
            status,
            canvas_message(text),
            retry_after=_seconds(response.headers.get("Retry-After"), response.headers.get("Date")),
            token_rejected=status == 401 and "WWW-Authenticate" in response.headers,
            rate_limited=status == 429 or (status == 403 and "rate limit exceeded" in text.lower()),
        )


def canvas_message(text: str) -> str:
    """Canvas's own words from its error shapes: {"errors": [{"message"}]}, {"message"}, or text."""
    try:
        body = json.loads(text)
    except ValueError:
        return " ".join(text.split())[:200]
    messages: list[str] = []
    errors = body.get("errors") if isinstance(body, dict) else None
    if isinstance(errors, list):
        messages = [e.get("message", "") if isinstance(e, dict) else str(e) for e in errors]
    elif isinstance(errors, dict):
        messages = [f"{key}: {e.get('message', e) if isinstance(e, dict) else e}"
                    for key, value in errors.items() for e in (value if isinstance(value, list) else [value])]
    elif isinstance(errors, str):
        messages = [errors]
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        messages.append(body["message"])
    return "; ".join(m for m in messages if m)[:200] or " ".join(text.split())[:200]


def _seconds(retry_after: str | None, date: str | None = None) -> float | None:
    """``Retry-After`` is either seconds or an HTTP date (counted from the answer's own Date)."""
    if not retry_after:
        return None
    try:
        return max(0.0, float(retry_after))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(retry_after)
    except (TypeError, ValueError):
        return None
    try:
        sent = parsedate_to_datetime(date) if date else datetime.now(UTC)
    except (TypeError, ValueError):
        sent = datetime.now(UTC)
    if sent.tzinfo is None or when.tzinfo is None:
        return None
    return max(0.0, (when - sent).total_seconds())


class _Requester(Requester):
    """canvasapi's requester; failures become HttpFailure with the response's details, and every
    answer's Date header goes to the clock."""

    def __init__(self, base_url: str, token: str, clock: CanvasClock):
        super().__init__(base_url, token)
        self.clock = clock

    def request(self, method, endpoint=None, *args, **kwargs):
        try:
            response = super().request(method, endpoint, *args, **kwargs)
        except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError) as exc:
            raise HttpFailure(None, f"the connection failed ({type(exc).__name__})", transient=True) from None
        except (CanvasException, requests.exceptions.JSONDecodeError):  # canvasapi reads 401s as JSON
            failed = self._cache[0]
            self.clock.saw(failed.headers.get("Date"))
            raise HttpFailure.from_response(failed) from None
        self.clock.saw(response.headers.get("Date"))
        return response


class CanvasFiles:
    """A course's Files, Pages and assignments: read, create and close folders, upload, delete."""

    def __init__(self, base_url: str, token: str, course_id: int, clock: CanvasClock | None = None):
        self.clock = clock or CanvasClock()
        self._requester = _Requester(base_url, token, self.clock)
        self.course_id = course_id

    def course(self) -> Course:
        response = self._requester.request("GET", f"courses/{self.course_id}")
        return Course(self._requester, response.json())

    def resolve(self, course: Course, names: tuple[str, ...]) -> list[Folder] | None:
        """The folders from the root down to ``names``, or None when it does not exist."""
        path = "/".join(quote(name, safe="") for name in names)
        try:
            return list(course.resolve_path(path or None))
        except HttpFailure as failure:
            if failure.status == 404:
                return None
            raise

    def create_folder(self, course: Course, name: str, parent: Folder, access: Access | None) -> Folder:
        settings = access.as_params() if access is not None else {}
        return course.create_folder(name, parent_folder_id=parent.id, **settings)

    def update_folder(self, folder: Folder, access: Access) -> Folder:
        return folder.update(**access.as_params())

    def folder(self, folder_id: int) -> Folder:
        return Folder(self._requester, self._requester.request("GET", f"folders/{folder_id}").json())

    def file(self, file_id: int) -> File:
        return File(self._requester, self._requester.request("GET", f"files/{file_id}").json())

    def files_in(self, folder: Folder) -> list[File]:
        return list(folder.get_files())

    def upload(self, folder: Folder, local: Path, remote_name: str) -> File:
        """Canvas's three-step upload into ``folder``, replacing a same-named file in place."""
        with io.FileIO(local, "rb") as handle:
            handle.name = remote_name  # canvasapi sends the handle's name as the file's name
            try:
                confirmed, body = folder.upload(handle, on_duplicate="overwrite")
            except ValueError as exc:  # canvasapi: no upload_url, or a reply that is not JSON
                raise HttpFailure(None, f"Canvas answered the upload unexpectedly ({exc})") from None
        if not confirmed:
            raise HttpFailure(None, "Canvas did not confirm the upload", transient=True)
        return File(self._requester, body)

    def update_file(self, file: File, access: Access) -> File:
        return file.update(**access.as_params())

    def delete_file(self, file: File) -> None:
        """Canvas deletes it (``DELETE /api/v1/files/:id``); its download link then answers 404."""
        file.delete()

    def contents(self, file: File) -> bytes:
        """The file's bytes, through the download ``url`` Canvas gives a teacher."""
        if not getattr(file, "url", ""):
            raise HttpFailure(None, f"Canvas gave no download address for file {file.id}")
        return file.get_contents(binary=True)

    # assignments (their deadlines decide when a key may open)

    def assignment(self, course: Course, assignment_id: int) -> Assignment:
        """The assignment with its overrides; ``all_dates`` is a plain parameter of this endpoint
        (AssignmentsApiController#show reads ``params[:all_dates]``, not ``include[]``)."""
        return course.get_assignment(assignment_id, include=["overrides", "all_dates"], all_dates=True)

    def overrides(self, assignment: Assignment) -> list[AssignmentOverride]:
        return list(assignment.get_overrides(per_page=100))
