"""Where publishing finds Canvas: the token and base URL come from the environment only.

The token is a password to the instructor's whole Canvas account. It is never printed, logged,
put in an exception or written to a file; canvasapi's debug log shows the token's last four
characters, so those are masked while publishing runs.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from ..errors import CanvasError

TOKEN_VARIABLE = "CANVAS_API_TOKEN"
BASE_URL_VARIABLE = "CANVAS_BASE_URL"
HOW_TO_MAKE_A_TOKEN = (
    "in Canvas open Account > Settings, press '+ New Access Token' under Approved Integrations, "
    f"copy the token and run 'export {TOKEN_VARIABLE}=<token>' in this shell (never put it in a file "
    "under version control)")


def token_from(environ: Mapping[str, str]) -> str | None:
    return environ.get(TOKEN_VARIABLE, "").strip() or None


def missing_token() -> CanvasError:
    return CanvasError(f"{TOKEN_VARIABLE} is not set, so Canvas cannot be reached", hint=HOW_TO_MAKE_A_TOKEN)


def base_url_from(config_url: str, environ: Mapping[str, str]) -> str:
    """``CANVAS_BASE_URL`` wins over the config's ``[canvas] base_url``."""
    override = environ.get(BASE_URL_VARIABLE, "").strip()
    url = re.sub(r"/api/v1/?$", "", (override or config_url).rstrip("/"))
    if not re.match(r"^https?://[^\s/]+", url):
        source = BASE_URL_VARIABLE if override else "[canvas] base_url"
        raise CanvasError(f"{source} = {url!r} is not a Canvas address",
                          hint="give the address you open Canvas at, like https://canvas.example.edu")
    return url


def hide(text: str, token: str | None) -> str:
    """``text`` with the token and its last four characters masked."""
    if not token:
        return text
    return text.replace(token, "[token]").replace("****" + token[-4:], "****")


class _HideToken(logging.Filter):
    def __init__(self, token: str):
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        hidden = hide(message, self.token)
        if hidden != message:
            record.msg, record.args = hidden, ()
        return True


@contextmanager
def token_kept_out_of_logs(token: str | None) -> Iterator[None]:
    """Mask the token in canvasapi's log records (only its requester logs, with the headers)."""
    if not token:
        yield
        return
    logger = logging.getLogger("canvasapi.requester")
    token_filter = _HideToken(token)
    logger.addFilter(token_filter)
    try:
        yield
    finally:
        logger.removeFilter(token_filter)
