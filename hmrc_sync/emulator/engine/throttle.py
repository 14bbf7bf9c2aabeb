"""HMRC's rate limit: ``limit`` requests per second per application, as a sliding window.

Exact semantics (the client paces itself to match):

* The key is the application: the client id of the bearer token on the request (user- and
  application-restricted tokens of one application share one budget).
* A request is refused with 429 ``MESSAGE_THROTTLED_OUT`` when ``limit`` requests of that
  application were already *accepted* in the preceding 1.0 second, that is when at least
  ``limit`` accepted timestamps ``t`` satisfy ``now - t < 1.0``. A refused request is not
  counted, so a client that keeps retrying is not locked out for longer.
* Time is ``time.monotonic()`` on the emulator's side (injectable for tests), not the
  emulator's movable clock.
* What counts: every request that carries a live token of an application and passes the
  ``Accept`` check, on HMRC's APIs, test-support APIs, Create Test User and the fraud-prevention
  validator (whatever it answers afterwards: 200, 400, 403, 404...). Not counted: the token
  endpoint and the sign-in/grant pages (HMRC does not throttle them per application),
  requests refused earlier (406, 401), and the emulator's own ``/emulator/...`` endpoints.
* ``limit = 0`` turns the limit off.

So a client that starts at most ``limit`` requests in any window of slightly more than one
second is never throttled, and a burst of ``limit + n`` simultaneous requests sees exactly
``n`` 429s. Thread-safe.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Final

WINDOW_SECONDS: Final = 1.0


class RateLimit:
    """Sliding one-second window of accepted request times per application."""

    def __init__(self, limit: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        if limit < 0:
            raise ValueError("the limit cannot be negative")
        self.limit = limit
        self._clock = clock
        self._accepted: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def try_accept(self, client_id: str) -> bool:
        """Count the request and return True, or return False (429) without counting it."""
        if self.limit == 0:
            return True
        with self._lock:
            now = self._clock()
            window = self._accepted.setdefault(client_id, deque())
            while window and now - window[0] >= WINDOW_SECONDS:
                window.popleft()
            if len(window) >= self.limit:
                return False
            window.append(now)
            return True

    def reset(self) -> None:
        with self._lock:
            self._accepted.clear()
