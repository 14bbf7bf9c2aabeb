"""The emulator's rate limit: exact sliding-window semantics on a fake clock."""

from __future__ import annotations

import threading

import pytest

from hmrc_sync.emulator.engine.throttle import RateLimit


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_limit_requests_in_any_second() -> None:
    clock = FakeClock()
    limit = RateLimit(3, clock=clock)
    assert [limit.try_accept("app") for _ in range(4)] == [True, True, True, False]
    clock.now += 0.999
    assert limit.try_accept("app") is False  # now - t < 1.0 for all three
    clock.now = 101.0
    assert [limit.try_accept("app") for _ in range(4)] == [True, True, True, False]


def test_window_slides_request_by_request() -> None:
    clock = FakeClock()
    limit = RateLimit(3, clock=clock)
    for offset in (0.0, 0.4, 0.8):
        clock.now = 100.0 + offset
        assert limit.try_accept("app")
    clock.now = 100.9
    assert not limit.try_accept("app")
    clock.now = 101.0  # the first expired exactly now (now - t == 1.0)
    assert limit.try_accept("app")
    assert not limit.try_accept("app")
    clock.now = 101.4
    assert limit.try_accept("app")


def test_refused_requests_are_not_counted() -> None:
    clock = FakeClock()
    limit = RateLimit(1, clock=clock)
    assert limit.try_accept("app")
    for step in range(9):
        clock.now = 100.1 + step * 0.1
        assert not limit.try_accept("app")
    clock.now = 101.0
    assert limit.try_accept("app")


def test_applications_have_separate_budgets_and_zero_is_off() -> None:
    clock = FakeClock()
    limit = RateLimit(1, clock=clock)
    assert limit.try_accept("a")
    assert limit.try_accept("b")
    assert not limit.try_accept("a")
    off = RateLimit(0, clock=clock)
    assert all(off.try_accept("a") for _ in range(100))
    with pytest.raises(ValueError, match="negative"):
        RateLimit(-1)


def test_thread_safe() -> None:
    limit = RateLimit(5, clock=FakeClock())
    accepted: list[bool] = []
    barrier = threading.Barrier(50)

    def call() -> None:
        barrier.wait()
        accepted.append(limit.try_accept("app"))

    threads = [threading.Thread(target=call) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert accepted.count(True) == 5
