from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hmrc_sync.fraud_headers.encoding import (
    FraudHeaderFormatError,
    encode_key_values,
    encode_list,
    encode_verbatim,
    format_timestamp,
    format_utc_offset,
    is_percent_encoded,
    parse_key_value_list,
    parse_key_values,
    parse_list,
    parse_timestamp,
    parse_utc_offset,
    percent_decode,
    percent_encode,
    split_key_values,
)


@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        ("fc00::", "fc00%3A%3A"),  # spec: Gov-Client-Local-IPs example
        ("ea:43:1a:5d:21:45", "ea%3A43%3A1a%3A5d%3A21%3A45"),  # spec: MAC example
        ("Server 2012", "Server%202012"),  # spec: Gov-Client-User-Agent example
        ("Dell Inc.", "Dell%20Inc."),
        ("iPhone12,3", "iPhone12%2C3"),
        ("domain\\alice", "domain%5Calice"),  # spec: Gov-Client-User-IDs example
        ("2021-11-21T13:23Z", "2021-11-21T13%3A23Z"),  # spec: multi-factor timestamp
        ("a~b_c-d.e", "a~b_c-d.e"),  # RFC 3986 unreserved characters stay
        ("caf\u00e9", "caf%C3%A9"),  # UTF-8 bytes
        ("a&b=c", "a%26b%3Dc"),
    ],
)
def test_percent_encoding_matches_the_spec_examples(value: str, encoded: str) -> None:
    assert percent_encode(value) == encoded
    assert percent_decode(encoded) == value


@pytest.mark.parametrize("broken", ["100%", "%G1", "a%2", "%C3"])
def test_malformed_escapes_are_format_errors(broken: str) -> None:
    with pytest.raises(FraudHeaderFormatError):
        percent_decode(broken)


def test_is_percent_encoded() -> None:
    assert is_percent_encoded("Dell%20Inc.")
    assert not is_percent_encoded("Dell Inc.")
    assert not is_percent_encoded("fc00::")
    assert not is_percent_encoded("100%")


def test_browser_user_agent_keeps_its_separators() -> None:
    agent = "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/128.0"
    assert encode_verbatim(agent) == agent
    assert encode_verbatim("50% caf\u00e9\t") == "50%25 caf%C3%A9%09"


def test_lists_refuse_empty_values_both_ways() -> None:
    with pytest.raises(ValueError, match="empty"):
        encode_list(["10.1.2.3", ""])
    with pytest.raises(ValueError, match="at least one"):
        encode_list([])
    with pytest.raises(FraudHeaderFormatError):
        parse_list("10.1.2.3,")


def test_key_values_refuse_empty_keys_and_structures_without_equals() -> None:
    with pytest.raises(ValueError, match="keys"):
        encode_key_values([("", "x")])
    with pytest.raises(FraudHeaderFormatError):
        parse_key_values("width=1&height")
    with pytest.raises(FraudHeaderFormatError, match="twice"):
        parse_key_values("os=a&os=b")


def test_empty_values_are_allowed_in_key_values() -> None:
    # "include the key with an empty value" is one of the two ways to say "no value".
    assert encode_key_values([("device-model", "")]) == "device-model="
    assert parse_key_values("device-model=") == {"device-model": ""}


def test_split_key_values_keeps_raw_text() -> None:
    assert split_key_values("a=b%20c&d&e=") == [("a", "b%20c"), ("d", None), ("e", "")]


def test_key_value_list_from_the_screens_example() -> None:
    raw = (
        "width=1920&height=1080&scaling-factor=1&colour-depth=16,"
        "width=3000&height=2000&scaling-factor=1.25&colour-depth=16"
    )
    assert parse_key_value_list(raw) == [
        {"width": "1920", "height": "1080", "scaling-factor": "1", "colour-depth": "16"},
        {"width": "3000", "height": "2000", "scaling-factor": "1.25", "colour-depth": "16"},
    ]


def test_timestamps_are_utc_with_milliseconds() -> None:
    moment = datetime(2020, 9, 21, 15, 30, 5, 120999, tzinfo=timezone(timedelta(hours=1)))
    assert format_timestamp(moment) == "2020-09-21T14:30:05.120Z"
    assert format_timestamp(datetime(2020, 9, 21, 14, 30, tzinfo=UTC)) == (
        "2020-09-21T14:30:00.000Z"
    )
    assert parse_timestamp("2020-09-21T14:30:05.123Z") == datetime(
        2020, 9, 21, 14, 30, 5, 123000, tzinfo=UTC
    )


def test_naive_timestamps_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        format_timestamp(datetime(2020, 9, 21, 14, 30))  # noqa: DTZ001


@pytest.mark.parametrize(
    "raw", ["2020-09-21T14:30:05Z", "2020-09-21T14:30:05.123", "2020-13-01T00:00:00.000Z"]
)
def test_timestamp_parser_is_strict(raw: str) -> None:
    with pytest.raises(FraudHeaderFormatError):
        parse_timestamp(raw)


@pytest.mark.parametrize(
    ("offset", "text"),
    [
        (timedelta(0), "UTC+00:00"),
        (timedelta(hours=1), "UTC+01:00"),
        (-timedelta(hours=1, minutes=15), "UTC-01:15"),
        (timedelta(hours=5, minutes=45), "UTC+05:45"),
        (-timedelta(hours=12), "UTC-12:00"),
    ],
)
def test_utc_offsets(offset: timedelta, text: str) -> None:
    assert format_utc_offset(offset) == text
    assert parse_utc_offset(text) == offset


@pytest.mark.parametrize("offset", [timedelta(seconds=30), timedelta(hours=24)])
def test_offsets_that_cannot_be_written_are_refused(offset: timedelta) -> None:
    with pytest.raises(ValueError, match="whole minutes"):
        format_utc_offset(offset)


@given(st.datetimes(timezones=st.just(UTC)))
def test_timestamps_round_trip_to_the_millisecond(moment: datetime) -> None:
    parsed = parse_timestamp(format_timestamp(moment))
    assert parsed == moment.replace(microsecond=moment.microsecond // 1000 * 1000)


@given(st.integers(min_value=-24 * 60 + 1, max_value=24 * 60 - 1))
def test_offsets_round_trip(minutes: int) -> None:
    offset = timedelta(minutes=minutes)
    assert parse_utc_offset(format_utc_offset(offset)) == offset
