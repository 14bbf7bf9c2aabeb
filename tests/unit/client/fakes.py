"""Hand-written fakes for the client's tests: a clock, and a client wired to a handler."""

from __future__ import annotations

import datetime as dt
import json
import random
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from hmrc_sync.client import HmrcClient, RateLimiter, RequestBudget, RequestRecord, RetryPolicy

BASE_URL = "https://api.example.test"
FAKE_TOKEN = "tok-5ecret-abcdef0123456789"
UTR = "1234567890"
NINO = "AA123456A"
EMPLOYMENT_ID = "1557ecb5-fd32-48cc-81f5-e6acd1099f1c"
WALL_CLOCK_START = dt.datetime(2025, 7, 1, 6, 0, tzinfo=dt.UTC)


class FakeClock:
    """A monotonic clock that only moves when someone sleeps on it. Thread-safe."""

    def __init__(self, start: float = 1000.0) -> None:
        self._now = start
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def monotonic(self) -> float:
        with self._lock:
            return self._now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self._now += max(0.0, seconds)

    def advance(self, seconds: float) -> None:
        """Time passing without anyone sleeping (a caller that is busy elsewhere)."""
        with self._lock:
            self._now += seconds

    def wall(self) -> dt.datetime:
        """A UTC wall clock that moves with the monotonic one."""
        return WALL_CLOCK_START + dt.timedelta(seconds=self.monotonic() - 1000.0)


def json_response(
    status: int, body: Any, headers: Mapping[str, str] | None = None
) -> httpx.Response:
    """A response whose body is ``body`` as JSON (a ``str`` body is sent as it is)."""
    content = body if isinstance(body, str) else json.dumps(body)
    return httpx.Response(
        status,
        content=content.encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
    )


def error_response(
    status: int, code: str, message: str = "error", headers: Mapping[str, str] | None = None
) -> httpx.Response:
    return json_response(status, {"code": code, "message": message}, headers)


@dataclass
class Harness:
    """An ``HmrcClient`` on a mock transport, with everything it did written down."""

    handler: Callable[[httpx.Request], httpx.Response]
    max_attempts: int = 5
    budget_limit: int = 200
    seed: int = 7
    extra_headers: Callable[[], Mapping[str, str]] | None = None
    limiter: RateLimiter | None = None
    clock: FakeClock = field(default_factory=FakeClock)
    records: list[RequestRecord] = field(default_factory=list)
    requests: list[httpx.Request] = field(default_factory=list)
    backoff_sleeps: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.budget = RequestBudget(self.budget_limit)
        self.retry = RetryPolicy(
            max_attempts=self.max_attempts, rng=random.Random(self.seed).random
        )
        if self.limiter is None:  # fast enough that it never waits; pacing has its own tests
            self.limiter = RateLimiter(
                1000, 1.0, clock=self.clock.monotonic, sleep=self.clock.sleep
            )
        self.http = httpx.Client(
            base_url=BASE_URL,
            transport=httpx.MockTransport(self._handle),
            headers={"Authorization": f"Bearer {FAKE_TOKEN}"},
        )
        self.client = HmrcClient(
            self.http,
            limiter=self.limiter,
            retry=self.retry,
            budget=self.budget,
            recorder=self.records.append,
            headers=self.extra_headers,
            sleep=self._sleep,
            monotonic=self.clock.monotonic,
            now=self.clock.wall,
        )

    def _handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        self.clock.sleep(0.05)  # every answer takes 50 ms
        return self.handler(request)

    def _sleep(self, seconds: float) -> None:
        self.backoff_sleeps.append(seconds)
        self.clock.sleep(seconds)

    def expected_backoffs(self, count: int) -> list[float]:
        """The first ``count`` jittered waits the policy's seeded generator yields."""
        rng = random.Random(self.seed)
        retry = self.retry
        return [
            rng.random() * min(retry.max_delay, retry.base_delay * 2.0 ** (attempt - 1))
            for attempt in range(1, count + 1)
        ]
