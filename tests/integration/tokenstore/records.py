"""Sample records and the secret-leak check shared by the token-store tests."""

from __future__ import annotations

import datetime as dt

from pydantic import SecretStr

from hmrc_sync.tokenstore import Grant, TokenRecord

ACCESS_TOKEN = "at-9fK2mQ7xLp-access"
REFRESH_TOKEN = "rt-4Hs8Wq1zNc-refresh"
SECRETS = (ACCESS_TOKEN, REFRESH_TOKEN)
DEVICE_ID = "9b1f6c1e-0d8e-4d7b-9a55-3f1b2f0c7a10"


def make_record(device_id: str = DEVICE_ID, **grant: object) -> TokenRecord:
    fields: dict[str, object] = {
        "access_token": SecretStr(ACCESS_TOKEN),
        "refresh_token": SecretStr(REFRESH_TOKEN),
        "access_token_expires_at": dt.datetime(2025, 5, 1, 16, 0, tzinfo=dt.UTC),
        "granted_at": dt.datetime(2025, 5, 1, 12, 0, tzinfo=dt.UTC),
        "scopes": ("read:individual-tax", "read:individual-income"),
    }
    fields.update(grant)
    return TokenRecord(device_id=device_id, grant=Grant(**fields))  # type: ignore[arg-type]


def rotated(record: TokenRecord, refresh_token: str) -> TokenRecord:
    """``record`` after a refresh that handed out ``refresh_token``."""
    assert record.grant is not None
    return record.with_grant(
        record.grant.refreshed(
            access_token=SecretStr("at-" + refresh_token),
            refresh_token=SecretStr(refresh_token),
            access_token_expires_at=dt.datetime(2025, 5, 2, 4, 0, tzinfo=dt.UTC),
            refreshed_at=dt.datetime(2025, 5, 2, 0, 0, tzinfo=dt.UTC),
        )
    )


def assert_no_secret(*texts: str, secrets: tuple[str, ...] = SECRETS) -> None:
    for text in texts:
        for secret in secrets:
            assert secret not in text
