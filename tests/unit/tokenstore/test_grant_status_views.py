"""One grant status, three views: ``auth status``, the status page and the metrics agree on
every state (granted, expiring soon, expired, re-authorisation required, none)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest
from pydantic import SecretStr

from hmrc_sync.app.routes.status import _grant_view
from hmrc_sync.commands.auth import _status
from hmrc_sync.metrics import StateCollector
from hmrc_sync.tokenstore import Grant, GrantStatus, TokenRecord, Versioned, add_months

NOW = dt.datetime.now(dt.UTC)  # the metrics read the real clock at scrape time


def _grant(granted_months_ago: int, extra_days: int = 0) -> Grant:
    granted = add_months(NOW, -granted_months_ago) - dt.timedelta(days=extra_days)
    return Grant(
        access_token=SecretStr("access-secret"),
        refresh_token=SecretStr("refresh-secret"),
        access_token_expires_at=NOW + dt.timedelta(hours=4),
        granted_at=granted,
        scopes=("read:individual-tax",),
    )


def _records() -> dict[GrantStatus, TokenRecord | None]:
    fresh = TokenRecord.new().with_grant(_grant(1))
    return {
        GrantStatus.GRANTED: fresh,
        GrantStatus.EXPIRING_SOON: TokenRecord.new().with_grant(_grant(17, extra_days=10)),
        GrantStatus.EXPIRED: TokenRecord.new().with_grant(_grant(18, extra_days=2)),
        GrantStatus.REAUTHORISATION_REQUIRED: fresh.requiring_reauthorisation("invalid_grant"),
        GrantStatus.NOT_GRANTED: None,
    }


@dataclass
class _Store:
    record: TokenRecord | None

    def read(self) -> Versioned[TokenRecord] | None:
        return None if self.record is None else Versioned(self.record, "1")


def _page_state(record: TokenRecord | None) -> Any:
    return SimpleNamespace(container=SimpleNamespace(token_store=_Store(record)))


def _metric_says_reauthorise(record: TokenRecord | None) -> bool:
    collector = StateCollector(SimpleNamespace(token_store=_Store(record), sessions=None))
    families = {family.name: family for family in collector._grant_metrics()}
    (sample,) = families["hmrc_sync_reauthorisation_required"].samples
    return sample.value == 1.0


@pytest.mark.parametrize("expected", list(GrantStatus))
def test_the_three_views_agree(expected: GrantStatus) -> None:
    record = _records()[expected]
    assert (record.status(NOW) if record else GrantStatus.NOT_GRANTED) is expected

    assert _status(record, NOW)["state"] == expected.value
    view = _grant_view(_page_state(record), NOW)
    if record is None:
        assert view is None  # the page offers to grant access instead
    else:
        assert view is not None
        assert view["state"] == expected.label
        assert view["css"] == {"granted": "ok", "expiring_soon": "warn"}.get(expected, "bad")
    assert _metric_says_reauthorise(record) is not expected.usable


def test_an_expired_grant_raises_the_reauthorisation_metric() -> None:
    """The bug this replaced: the metric ignored the 18-month expiry."""
    assert _metric_says_reauthorise(_records()[GrantStatus.EXPIRED])
