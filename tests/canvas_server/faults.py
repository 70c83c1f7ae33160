"""Injected failures, in the shapes Canvas answers with, queued per route by ``FakeCanvas.inject``."""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True)
class Fault:
    """One injected failure. ``after_apply`` performs the request first, then loses the answer."""

    status: int | None = None
    body: str = ""
    content_type: str = "application/json"
    headers: tuple[tuple[str, str], ...] = ()
    drop: bool = False
    after_apply: bool = False


def canvas_error(status: int, message: str, *, after_apply: bool = False) -> Fault:
    return Fault(status, json.dumps({"errors": [{"message": message}]}), after_apply=after_apply)


def invalid_token() -> Fault:
    return Fault(401, json.dumps({"errors": [{"message": "Invalid access token."}]}),
                 headers=(("WWW-Authenticate", 'Bearer realm="canvas-lms"'),))


def rate_limited_403() -> Fault:
    """Canvas's throttling answer: 403 with a plain-text body, no Retry-After."""
    return Fault(403, "403 Forbidden (Rate Limit Exceeded)\n", content_type="text/plain",
                 headers=(("X-Rate-Limit-Remaining", "0.0"),))


def too_many_requests(retry_after: int) -> Fault:
    return Fault(429, json.dumps({"errors": [{"message": "Too many requests"}]}),
                 headers=(("Retry-After", str(retry_after)),))


def quota_exceeded() -> Fault:
    """Canvas's upload preflight answer when the course is over its file quota."""
    return Fault(400, json.dumps({"message": "file size exceeds quota"}))


def dropped(*, after_apply: bool = False) -> Fault:
    return Fault(drop=True, after_apply=after_apply)
