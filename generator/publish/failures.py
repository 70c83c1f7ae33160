"""A failed request, told as what went wrong and what the instructor should do about it."""

from __future__ import annotations

from dataclasses import dataclass

from .client import HttpFailure
from .credentials import HOW_TO_MAKE_A_TOKEN


@dataclass(frozen=True)
class Where:
    """The Canvas course being published to, for messages."""

    base_url: str
    course_id: int
    semester: str

    @property
    def rerun(self) -> str:
        return f"make publish SEMESTER={self.semester}"


def explain(failure: HttpFailure, doing: str, where: Where) -> tuple[str, str]:
    """(what happened, what to do) for one failure; Canvas's own message is quoted."""
    status, said = failure.status, f": {failure.message}" if failure.message else ""
    tries = f" after {failure.attempts} tries" if failure.attempts > 1 else ""
    if failure.rate_limited:
        return (f"Canvas kept rate-limiting us ({status}){tries} while {doing}",
                "wait a few minutes, then run it again")
    if status is None:
        return (f"no answer from Canvas at {where.base_url}{tries} while {doing} ({failure.message})",
                "check the network connection and the Canvas address ([canvas] base_url or CANVAS_BASE_URL)")
    if status == 401 and (failure.token_rejected or "token" in failure.message.lower()):
        return f"Canvas rejected the access token (401) while {doing}{said}", \
            f"the token is wrong, expired or revoked; make a new one: {HOW_TO_MAKE_A_TOKEN}"
    if status in (401, 403):
        return (f"not authorized ({status}) while {doing}{said}",
                f"use a token of a teacher in course {where.course_id} who may manage its Files")
    if status == 404 and doing.startswith("opening course"):
        return (f"course {where.course_id} was not found at {where.base_url} (404)",
                f"check [canvas] course_id and base_url in semesters/{where.semester}.toml "
                "(the number in the course's Canvas address) and that the token's user is in the course")
    if status == 404:
        return (f"Canvas could not find a folder or file (404) while {doing}{said}",
                "it may have been deleted or moved in Canvas meanwhile; check [canvas] folder")
    if status == 409:
        return (f"Canvas reported a conflict (409) while {doing}{said}",
                "a file or folder of that name may be locked (e.g. by a Blueprint course) or in use; "
                "resolve it in the course's Files")
    if status == 400 and "quota" in failure.message.lower():
        return (f"the course's file quota is full (400) while {doing}{said}",
                "delete unneeded files in the course's Files, or ask your Canvas admin to raise the quota")
    if status in (400, 422):
        return (f"Canvas refused the request ({status}) while {doing}{said}",
                "check [canvas] folder for characters Canvas does not accept")
    if status >= 500:
        return (f"Canvas kept failing ({status}){tries} while {doing}{said}",
                "Canvas may be down or overloaded; try again later")
    return f"Canvas answered {status} while {doing}{said}", "look at the course's Files in Canvas"
