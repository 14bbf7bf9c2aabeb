"""Per-header checks of the local fraud-prevention header validator (specification 3.3).

Each check receives one non-empty header value and reports findings through a
:class:`HeaderCheck`. Messages quoted from HMRC's own answers are marked ``[HMRC]`` (sources:
the Test Fraud Prevention Headers API OAS examples, hmrc/vat-api issues #565 and #834,
hmrc/income-tax-mtd-changelog #393, and the validator messages used in hmrc/hmrc-email-renderer's
TDQ report templates). The others are ours, worded the same way.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from ipaddress import ip_address

from hmrc_sync.fraud_headers.encoding import (
    FraudHeaderFormatError,
    is_percent_encoded,
    parse_timestamp,
    parse_utc_offset,
    percent_decode,
    split_key_values,
)
from hmrc_sync.fraud_headers.model import ConnectionMethod, IpAddress, is_public_ip

__all__ = ["CHECKS", "CONNECTION_METHODS", "Finding", "HeaderCheck", "parse_ip"]

INVALID_HEADER = "INVALID_HEADER"
POTENTIALLY_INVALID_HEADER = "POTENTIALLY_INVALID_HEADER"

CONNECTION_METHODS: frozenset[str] = frozenset(ConnectionMethod)
# Methods whose Gov-Client-User-IDs carry ``os`` (the spec's user-ids partial).
_OS_METHODS = CONNECTION_METHODS - {
    "WEB_APP_VIA_SERVER",
    "MOBILE_APP_DIRECT",
    "MOBILE_APP_VIA_SERVER",
}
# Methods that need a client and a server version (the spec's vendor-version partial).
_TWO_VERSION_METHODS = frozenset(
    {"DESKTOP_APP_VIA_SERVER", "MOBILE_APP_VIA_SERVER", "OTHER_VIA_SERVER"}
)

FUTURE_TOLERANCE = timedelta(minutes=1)
MAX_AGE = timedelta(hours=24)

NOT_IP = "Value is not an IP address"  # [HMRC]
NOT_PUBLIC_IP = "Value is not a public IP address"  # [HMRC]
NOT_KEY_VALUE = "Value must be a key-value data structure"  # [HMRC]
KEY_VALUE_NOT_ENCODED = "At least 1 key or value is not percent encoded"  # [HMRC]
SEPARATOR_KEY_VALUE = "At least 1 separator is percent encoded. Check ampersands and equal signs."
SEPARATOR_USER_AGENT = (  # [HMRC], both
    "At least 1 separator is percent encoded. Check forward slashes, spaces and round brackets."
)
SEPARATOR_LIST = "At least 1 separator is percent encoded. Check commas."
LIST_VALUE_EMPTY = "At least 1 value in the list is empty"
LIST_VALUE_NOT_ENCODED = "At least 1 value is not percent encoded"
NOT_ENCODED = "Value is not percent encoded"
TIMEZONE = "Value must be a recognised timezone in UTC format, submitted as UTC±<hh>:<mm>"  # [HMRC]
TIMESTAMP_FORMAT = "Value must be a UTC timestamp in the format yyyy-MM-ddThh:mm:ss.sssZ"
MFA_TIMESTAMP_FORMAT = (
    "At least 1 value for 'timestamp' must be a UTC timestamp in the format yyyy-MM-ddThh:mmZ"
)
TIMESTAMP_FUTURE = "Timestamp is in the future"
TIMESTAMP_OLD = "Timestamp is more than 24 hours old. Collect the value just before the request."
UUID_ADVICE = "Use a recommended UUID. Check the specification."  # [HMRC]
WEB_APP_OS = (  # [HMRC]
    "Check you are using the correct Gov-Client-Connection-Method. Web applications do not "
    "usually provide the os field as browsers do not expose this information."
)
OS_MISSING = "Value for os is missing. Submit the user signed in on the originating device."
VERSION_MISSING = "At least 1 software version value is missing"  # [HMRC]
TWO_VERSIONS = (  # [HMRC]
    "For client server architectures, submit a version for the client and the server. "
    "For all other architectures, submit at least 1 version."
)
CONNECTION_METHOD = "Value must be a recognised connection method. Check the specification."
PORT_RANGE = "Value must be a whole number between 1 and 65535"
PORT_SERVER = "Value must not be a server port, for example 80 or 443"

_UUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
_MAC = re.compile(r"[0-9A-Fa-f]{2}(?:([:-])[0-9A-Fa-f]{2})(?:\1[0-9A-Fa-f]{2}){4}")
_POSITIVE_INT = re.compile(r"[1-9][0-9]*")
_POSITIVE_DECIMAL = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_MFA_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{3})?)?Z")
_UA_SEPARATORS = re.compile(r"%(?:2F|20|28|29)", re.IGNORECASE)
_HIDDEN_PAIR = re.compile(r"&[^&=]*=")  # a decoded value holding "&key=": separators encoded
_HIDDEN_STRUCT = re.compile(r",[^,=&]*=")  # a decoded value holding ",key=": commas encoded


@dataclass(frozen=True)
class Finding:
    """One entry of ``errors`` or ``warnings`` in HMRC's answer."""

    code: str  # "MISSING_HEADER", "INVALID_HEADER", "EMPTY_HEADER", ...
    message: str
    headers: tuple[str, ...]  # lower-case header names


@dataclass
class HeaderCheck:
    """Collects the findings about one header."""

    header: str
    method: str | None
    now: datetime
    errors: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)

    def error(self, message: str, code: str = INVALID_HEADER) -> None:
        finding = Finding(code, message, (self.header,))
        if finding not in self.errors:
            self.errors.append(finding)

    def warn(self, message: str, code: str = POTENTIALLY_INVALID_HEADER) -> None:
        finding = Finding(code, message, (self.header,))
        if finding not in self.warnings:
            self.warnings.append(finding)


def parse_ip(text: str) -> IpAddress | None:
    """An IP address from a raw or percent-encoded value, or None."""
    try:
        return ip_address(percent_decode(text))
    except (FraudHeaderFormatError, ValueError):
        return None


def _key_values(raw: str, check: HeaderCheck, *, in_list: bool = False) -> dict[str, str]:
    """Decode one key-value structure, reporting structure and encoding problems."""
    result: dict[str, str] = {}
    for key, value in split_key_values(raw):
        if value is None:
            hidden = "%3D" in key.upper()
            check.error(SEPARATOR_KEY_VALUE if hidden else NOT_KEY_VALUE)
            continue
        if not (is_percent_encoded(key) and is_percent_encoded(value)):
            check.error(KEY_VALUE_NOT_ENCODED)
            continue
        decoded_key, decoded_value = percent_decode(key), percent_decode(value)
        if _HIDDEN_PAIR.search(decoded_value):
            check.error(SEPARATOR_KEY_VALUE)
        elif in_list and _HIDDEN_STRUCT.search(decoded_value):
            check.error(SEPARATOR_LIST)
        result.setdefault(decoded_key, decoded_value)
    return result


def _key_value_list(raw: str, check: HeaderCheck) -> list[dict[str, str]]:
    structures = []
    for item in raw.split(","):
        if item == "":
            check.error(LIST_VALUE_EMPTY)
        else:
            structures.append(_key_values(item, check, in_list=True))
    return structures


def _plain_list(raw: str, check: HeaderCheck) -> list[str]:
    values = []
    for item in raw.split(","):
        if item == "":
            check.error(LIST_VALUE_EMPTY)
        elif not is_percent_encoded(item):
            check.error(LIST_VALUE_NOT_ENCODED)
        elif "," in (decoded := percent_decode(item)):
            check.error(SEPARATOR_LIST)
        else:
            values.append(decoded)
    return values


def _timestamp(raw: str, check: HeaderCheck) -> None:
    try:
        moment = parse_timestamp(raw)
    except FraudHeaderFormatError:
        check.error(TIMESTAMP_FORMAT)
        return
    if moment - check.now > FUTURE_TOLERANCE:
        check.error(TIMESTAMP_FUTURE)
    elif check.now - moment > MAX_AGE:
        check.warn(TIMESTAMP_OLD)


def _public_ip(raw: str, check: HeaderCheck) -> None:
    address = parse_ip(raw)
    if address is None:
        check.error(NOT_IP)
    elif not is_public_ip(address):
        check.error(NOT_PUBLIC_IP)


def _connection_method(raw: str, check: HeaderCheck) -> None:
    if raw not in CONNECTION_METHODS:
        check.error(CONNECTION_METHOD)


def _js_user_agent(raw: str, check: HeaderCheck) -> None:
    if _UA_SEPARATORS.search(raw):
        check.error(SEPARATOR_USER_AGENT)


def _device_id(raw: str, check: HeaderCheck) -> None:
    if _UUID.fullmatch(raw) is None:
        check.warn(UUID_ADVICE)


def _local_ips(raw: str, check: HeaderCheck) -> None:
    if any(parse_ip(value) is None for value in _plain_list(raw, check)):
        check.error("At least 1 value is not an IP address")


def _mac_addresses(raw: str, check: HeaderCheck) -> None:
    if any(_MAC.fullmatch(value) is None for value in _plain_list(raw, check)):
        check.error("At least 1 value is not a MAC address")


def _multi_factor(raw: str, check: HeaderCheck) -> None:
    for factor in _key_value_list(raw, check):
        kind, text = factor.get("type", ""), factor.get("timestamp", "")
        if not kind:
            check.error("At least 1 value for 'type' is missing")
        elif kind not in ("TOTP", "AUTH_CODE", "OTHER"):
            check.error("At least 1 value for 'type' must be TOTP, AUTH_CODE or OTHER")
        moment = _mfa_time(text)
        if not text:
            check.error("At least 1 value for 'timestamp' is missing")
        elif moment is None:
            check.error(MFA_TIMESTAMP_FORMAT)
        elif moment - check.now > FUTURE_TOLERANCE:
            check.error("At least 1 value for 'timestamp' is in the future")
        if not factor.get("unique-reference"):
            check.error("At least 1 value for 'unique-reference' is missing")


def _mfa_time(text: str) -> datetime | None:
    """``yyyy-MM-ddThh:mmZ``, optionally with seconds and milliseconds (the multi-factor form)."""
    if _MFA_TIMESTAMP.fullmatch(text) is None:
        return None
    for layout in ("%Y-%m-%dT%H:%MZ", "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S.%fZ"):
        try:
            return datetime.strptime(text, layout).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


def _port(raw: str, check: HeaderCheck) -> None:
    if _POSITIVE_INT.fullmatch(raw) is None or int(raw) > 65535:
        check.error(PORT_RANGE)
    elif int(raw) in (80, 443):
        check.error(PORT_SERVER)


def _sizes(values: dict[str, str], keys: tuple[str, ...], owner: str, check: HeaderCheck) -> None:
    """Width, height and colour depth are positive whole numbers; scaling factor is positive."""
    for key in keys:
        value, label = values.get(key, ""), key.replace("-", " ")
        pattern = _POSITIVE_DECIMAL if key == "scaling-factor" else _POSITIVE_INT
        if not value:
            check.error(f"{owner} is missing a value for {label}")  # [HMRC] for screens
        elif pattern.fullmatch(value) is None or Decimal(value) <= 0:
            check.error(f"{owner} has an invalid value for {label}. Check the specification.")


def _screens(raw: str, check: HeaderCheck) -> None:
    keys = ("width", "height", "scaling-factor", "colour-depth")
    for screen in _key_value_list(raw, check):
        _sizes(screen, keys, "At least 1 screen", check)


def _window_size(raw: str, check: HeaderCheck) -> None:
    _sizes(_key_values(raw, check), ("width", "height"), "Window", check)


def _timezone(raw: str, check: HeaderCheck) -> None:
    try:
        offset = parse_utc_offset(raw)
    except FraudHeaderFormatError:
        check.error(TIMEZONE)
        return
    in_range = timedelta(hours=-12) <= offset <= timedelta(hours=14)
    if not in_range or raw[-2:] not in ("00", "15", "30", "45"):
        check.error(TIMEZONE)


def _user_agent(raw: str, check: HeaderCheck) -> None:
    values = _key_values(raw, check)
    for key, label, required in (
        ("os-family", "OS family", True),
        ("os-version", "OS version", True),
        ("device-manufacturer", "device manufacturer", False),
        ("device-model", "device model", False),
    ):
        message = f"At least 1 value for {label} is missing"  # [HMRC]
        if values.get(key):
            continue
        if required:
            check.error(message)
        else:
            check.warn(message)


def _user_ids(raw: str, check: HeaderCheck) -> None:
    ids = _key_values(raw, check)
    if not any(ids.values()):
        check.error("Value must contain at least 1 user identifier")
    if check.method == "WEB_APP_VIA_SERVER" and "os" in ids:
        check.warn(WEB_APP_OS)
    elif check.method in _OS_METHODS and not ids.get("os"):
        check.warn(OS_MISSING)


def _forwarded(raw: str, check: HeaderCheck) -> None:
    for hop in _key_value_list(raw, check):
        for key in ("by", "for"):
            if not hop.get(key):
                check.error(f"At least 1 value for '{key}' is missing")  # [HMRC]
            else:
                _public_ip(hop[key], check)


def _licence_ids(raw: str, check: HeaderCheck) -> None:
    if not all(_key_values(raw, check).values()):
        check.error("At least 1 hashed licence value is missing")


def _product_name(raw: str, check: HeaderCheck) -> None:
    if not is_percent_encoded(raw):
        check.error(NOT_ENCODED)


def _vendor_version(raw: str, check: HeaderCheck) -> None:
    versions = _key_values(raw, check)
    if not all(versions.values()) or any(not key for key in versions):
        check.error(VERSION_MISSING)
    if check.method in _TWO_VERSION_METHODS and len(versions) < 2:
        check.warn(TWO_VERSIONS)


def _no_check(raw: str, check: HeaderCheck) -> None:
    """Headers the specification dropped; sending them "is not an issue" (change log)."""


CHECKS: dict[str, Callable[[str, HeaderCheck], None]] = {
    "gov-client-connection-method": _connection_method,
    "gov-client-browser-js-user-agent": _js_user_agent,
    "gov-client-device-id": _device_id,
    "gov-client-local-ips": _local_ips,
    "gov-client-local-ips-timestamp": _timestamp,
    "gov-client-mac-addresses": _mac_addresses,
    "gov-client-multi-factor": _multi_factor,
    "gov-client-public-ip": _public_ip,
    "gov-client-public-ip-timestamp": _timestamp,
    "gov-client-public-port": _port,
    "gov-client-screens": _screens,
    "gov-client-timezone": _timezone,
    "gov-client-user-agent": _user_agent,
    "gov-client-user-ids": _user_ids,
    "gov-client-window-size": _window_size,
    "gov-vendor-forwarded": _forwarded,
    "gov-vendor-license-ids": _licence_ids,
    "gov-vendor-product-name": _product_name,
    "gov-vendor-public-ip": _public_ip,
    "gov-vendor-version": _vendor_version,
    "gov-client-browser-plugins": _no_check,
    "gov-client-browser-do-not-track": _no_check,
}
