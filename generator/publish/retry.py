"""Bounded retries for what may pass: rate limiting, Canvas's 5xx, dropped connections.

Every retried action is a whole step that looks before it acts (find the folder, then create
it; upload with on_duplicate=overwrite), so repeating it after a lost answer cannot duplicate.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from .client import HttpFailure

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """``attempts`` tries per step; waits double from ``first_delay`` up to ``max_delay``, or
    follow Canvas's ``Retry-After`` unless it asks for more than ``longest_retry_after``."""

    attempts: int = 5
    first_delay: float = 1.0
    max_delay: float = 30.0
    longest_retry_after: float = 300.0
    sleep: Callable[[float], None] = time.sleep

    def delay(self, attempt: int, failure: HttpFailure) -> float | None:
        if failure.retry_after is not None:
            return failure.retry_after if failure.retry_after <= self.longest_retry_after else None
        return min(self.max_delay, self.first_delay * 2 ** (attempt - 1))


def with_retries(policy: RetryPolicy, action: Callable[[], T]) -> T:
    attempt = 1
    while True:
        try:
            return action()
        except HttpFailure as failure:
            failure.attempts = attempt
            wait = policy.delay(attempt, failure) if failure.transient else None
            if wait is None or attempt >= policy.attempts:
                raise
            policy.sleep(wait)
            attempt += 1
