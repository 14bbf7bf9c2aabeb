"""The limiter against HMRC's rule: refuse when ``rate`` requests were accepted in the last
``per`` seconds. Starts must never break it, and must come as early as it allows."""

from __future__ import annotations

import threading
import time
from collections import deque

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hmrc_sync.client.ratelimit import RateLimiter
from tests.unit.client.fakes import FakeClock


def throttled(arrivals: list[float], limit: int, window: float) -> int:
    """How many requests HMRC's sliding-window throttle (as the emulator applies it) refuses."""
    accepted: deque[float] = deque()
    refused = 0
    for arrival in sorted(arrivals):
        while accepted and accepted[0] <= arrival - window:
            accepted.popleft()
        if len(accepted) >= limit:
            refused += 1
        else:
            accepted.append(arrival)
    return refused


def assert_paced(starts: list[float], rate: int, spacing: float) -> None:
    ordered = sorted(starts)
    for earlier, later in zip(ordered, ordered[rate:], strict=False):
        assert later - earlier >= spacing - 1e-9, (earlier, later)


def test_bursts_of_rate_then_waits_one_window_plus_margin() -> None:
    clock = FakeClock(start=0.0)
    limiter = RateLimiter(3, 1.0, margin=0.02, clock=clock.monotonic, sleep=clock.sleep)
    starts = [limiter.acquire() for _ in range(7)]
    assert starts == pytest.approx([0.0, 0.0, 0.0, 1.02, 1.02, 1.02, 2.04])


def test_a_slow_caller_is_not_delayed_more_than_needed() -> None:
    clock = FakeClock(start=0.0)
    limiter = RateLimiter(3, 1.0, margin=0.02, clock=clock.monotonic, sleep=clock.sleep)
    starts = []
    for _ in range(6):
        starts.append(limiter.acquire())
        clock.advance(0.3)
    # the 4th asks at 0.9 s and waits for 0.0 + 1.02; the 5th and 6th ask late enough
    assert starts == pytest.approx([0.0, 0.3, 0.6, 1.02, 1.32, 1.62])
    assert clock.sleeps == pytest.approx([0.12])
    assert limiter.next_start() == pytest.approx(2.04)


@settings(max_examples=200, deadline=None)
@given(
    gaps=st.lists(st.floats(0.0, 1.5), min_size=1, max_size=40),
    latencies=st.lists(st.floats(0.0, 0.019), min_size=40, max_size=40),
)
def test_never_throttled_and_never_later_than_needed(
    gaps: list[float], latencies: list[float]
) -> None:
    clock = FakeClock(start=0.0)
    limiter = RateLimiter(3, 1.0, margin=0.02, clock=clock.monotonic, sleep=clock.sleep)
    asks, starts = [], []
    for gap in gaps:
        clock.advance(gap)
        asks.append(clock.monotonic())
        starts.append(limiter.acquire())
    # HMRC sees each start after a latency that varies by less than the margin
    arrivals = [start + 0.15 + jitter for start, jitter in zip(starts, latencies, strict=False)]
    assert throttled(arrivals, 3, 1.0) == 0
    for index, (ask, start) in enumerate(zip(asks, starts, strict=True)):
        earliest = ask if index < 3 else max(ask, starts[index - 3] + 1.02)
        assert start == pytest.approx(earliest)


def test_without_a_margin_jitter_would_be_throttled() -> None:
    # The reason for the margin: pacing at exactly 1.0 s breaks as soon as latency varies.
    clock = FakeClock(start=0.0)
    limiter = RateLimiter(3, 1.0, margin=0.0, clock=clock.monotonic, sleep=clock.sleep)
    starts = [limiter.acquire() for _ in range(4)]
    arrivals = [start + 0.16 for start in starts[:3]] + [starts[3] + 0.15]
    assert throttled(arrivals, 3, 1.0) == 1


def test_shared_by_threads_on_a_fake_clock() -> None:
    clock = FakeClock(start=0.0)
    limiter = RateLimiter(3, 1.0, margin=0.02, clock=clock.monotonic, sleep=clock.sleep)
    starts: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(5):
            start = limiter.acquire()
            with lock:
                starts.append(start)

    threads = [threading.Thread(target=worker) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert len(starts) == 60
    assert_paced(starts, 3, 1.02)
    assert throttled(starts, 3, 1.0) == 0


def test_shared_by_threads_on_the_real_clock() -> None:
    rate, per, margin = 3, 0.1, 0.005
    limiter = RateLimiter(rate, per, margin=margin)
    starts: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(6)

    def worker() -> None:
        barrier.wait()
        for _ in range(4):
            start = limiter.acquire()
            with lock:
                starts.append(time.monotonic())
            assert start <= starts[-1]

    began = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    elapsed = time.monotonic() - began
    assert len(starts) == 24
    assert throttled(starts, rate, per) == 0
    bound = (24 - 1) // rate * (per + margin)  # 7 waits of one window
    assert bound <= elapsed + 1e-3
    assert elapsed < bound * 1.25 + 0.05


def test_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="rate"):
        RateLimiter(0)
    with pytest.raises(ValueError, match="per"):
        RateLimiter(3, 0)
