"""When to try a request again, how long to wait, and the per-run cap on requests.

Only GETs are retried (they are safe to repeat), and only for answers that say "not now": 429,
500, 502, 503, 504, timeouts and connection failures. Waits are capped exponential backoff with
full jitter (a random wait between 0 and ``min(max_delay, base_delay * 2**(n-1))``), unless HMRC
sends ``Retry-After``, which is obeyed as long as it is no longer than ``max_retry_after``.
``RequestBudget`` counts every attempt of a run, so a failing HMRC cannot make a run spin.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

from hmrc_sync.errors import RequestBudgetExceeded

RETRYABLE_STATUSES: Final = frozenset({429, 500, 502, 503, 504})
RETRYABLE_METHODS: Final = frozenset({"GET"})
DEFAULT_BUDGET: Final = 200


@dataclass(frozen=True)
class RetryPolicy:
    """Retry settings; ``rng`` returns a float in [0, 1) (inject a seeded one in tests)."""

    max_attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0
    rng: Callable[[], float] = field(default=random.random, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.base_delay < 0 or self.max_delay < 0 or self.max_retry_after < 0:
            raise ValueError("delays must not be negative")

    def may_retry(self, method: str, attempt: int) -> bool:
        """Whether attempt number ``attempt`` (1-based) of ``method`` may be followed by another."""
        return method.upper() in RETRYABLE_METHODS and attempt < self.max_attempts

    @staticmethod
    def is_retryable_status(status: int) -> bool:
        return status in RETRYABLE_STATUSES

    def backoff(self, attempt: int) -> float:
        """The jittered wait after failed attempt number ``attempt`` (1-based)."""
        ceiling = min(self.max_delay, self.base_delay * 2.0 ** (attempt - 1))
        return self.rng() * ceiling

    def delay(self, attempt: int, retry_after: float | None) -> float | None:
        """The wait before the next attempt, or None when HMRC asks for longer than we wait."""
        if retry_after is None:
            return self.backoff(attempt)
        if retry_after > self.max_retry_after:
            return None
        return retry_after


def parse_retry_after(value: str | None, now: dt.datetime) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(int(text))
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # an HTTP date is always GMT; obsolete forms may lack a zone
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - now).total_seconds())


class RequestBudget:
    """A thread-safe count of the requests one run may still make."""

    def __init__(self, limit: int = DEFAULT_BUDGET) -> None:
        if limit < 0:
            raise ValueError("a request budget cannot be negative")
        self.limit = limit
        self._used = 0
        self._lock = threading.Lock()

    @property
    def used(self) -> int:
        with self._lock:
            return self._used

    @property
    def remaining(self) -> int:
        with self._lock:
            return self.limit - self._used

    def take(self) -> None:
        """Count one request, or raise ``RequestBudgetExceeded`` when none are left."""
        with self._lock:
            if self._used >= self.limit:
                raise RequestBudgetExceeded(
                    f"this run has used all {self.limit} HMRC requests it may make; HMRC may "
                    "be failing: check fetch_log, then run again later"
                )
            self._used += 1
