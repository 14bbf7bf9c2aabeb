from __future__ import annotations

import datetime as dt
import random
import threading

import pytest

from hmrc_sync.client.retry import RequestBudget, RetryPolicy, parse_retry_after
from hmrc_sync.errors import RequestBudgetExceeded

NOW = dt.datetime(2025, 7, 1, 12, 0, 0, tzinfo=dt.UTC)


def test_backoff_is_capped_exponential_with_full_jitter() -> None:
    half = RetryPolicy(base_delay=0.5, max_delay=3.0, rng=lambda: 0.5)
    # ceilings 0.5, 1, 2, 4 -> capped at 3, 8 -> 3; the wait is half of each
    assert [half.backoff(n) for n in range(1, 6)] == [0.25, 0.5, 1.0, 1.5, 1.5]
    zero = RetryPolicy(rng=lambda: 0.0)
    assert zero.backoff(4) == 0.0


def test_jitter_spreads_waits_over_the_whole_range() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=8.0, rng=random.Random(1).random)
    waits = [policy.backoff(3) for _ in range(500)]
    assert all(0.0 <= wait < 4.0 for wait in waits)
    assert min(waits) < 0.4
    assert max(waits) > 3.6


def test_retry_after_wins_over_backoff_up_to_the_limit() -> None:
    policy = RetryPolicy(max_retry_after=30.0, rng=lambda: 0.5)
    assert policy.delay(1, None) == 0.25
    assert policy.delay(1, 7.0) == 7.0
    assert policy.delay(1, 0.0) == 0.0
    assert policy.delay(1, 31.0) is None


def test_only_gets_are_retried_and_only_up_to_max_attempts() -> None:
    policy = RetryPolicy(max_attempts=3)
    assert policy.may_retry("GET", 1)
    assert policy.may_retry("get", 2)
    assert not policy.may_retry("GET", 3)
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        assert not policy.may_retry(method, 1)


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_retryable_statuses(status: int) -> None:
    assert RetryPolicy.is_retryable_status(status)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 406, 422, 501])
def test_other_statuses_are_not_retried(status: int) -> None:
    assert not RetryPolicy.is_retryable_status(status)


def test_policy_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="max_attempts"):
        RetryPolicy(max_attempts=0)
    with pytest.raises(ValueError, match="negative"):
        RetryPolicy(base_delay=-1)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("0", 0.0),
        ("12", 12.0),
        (" 3 ", 3.0),
        ("Tue, 01 Jul 2025 12:00:30 GMT", 30.0),
        ("Tuesday, 01-Jul-25 12:01:00 GMT", 60.0),  # RFC 850, obsolete but allowed
        ("Tue, 01 Jul 2025 11:59:00 GMT", 0.0),  # in the past: go now
        (None, None),
        ("soon", None),
        ("-5", None),
    ],
)
def test_parse_retry_after(header: str | None, seconds: float | None) -> None:
    assert parse_retry_after(header, NOW) == seconds


def test_budget_counts_down_then_refuses() -> None:
    budget = RequestBudget(2)
    budget.take()
    budget.take()
    assert (budget.used, budget.remaining) == (2, 0)
    with pytest.raises(RequestBudgetExceeded, match="all 2 HMRC requests"):
        budget.take()
    assert budget.used == 2


def test_budget_is_exact_under_threads() -> None:
    budget = RequestBudget(500)
    refused: list[int] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(100):
            try:
                budget.take()
            except RequestBudgetExceeded:
                with lock:
                    refused.append(1)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert budget.used == 500
    assert len(refused) == 300


def test_default_budget_is_200() -> None:
    assert RequestBudget().limit == 200
    with pytest.raises(ValueError, match="negative"):
        RequestBudget(-1)
