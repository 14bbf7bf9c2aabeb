"""The stored shape of a token record, and errors that name fields but never echo values."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import SecretStr

from hmrc_sync.tokenstore import (
    Grant,
    RecordFormatError,
    TokenRecord,
    record_from_dict,
    record_from_json,
    record_to_dict,
    record_to_json,
)
from hmrc_sync.tokenstore.codec import ForeignDataError

UTC = dt.UTC
SECRET_ACCESS = "acc-7Tq2LkS9v"
SECRET_REFRESH = "ref-3Nw8ZpX1c"


def granted_record() -> TokenRecord:
    return TokenRecord(
        device_id="beec798b-b366-47fa-b1f8-92cede14a1ce",
        grant=Grant(
            access_token=SecretStr(SECRET_ACCESS),
            refresh_token=SecretStr(SECRET_REFRESH),
            access_token_expires_at=dt.datetime(2025, 4, 6, 4, 0, tzinfo=UTC),
            granted_at=dt.datetime(2025, 4, 6, 0, 0, tzinfo=UTC),
            scopes=("read:individual-tax",),
            refreshed_at=None,
        ),
    )


def test_stored_shape_is_flat_marked_and_readable() -> None:
    data = record_to_dict(granted_record())
    assert data == {
        "written_by": "hmrc-sync",
        "format": 1,
        "device_id": "beec798b-b366-47fa-b1f8-92cede14a1ce",
        "reauthorisation_required": False,
        "reauthorisation_reason": None,
        "access_token": SECRET_ACCESS,
        "refresh_token": SECRET_REFRESH,
        "access_token_expires_at": "2025-04-06T04:00:00+00:00",
        "granted_at": "2025-04-06T00:00:00+00:00",
        "scopes": ["read:individual-tax"],
        "refreshed_at": None,
    }
    assert json.loads(record_to_json(granted_record())) == data


def test_record_without_grant_has_no_token_keys() -> None:
    data = record_to_dict(TokenRecord(device_id="d"))
    assert "refresh_token" not in data
    assert record_from_dict(data) == TokenRecord(device_id="d")


aware_datetimes = st.datetimes(
    min_value=dt.datetime(2000, 1, 1),  # noqa: DTZ001 - hypothesis wants naive bounds
    max_value=dt.datetime(2100, 1, 1),  # noqa: DTZ001
    timezones=st.just(UTC),
)
tokens = st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=40)
grants = st.builds(
    Grant,
    access_token=tokens.map(SecretStr),
    refresh_token=tokens.map(SecretStr),
    access_token_expires_at=aware_datetimes,
    granted_at=aware_datetimes,
    scopes=st.lists(st.text(min_size=1, max_size=30), max_size=5).map(tuple),
    refreshed_at=st.none() | aware_datetimes,
)
records = st.builds(
    TokenRecord,
    device_id=st.uuids().map(str),
    grant=st.none() | grants,
    reauthorisation_required=st.just(value=False),
)


@given(records)
def test_json_round_trip(record: TokenRecord) -> None:
    assert record_from_json(record_to_json(record)) == record
    flagged = record.requiring_reauthorisation("invalid_grant")
    assert record_from_dict(record_to_dict(flagged)) == flagged


def test_data_without_the_marker_is_foreign_and_only_keys_are_named() -> None:
    with pytest.raises(ForeignDataError) as caught:
        record_from_dict({"db_password": "hunter2-value", "api_key": "k-123"})
    message = str(caught.value)
    assert "api_key, db_password" in message
    assert "hunter2-value" not in message
    assert "k-123" not in message


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"format": 2}, "newer hmrc-sync (format 2)"),
        ({"format": "1"}, "'format' must be 1"),
        ({"device_id": ""}, "'device_id' must be a non-empty string"),
        ({"reauthorisation_required": "yes"}, "'reauthorisation_required' must be true or false"),
        ({"granted_at": None}, "the grant is incomplete: missing granted_at"),
        ({"scopes": "read:individual-tax"}, "'scopes' must be a list of strings"),
        ({"access_token_expires_at": SECRET_REFRESH}, "'access_token_expires_at' must be an ISO"),
        ({"granted_at": "2025-04-06T00:00:00"}, "'granted_at' must carry a UTC offset"),
        ({"reauthorisation_reason": "x"}, "reauthorisation_reason is only set when"),
    ],
)
def test_invalid_records_name_the_field_without_values(change: dict[str, Any], needle: str) -> None:
    data = record_to_dict(granted_record()) | change
    with pytest.raises(RecordFormatError) as caught:
        record_from_dict(data)
    message = str(caught.value)
    assert needle in message
    assert SECRET_ACCESS not in message
    assert SECRET_REFRESH not in message


def test_corrupt_json_reports_where_not_what() -> None:
    raw = record_to_json(granted_record())[:-20]
    with pytest.raises(
        RecordFormatError, match=r"not valid JSON \(.* at line \d+, column \d+\)"
    ) as caught:
        record_from_json(raw)
    assert SECRET_REFRESH not in str(caught.value)
    with pytest.raises(RecordFormatError, match="not UTF-8"):
        record_from_json(b"\xff\xfe{}")
    with pytest.raises(RecordFormatError, match="not a JSON object"):
        record_from_json(b"[1, 2]")
