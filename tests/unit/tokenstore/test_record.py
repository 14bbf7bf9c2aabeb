"""The token record: UTC datetimes, the 18-month grant expiry, state changes, no secret in repr."""

from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest
from pydantic import SecretStr

from hmrc_sync.tokenstore import Grant, TokenRecord, Versioned, add_months

ACCESS = "access-Zq81xPp0-secret"
REFRESH = "refresh-Hw92LmQ7-secret"
UTC = dt.UTC


def make_grant(**overrides: object) -> Grant:
    fields: dict[str, object] = {
        "access_token": SecretStr(ACCESS),
        "refresh_token": SecretStr(REFRESH),
        "access_token_expires_at": dt.datetime(2025, 1, 10, 16, 0, tzinfo=UTC),
        "granted_at": dt.datetime(2025, 1, 10, 12, 0, tzinfo=UTC),
        "scopes": ("read:individual-tax", "read:individual-income"),
    }
    fields.update(overrides)
    return Grant(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (
            dt.datetime(2024, 1, 15, 9, 30, tzinfo=UTC),
            18,
            dt.datetime(2025, 7, 15, 9, 30, tzinfo=UTC),
        ),
        # day clamped to the end of a short month; 2026 is not a leap year, 2024 is
        (dt.datetime(2024, 8, 31, tzinfo=UTC), 18, dt.datetime(2026, 2, 28, tzinfo=UTC)),
        (dt.datetime(2022, 8, 31, tzinfo=UTC), 18, dt.datetime(2024, 2, 29, tzinfo=UTC)),
        (dt.datetime(2024, 12, 31, tzinfo=UTC), 18, dt.datetime(2026, 6, 30, tzinfo=UTC)),
        (dt.datetime(2024, 7, 1, tzinfo=UTC), 6, dt.datetime(2025, 1, 1, tzinfo=UTC)),
    ],
)
def test_add_months(start: dt.datetime, months: int, expected: dt.datetime) -> None:
    assert add_months(start, months) == expected


def test_grant_expires_eighteen_months_after_it_was_granted_not_refreshed() -> None:
    grant = make_grant(granted_at=dt.datetime(2025, 3, 6, 10, 0, tzinfo=UTC))
    assert grant.grant_expires_at == dt.datetime(2026, 9, 6, 10, 0, tzinfo=UTC)
    later = grant.refreshed(
        access_token=SecretStr("a2"),
        refresh_token=SecretStr("r2"),
        access_token_expires_at=dt.datetime(2026, 1, 1, 4, 0, tzinfo=UTC),
        refreshed_at=dt.datetime(2026, 1, 1, 0, 0, tzinfo=UTC),
    )
    assert later.granted_at == grant.granted_at
    assert later.grant_expires_at == grant.grant_expires_at
    assert later.refresh_token.get_secret_value() == "r2"
    assert later.refreshed_at == dt.datetime(2026, 1, 1, tzinfo=UTC)
    assert later.scopes == grant.scopes
    assert grant.grant_expired(now=dt.datetime(2026, 9, 6, 9, 59, tzinfo=UTC)) is False
    assert grant.grant_expired(now=dt.datetime(2026, 9, 6, 10, 0, tzinfo=UTC)) is True


def test_datetimes_must_be_aware_and_are_normalised_to_utc() -> None:
    with pytest.raises(ValueError, match="granted_at must be an aware datetime"):
        make_grant(granted_at=dt.datetime(2025, 1, 10, 12, 0))  # noqa: DTZ001 - the point
    london = ZoneInfo("Europe/London")
    grant = make_grant(access_token_expires_at=dt.datetime(2025, 7, 1, 17, 0, tzinfo=london))
    assert grant.access_token_expires_at.tzinfo is UTC
    assert grant.access_token_expires_at == dt.datetime(2025, 7, 1, 16, 0, tzinfo=UTC)


def test_tokens_must_be_non_empty_secrets() -> None:
    with pytest.raises(ValueError, match="refresh_token must not be empty"):
        make_grant(refresh_token=SecretStr(""))
    with pytest.raises(TypeError, match="access_token must be a SecretStr"):
        make_grant(access_token=ACCESS)


def test_access_token_expiry_with_leeway() -> None:
    grant = make_grant(access_token_expires_at=dt.datetime(2025, 1, 10, 16, 0, tzinfo=UTC))
    minute = dt.timedelta(minutes=1)
    assert not grant.access_token_expires_within(
        minute, now=dt.datetime(2025, 1, 10, 15, 58, tzinfo=UTC)
    )
    assert grant.access_token_expires_within(
        minute, now=dt.datetime(2025, 1, 10, 15, 59, tzinfo=UTC)
    )
    assert grant.access_token_expires_within(
        minute, now=dt.datetime(2025, 1, 10, 17, 0, tzinfo=UTC)
    )


def test_new_record_has_a_uuid_device_id_and_no_grant() -> None:
    first, second = TokenRecord.new(), TokenRecord.new()
    assert str(uuid.UUID(first.device_id)) == first.device_id
    assert first.device_id != second.device_id
    assert first.grant is None
    assert first.reauthorisation_required is False


def test_reauthorisation_is_flagged_then_cleared_by_a_new_grant() -> None:
    record = TokenRecord(device_id="dev-1").with_grant(make_grant())
    refused = record.requiring_reauthorisation("HMRC answered invalid_grant")
    assert refused.reauthorisation_required is True
    assert refused.reauthorisation_reason == "HMRC answered invalid_grant"
    assert refused.grant == record.grant  # the metadata (granted at, scopes) is kept
    regranted = refused.with_grant(make_grant(refresh_token=SecretStr("fresh")))
    assert regranted.reauthorisation_required is False
    assert regranted.reauthorisation_reason is None
    assert regranted.device_id == "dev-1"


def test_signing_out_keeps_the_device_id() -> None:
    record = TokenRecord(device_id="dev-1").with_grant(make_grant())
    signed_out = record.requiring_reauthorisation("x").without_grant()
    assert signed_out == TokenRecord(device_id="dev-1")


def test_reason_only_with_the_flag_and_device_id_required() -> None:
    with pytest.raises(ValueError, match="reauthorisation_reason"):
        TokenRecord(device_id="d", reauthorisation_reason="why")
    with pytest.raises(ValueError, match="device_id"):
        TokenRecord(device_id=" ")


def test_no_token_in_any_repr_or_str() -> None:
    grant = make_grant()
    record = TokenRecord(device_id="dev-1", grant=grant)
    versioned = Versioned(record, "3")
    for text in (repr(grant), str(grant), repr(record), str(record), repr(versioned)):
        assert ACCESS not in text
        assert REFRESH not in text
    assert "dev-1" in repr(record)  # the repr is still useful
