"""The one place a ``TokenRecord`` becomes stored data and back (file JSON and Vault KV data).

Both stores keep the same flat mapping, so ``vault kv get -field=refresh_token secret/hmrc-sync``
works and the file reads the same way::

    written_by                "hmrc-sync"   (marker: a mapping without it is someone else's data)
    format                    1
    device_id                 "beec798b-..."
    reauthorisation_required  false
    reauthorisation_reason    null | "..."
    access_token, refresh_token, access_token_expires_at, granted_at, scopes, refreshed_at
                              present only while there is a grant

Errors name the offending field and never echo a value, because values may be tokens.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any, Final

from pydantic import SecretStr

from hmrc_sync.tokenstore.record import Grant, TokenRecord

WRITTEN_BY_KEY: Final = "written_by"
WRITTEN_BY: Final = "hmrc-sync"
FORMAT_KEY: Final = "format"
FORMAT_VERSION: Final = 1

_GRANT_KEYS: Final = (
    "access_token",
    "refresh_token",
    "access_token_expires_at",
    "granted_at",
    "scopes",
    "refreshed_at",
)


class RecordFormatError(ValueError):
    """Stored data is not a valid token record. The message names fields, never values."""


class ForeignDataError(RecordFormatError):
    """The stored mapping was not written by hmrc-sync (no ``written_by: hmrc-sync`` marker)."""

    def __init__(self, keys: tuple[str, ...]) -> None:
        self.keys = keys
        shown = ", ".join(keys[:10]) + (", ..." if len(keys) > 10 else "")
        super().__init__(
            f"it holds data not written by hmrc-sync (keys: {shown or 'none'}; "
            f"no {WRITTEN_BY_KEY}={WRITTEN_BY} marker)"
        )


def record_to_dict(record: TokenRecord) -> dict[str, Any]:
    data: dict[str, Any] = {
        WRITTEN_BY_KEY: WRITTEN_BY,
        FORMAT_KEY: FORMAT_VERSION,
        "device_id": record.device_id,
        "reauthorisation_required": record.reauthorisation_required,
        "reauthorisation_reason": record.reauthorisation_reason,
    }
    grant = record.grant
    if grant is not None:
        data.update(
            access_token=grant.access_token.get_secret_value(),
            refresh_token=grant.refresh_token.get_secret_value(),
            access_token_expires_at=grant.access_token_expires_at.isoformat(),
            granted_at=grant.granted_at.isoformat(),
            scopes=list(grant.scopes),
            refreshed_at=None if grant.refreshed_at is None else grant.refreshed_at.isoformat(),
        )
    return data


def record_from_dict(data: Mapping[str, Any]) -> TokenRecord:
    if not isinstance(data, Mapping):
        raise RecordFormatError("it is not a JSON object")
    if data.get(WRITTEN_BY_KEY) != WRITTEN_BY:
        raise ForeignDataError(tuple(sorted(str(key) for key in data)))
    version = data.get(FORMAT_KEY)
    if version != FORMAT_VERSION:
        if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION:
            raise RecordFormatError(
                f"it was written by a newer hmrc-sync (format {version}); upgrade hmrc-sync"
            )
        raise RecordFormatError(f"field {FORMAT_KEY!r} must be {FORMAT_VERSION}")
    try:
        return TokenRecord(
            device_id=_string(data, "device_id"),
            grant=_grant(data),
            reauthorisation_required=_bool(data, "reauthorisation_required"),
            reauthorisation_reason=_optional_string(data, "reauthorisation_reason"),
        )
    except RecordFormatError:
        raise
    except (TypeError, ValueError) as exc:
        # Our own validation messages name fields only; they never include values.
        raise RecordFormatError(str(exc)) from None


def record_to_json(record: TokenRecord) -> bytes:
    return (json.dumps(record_to_dict(record), indent=2, sort_keys=True) + "\n").encode()


def record_from_json(raw: bytes) -> TokenRecord:
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise RecordFormatError("it is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise RecordFormatError(
            f"it is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
        ) from None
    return record_from_dict(data)


def _grant(data: Mapping[str, Any]) -> Grant | None:
    present = [key for key in _GRANT_KEYS if data.get(key) is not None]
    if not present:
        return None
    missing = [key for key in _GRANT_KEYS if key != "refreshed_at" and data.get(key) is None]
    if missing:
        raise RecordFormatError("the grant is incomplete: missing " + ", ".join(missing))
    scopes = data["scopes"]
    if not isinstance(scopes, list) or not all(isinstance(scope, str) for scope in scopes):
        raise RecordFormatError("field 'scopes' must be a list of strings")
    refreshed_at = data.get("refreshed_at")
    return Grant(
        access_token=SecretStr(_string(data, "access_token")),
        refresh_token=SecretStr(_string(data, "refresh_token")),
        access_token_expires_at=_datetime(data, "access_token_expires_at"),
        granted_at=_datetime(data, "granted_at"),
        scopes=tuple(scopes),
        refreshed_at=None if refreshed_at is None else _datetime(data, "refreshed_at"),
    )


def _string(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise RecordFormatError(f"field {key!r} must be a non-empty string")
    return value


def _optional_string(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise RecordFormatError(f"field {key!r} must be a string or null")
    return value


def _bool(data: Mapping[str, Any], key: str) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise RecordFormatError(f"field {key!r} must be true or false")
    return value


def _datetime(data: Mapping[str, Any], key: str) -> dt.datetime:
    value = _string(data, key)
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise RecordFormatError(f"field {key!r} must be an ISO 8601 date and time") from None
    if parsed.tzinfo is None:
        raise RecordFormatError(f"field {key!r} must carry a UTC offset")
    return parsed.astimezone(dt.UTC)
