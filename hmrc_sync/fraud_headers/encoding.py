"""Value encoding for HMRC's fraud-prevention headers (specification 3.3, "Getting it right").

The rules, all from hmrc/txm-fph-specification ``source/getting-it-right`` and the header partials:

* header contents are US-ASCII; other characters are percent encoded (RFC 3986 section 2.1);
* a key-value structure is ``k1=v1&k2=v2``: keys and values percent encoded, separators not;
* a list is ``v1,v2``: values percent encoded, commas not, and no value may be empty;
* a list of key-value structures joins the structures with commas;
* timestamps are UTC ``yyyy-MM-ddThh:mm:ss.sssZ`` with milliseconds (trailing zeros included);
* the timezone is ``UTC±hh:mm``.

Encoding here means RFC 3986 percent encoding of everything but the unreserved characters
(``A-Z a-z 0-9 - . _ ~``), over UTF-8 bytes, so an encoded value never holds a separator.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, unquote

__all__ = [
    "FraudHeaderFormatError",
    "encode_key_value_list",
    "encode_key_values",
    "encode_list",
    "encode_verbatim",
    "format_timestamp",
    "format_utc_offset",
    "is_percent_encoded",
    "parse_key_value_list",
    "parse_key_values",
    "parse_list",
    "parse_timestamp",
    "parse_utc_offset",
    "percent_decode",
    "percent_encode",
    "split_key_values",
]


class FraudHeaderFormatError(ValueError):
    """A header value does not follow the specification's structure or encoding."""


_UNRESERVED = r"A-Za-z0-9\-._~"
_ENCODED_TEXT = re.compile(rf"(?:[{_UNRESERVED}]|%[0-9A-Fa-f]{{2}})*")
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")
_UTC_OFFSET = re.compile(r"UTC([+-])(\d{2}):(\d{2})")


def percent_encode(value: str) -> str:
    """Percent-encode every character except RFC 3986's unreserved ones (UTF-8 bytes)."""
    return quote(value, safe="", encoding="utf-8", errors="strict")


def percent_decode(value: str) -> str:
    """Decode percent escapes; a stray ``%`` or bytes that are not UTF-8 are format errors."""
    if _BAD_PERCENT.search(value):
        raise FraudHeaderFormatError("a '%' is not followed by two hexadecimal digits")
    try:
        return unquote(value, encoding="utf-8", errors="strict")
    except UnicodeDecodeError as exc:
        raise FraudHeaderFormatError("percent-encoded bytes are not UTF-8") from exc


def is_percent_encoded(raw: str) -> bool:
    """True when ``raw`` holds only unreserved characters and well-formed ``%XX`` triplets."""
    return _ENCODED_TEXT.fullmatch(raw) is not None


def encode_verbatim(value: str) -> str:
    """Keep a value as reported (e.g. a browser's user agent) but make it US-ASCII.

    Printable ASCII stays as it is, so the separators of a user agent (slashes, spaces, round
    brackets) are not encoded; ``%``, control and non-ASCII characters are percent encoded.
    """
    return "".join(
        char if " " <= char <= "~" and char != "%" else percent_encode(char) for char in value
    )


def encode_list(values: Iterable[str]) -> str:
    """``v1,v2,...`` with each value percent encoded; the specification forbids empty values."""
    items = list(values)
    if not items:
        raise ValueError("a list header needs at least one value")
    if any(item == "" for item in items):
        raise ValueError("list values must not be empty")
    return ",".join(percent_encode(item) for item in items)


def encode_key_values(pairs: Iterable[tuple[str, str]]) -> str:
    """``k1=v1&k2=v2`` with keys and values percent encoded and the separators kept."""
    items = list(pairs)
    if not items:
        raise ValueError("a key-value header needs at least one pair")
    if any(key == "" for key, _ in items):
        raise ValueError("keys must not be empty")
    return "&".join(f"{percent_encode(key)}={percent_encode(value)}" for key, value in items)


def encode_key_value_list(structures: Iterable[Iterable[tuple[str, str]]]) -> str:
    """A list of key-value structures, joined with commas."""
    encoded = [encode_key_values(structure) for structure in structures]
    if not encoded:
        raise ValueError("a list header needs at least one value")
    return ",".join(encoded)


def split_key_values(raw: str) -> list[tuple[str, str | None]]:
    """Split a raw (still encoded) key-value structure; the value is None where ``=`` is absent."""
    pairs: list[tuple[str, str | None]] = []
    for segment in raw.split("&"):
        key, separator, value = segment.partition("=")
        pairs.append((key, value if separator else None))
    return pairs


def parse_list(raw: str) -> list[str]:
    """Decode a list header; an empty value or a malformed escape is a format error."""
    items = raw.split(",")
    if any(item == "" for item in items):
        raise FraudHeaderFormatError("the list contains an empty value")
    return [percent_decode(item) for item in items]


def parse_key_values(raw: str) -> dict[str, str]:
    """Decode one key-value structure into a dict (keys and values decoded)."""
    result: dict[str, str] = {}
    for key, value in split_key_values(raw):
        if value is None or key == "":
            raise FraudHeaderFormatError("the value is not a key-value data structure")
        decoded_key = percent_decode(key)
        if decoded_key in result:
            raise FraudHeaderFormatError(f"the key {decoded_key!r} appears twice")
        result[decoded_key] = percent_decode(value)
    return result


def parse_key_value_list(raw: str) -> list[dict[str, str]]:
    """Decode a list of key-value structures (``k=v&k=v,k=v&k=v``)."""
    items = raw.split(",")
    if any(item == "" for item in items):
        raise FraudHeaderFormatError("the list contains an empty value")
    return [parse_key_values(item) for item in items]


def format_timestamp(moment: datetime) -> str:
    """UTC ``yyyy-MM-ddThh:mm:ss.sssZ`` (milliseconds, trailing zeros kept) from an aware time."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("fraud-header timestamps need a timezone-aware datetime")
    utc = moment.astimezone(UTC)
    date = f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}"
    return f"{date}T{utc:%H:%M:%S}.{utc.microsecond // 1000:03d}Z"


def parse_timestamp(raw: str) -> datetime:
    """Parse the exact ``yyyy-MM-ddThh:mm:ss.sssZ`` form into an aware UTC datetime."""
    if _TIMESTAMP.fullmatch(raw) is None:
        raise FraudHeaderFormatError("not a UTC timestamp in the format yyyy-MM-ddThh:mm:ss.sssZ")
    try:
        return datetime.strptime(raw, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    except ValueError as exc:
        raise FraudHeaderFormatError("the timestamp is not a real date and time") from exc


def format_utc_offset(offset: timedelta) -> str:
    """``UTC±hh:mm`` for a whole-minute offset strictly between -24 and +24 hours."""
    if offset % timedelta(minutes=1) or abs(offset) >= timedelta(hours=24):
        raise ValueError("a UTC offset must be whole minutes and less than 24 hours")
    sign = "-" if offset < timedelta(0) else "+"
    hours, minutes = divmod(int(abs(offset).total_seconds()) // 60, 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


def parse_utc_offset(raw: str) -> timedelta:
    """Parse ``UTC±hh:mm`` (syntax only; whether the offset is a real one is the caller's check)."""
    match = _UTC_OFFSET.fullmatch(raw)
    if match is None:
        raise FraudHeaderFormatError("not a timezone in the form UTC±hh:mm")
    sign, hours, minutes = match.groups()
    if int(minutes) >= 60:
        raise FraudHeaderFormatError("the minutes of a UTC offset must be below 60")
    offset = timedelta(hours=int(hours), minutes=int(minutes))
    return -offset if sign == "-" else offset
