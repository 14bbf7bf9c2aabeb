"""The application-wide rate limiter: at most ``rate`` request starts in any ``per`` seconds.

HMRC allows 3 requests per second per application and refuses a request (429
``MESSAGE_THROTTLED_OUT``) when ``rate`` requests were already accepted in the preceding
second. The limiter keeps the start times of the last ``rate`` requests and lets a new one start
only once the oldest of them is ``per + margin`` seconds old. That is the sliding window itself,
so the limiter is as fast as the limit allows (``rate`` starts every ``per + margin`` seconds),
and ``margin`` absorbs scheduling and network jitter between our clock and HMRC's.

One instance must be shared by every caller in the process (threads included). The limit is per
*application* (client ID), so two processes with the same client ID share it too; the limiter
cannot see the other process.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Final

DEFAULT_RATE: Final = 3
DEFAULT_PER_SECONDS: Final = 1.0
# Measured against a local throttled server (uvicorn, 3 client threads): a request reaches the
# server 0.5-16 ms after its start, the most on a fresh connection. 50 ms covers that spread with
# room for a loaded machine, and costs 5% of throughput at most (the first burst is free, so a
# 30-request sync still finishes inside requests / 3 seconds).
DEFAULT_MARGIN_SECONDS: Final = 0.05


class RateLimiter:
    """Thread-safe sliding-window limiter on request starts.

    ``clock`` must be monotonic; ``sleep`` waits (both injectable for tests).
    """

    def __init__(
        self,
        rate: int = DEFAULT_RATE,
        per: float = DEFAULT_PER_SECONDS,
        *,
        margin: float = DEFAULT_MARGIN_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate < 1:
            raise ValueError("rate must be at least 1 request")
        if per <= 0 or margin < 0:
            raise ValueError("per must be positive and margin not negative")
        self.rate = rate
        self.per = per
        self.margin = margin
        self._clock = clock
        self._sleep = sleep
        self._starts: deque[float] = deque(maxlen=rate)
        self._lock = threading.Lock()

    @property
    def interval(self) -> float:
        """The spacing enforced between a start and the ``rate``-th start after it."""
        return self.per + self.margin

    def acquire(self) -> float:
        """Block until a request may start; return its start time on ``clock``.

        The start is recorded under the lock at the moment it is granted, so whatever a thread
        does afterwards (sleeping late, say) cannot squeeze two starts into one window.
        """
        while True:
            with self._lock:
                now = self._clock()
                wait = self._wait_needed(now)
                if wait <= 0:
                    self._starts.append(now)
                    return now
            self._sleep(wait)

    def _wait_needed(self, now: float) -> float:
        if len(self._starts) < self.rate:
            return 0.0
        return self._starts[0] + self.interval - now

    def next_start(self) -> float:
        """The earliest time a request could start if it asked now (for metrics and tests)."""
        with self._lock:
            now = self._clock()
            return now + max(0.0, self._wait_needed(now))
