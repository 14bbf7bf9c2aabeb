"""The local validator: one test per rule of specification 3.3, with HMRC's codes and
messages (hmrc-api.md section 5.5)."""

from __future__ import annotations

from typing import Any

import pytest

from hmrc_sync.fraud_headers.validator import Verdict, validate_headers
from tests.unit.fraud_headers.examples import (
    BATCH_EXAMPLE,
    NOW,
    WEB_EXAMPLE,
    example_with,
    messages_for,
)


def test_no_gov_headers_at_all() -> None:
    verdict = validate_headers({"Authorization": "Bearer x", "Gov-Test-Scenario": "DEFAULT"})
    assert verdict.as_hmrc_json() == {
        "specVersion": "3.3",
        "code": "INVALID_HEADERS",
        "message": "No fraud prevention headers submitted. These are required by law. "
        "Check the specification.",
    }
    assert not verdict.valid


def test_header_names_are_case_insensitive_and_other_headers_ignored() -> None:
    mixed = {name.upper(): value for name, value in BATCH_EXAMPLE.items()}
    mixed.update({"Accept": "application/vnd.hmrc.1.0+json", "X-Forwarded-For": "10.0.0.1"})
    verdict = validate_headers(mixed, now=NOW)
    assert verdict.code == "VALID_HEADERS"
    assert verdict.valid


def test_missing_connection_method_is_reported_and_other_values_still_checked() -> None:
    headers = example_with("BATCH", "Gov-Client-Connection-Method", None)
    headers["Gov-Client-Timezone"] = "UTC+1"
    verdict = validate_headers(headers, now=NOW)
    assert [(f.code, f.message, f.headers) for f in verdict.errors] == [
        ("MISSING_HEADER", "Header required", ("gov-client-connection-method",)),
        (
            "INVALID_HEADER",
            "Value must be a recognised timezone in UTC format, submitted as UTC±<hh>:<mm>",
            ("gov-client-timezone",),
        ),
    ]


def test_unknown_connection_method() -> None:
    verdict = validate_headers(
        example_with("BATCH", "Gov-Client-Connection-Method", "CRON"), now=NOW
    )
    assert messages_for(verdict.errors, "gov-client-connection-method") == [
        "Value must be a recognised connection method. Check the specification."
    ]


@pytest.mark.parametrize(
    ("method", "absent"),
    [
        ("WEB_APP_VIA_SERVER", "gov-client-local-ips"),
        ("BATCH_PROCESS_DIRECT", "gov-client-public-ip"),
        ("MOBILE_APP_DIRECT", "gov-client-mac-addresses"),
        ("OTHER_DIRECT", "gov-client-screens"),
    ],
)
def test_required_set_follows_the_connection_method(method: str, absent: str) -> None:
    verdict = validate_headers({"Gov-Client-Connection-Method": method}, now=NOW)
    missing = {f.headers[0] for f in verdict.errors if f.code == "MISSING_HEADER"}
    assert absent not in missing
    expected_counts = {
        "WEB_APP_VIA_SERVER": 15,
        "BATCH_PROCESS_DIRECT": 10,
        "MOBILE_APP_DIRECT": 12,
        "OTHER_DIRECT": 11,
    }
    assert len(missing) == expected_counts[method]


def test_headers_the_method_does_not_need_are_accepted_when_valid() -> None:
    # Change log 3.1/3.2: a web app sending Local-IPs or Do-Not-Track "is not an issue".
    headers = dict(WEB_EXAMPLE)
    headers["Gov-Client-Local-IPs"] = "10.1.2.3"
    headers["Gov-Client-Browser-Do-Not-Track"] = "false"
    assert validate_headers(headers, now=NOW).code == "VALID_HEADERS"


def test_forwarded_must_pair_client_and_vendor_public_ips() -> None:
    headers = example_with("WEB", "Gov-Vendor-Forwarded", "by=203.0.113.6&for=198.51.100.1")
    verdict = validate_headers(headers, now=NOW)
    assert verdict.as_hmrc_json()["errors"] == [
        {
            "code": "INVALID_HEADERS",
            "message": "At least 1 pair of IPs in Gov-Vendor-Forwarded must include "
            "Gov-Client-Public-IP in the 'for' field and Gov-Vendor-Public-IP in the 'by' field. "
            "Check all 3 headers are consistent.",
            "headers": ["gov-vendor-forwarded", "gov-vendor-public-ip", "gov-client-public-ip"],
        }
    ]


def test_forwarded_pair_compares_addresses_not_spellings() -> None:
    # Spec example 2 spells the WAF's IPv6 address in full in both headers.
    waf = "2001%3A0db8%3A85a3%3A0000%3A0000%3A8a2e%3A0370%3A7334"
    headers = dict(WEB_EXAMPLE)
    headers["Gov-Vendor-Public-IP"] = "2001:db8:85a3::8a2e:370:7334"
    headers["Gov-Vendor-Forwarded"] = (
        f"by={waf}&for=198.51.100.0,by=203.0.113.6&for={waf},by=176.30.57.118&for=203.0.113.6"
    )
    assert validate_headers(headers, now=NOW).code == "VALID_HEADERS"


def test_forwarded_pair_not_first_is_a_warning() -> None:
    headers = example_with(
        "WEB",
        "Gov-Vendor-Forwarded",
        "by=176.30.57.118&for=203.0.113.9,by=203.0.113.6&for=198.51.100.0",
    )
    verdict = validate_headers(headers, now=NOW)
    assert verdict.errors == ()
    assert [(f.code, f.headers) for f in verdict.warnings] == [
        (
            "POTENTIALLY_INVALID_HEADER",
            ("gov-vendor-forwarded", "gov-vendor-public-ip", "gov-client-public-ip"),
        )
    ]


def test_two_versions_warning_for_desktop_via_server() -> None:
    headers = {**BATCH_EXAMPLE, **WEB_EXAMPLE}
    del headers["Gov-Client-Browser-JS-User-Agent"]
    headers["Gov-Client-Connection-Method"] = "DESKTOP_APP_VIA_SERVER"
    headers["Gov-Client-User-IDs"] = "os=domain%5Calice&my-application=alice123"
    headers["Gov-Vendor-Version"] = "my-desktop-app=2.2.2&my-serverside-code=v3.8"
    assert validate_headers(headers, now=NOW).code == "VALID_HEADERS"
    headers["Gov-Vendor-Version"] = "my-desktop-app=2.2.2"
    verdict = validate_headers(headers, now=NOW)
    assert verdict.code == "POTENTIALLY_INVALID_HEADERS"
    assert messages_for(verdict.warnings, "gov-vendor-version") == [
        "For client server architectures, submit a version for the client and the server. "
        "For all other architectures, submit at least 1 version."
    ]


@pytest.mark.parametrize(
    ("base", "header", "example"),
    [
        ("BATCH", "Gov-Client-Local-IPs", "10.1.2.3,10.3.4.2"),
        ("WEB", "Gov-Client-Screens", "width=375&height=812&scaling-factor=2&colour-depth=32"),
        ("WEB", "Gov-Client-Window-Size", "width=375&height=812"),
        ("BATCH", "Gov-Client-Timezone", "UTC+00:00"),
        ("BATCH", "Gov-Client-Timezone", "UTC+01:00"),
        (
            "BATCH",
            "Gov-Client-User-Agent",
            "os-family=iOS&os-version=13.3.1&device-manufacturer=Apple&device-model=iPhone12%2C3",
        ),
        ("BATCH", "Gov-Client-User-IDs", "os=alice&my-application=alice123"),
        ("WEB", "Gov-Client-User-IDs", "my-application=alice123"),
        (
            "WEB",
            "Gov-Client-User-IDs",
            "my-application=alice123&my-secondary-application=alice_secondary",
        ),
        ("BATCH", "Gov-Vendor-Product-Name", "Company%20Name"),
        (
            "WEB",
            "Gov-Vendor-License-IDs",
            "my%20licensed%20software=8D7963490527D33716835EE7C195516D5E562E03B224E9B359836466EE40CDE1",
        ),
        ("WEB", "Gov-Client-Browser-JS-User-Agent", "Mozilla/5.0 (X11; Linux x86_64)"),
    ],
)
def test_spec_examples_are_valid(base: str, header: str, example: str) -> None:
    verdict = validate_headers(example_with(base, header, example), now=NOW)
    assert verdict.header_code(header) == "VALID_HEADER"
    assert verdict.code == "VALID_HEADERS"


def test_spec_ipv6_public_ip_example_is_valid() -> None:
    headers = example_with("WEB", "Gov-Client-Public-IP", "ABCD:EF01:2345:6789:ABCD:EF01:2345:6789")
    headers["Gov-Vendor-Forwarded"] = (
        "by=203.0.113.6&for=ABCD%3AEF01%3A2345%3A6789%3AABCD%3AEF01%3A2345%3A6789"
    )
    assert validate_headers(headers, now=NOW).code == "VALID_HEADERS"


INVALID, WARNING = "errors", "warnings"
TIMEZONE = "Value must be a recognised timezone in UTC format, submitted as UTC±<hh>:<mm>"
TIMESTAMP_FORMAT = "Value must be a UTC timestamp in the format yyyy-MM-ddThh:mm:ss.sssZ"
SEPARATOR_KV = "At least 1 separator is percent encoded. Check ampersands and equal signs."
SEPARATOR_LIST = "At least 1 separator is percent encoded. Check commas."
SEPARATOR_UA = (
    "At least 1 separator is percent encoded. Check forward slashes, spaces and round brackets."
)
EMPTY_ITEM = "At least 1 value in the list is empty"

EMPTY_REQUIRED = "Value is empty. Your connection method requires a value for this header."
EMPTY_MISSING_DATA = (
    "Value is empty. If you cannot collect this value, you must contact us explaining why you "
    "cannot submit this header."
)
WEB_OS = (
    "Check you are using the correct Gov-Client-Connection-Method. Web applications do not "
    "usually provide the os field as browsers do not expose this information."
)
NOT_ASCII = "Value must only contain US-ASCII characters. Percent encode all other characters."
MFA_TIMESTAMP = (
    "At least 1 value for 'timestamp' must be a UTC timestamp in the format yyyy-MM-ddThh:mmZ"
)
TIMESTAMP_OLD = "Timestamp is more than 24 hours old. Collect the value just before the request."
NOT_PUBLIC = "Value is not a public IP address"


def _cases(where: str, code: str, message: str, *cases: tuple[str, str, str, str | None]) -> Any:
    return [
        pytest.param(base, header, value, where, code, message, id=case_id)
        for case_id, base, header, value in cases
    ]


# Each group: (errors or warnings, HMRC code, message), then (id, base, header, broken value or
# None to drop the header).
BROKEN = [
    *_cases(
        INVALID,
        "MISSING_HEADER",
        "Header required",
        ("missing header (web)", "WEB", "Gov-Client-Screens", None),
        ("missing header (batch)", "BATCH", "Gov-Client-MAC-Addresses", None),
    ),
    *_cases(
        INVALID,
        "EMPTY_HEADER",
        EMPTY_REQUIRED,
        ("empty required header", "BATCH", "Gov-Client-Device-ID", ""),
    ),
    *_cases(
        WARNING,
        "EMPTY_HEADER",
        EMPTY_MISSING_DATA,
        ("empty licence ids", "BATCH", "Gov-Vendor-License-IDs", ""),
    ),
    *_cases(
        INVALID,
        "INVALID_HEADER",
        EMPTY_ITEM,
        ("empty list item: local ips", "BATCH", "Gov-Client-Local-IPs", "10.1.2.3,,10.3.4.2"),
        (
            "empty list item: mac trailing comma",
            "BATCH",
            "Gov-Client-MAC-Addresses",
            "ea%3A43%3A1a%3A5d%3A21%3A45,",
        ),
        (
            "empty list item: screens",
            "WEB",
            "Gov-Client-Screens",
            ",width=375&height=812&scaling-factor=2&colour-depth=32",
        ),
    ),
    *_cases(
        INVALID,
        "INVALID_HEADER",
        SEPARATOR_KV,
        (
            "encoded & and =",
            "BATCH",
            "Gov-Client-User-Agent",
            "os-family%3DWindows%26os-version%3D10",
        ),
        ("encoded &", "BATCH", "Gov-Client-User-IDs", "os=alice%26my-application%3Dalice123"),
        ("encoded =", "WEB", "Gov-Vendor-Version", "my-web-app%3D2.2.2"),
    ),
    *_cases(
        INVALID,
        "INVALID_HEADER",
        SEPARATOR_LIST,
        ("encoded , in a list", "BATCH", "Gov-Client-Local-IPs", "10.1.2.3%2C10.3.4.2"),
        (
            "encoded , between structures",
            "WEB",
            "Gov-Client-Screens",
            "width=375&height=812&scaling-factor=2&colour-depth=32%2Cwidth%3D1920",
        ),
    ),
    *_cases(
        INVALID,
        "INVALID_HEADER",
        SEPARATOR_UA,
        (
            "encoded / and spaces in JS user agent",
            "WEB",
            "Gov-Client-Browser-JS-User-Agent",
            "Mozilla%2F5.0%20%28iPad%29",
        ),
    ),
    *_cases(
        INVALID,
        "INVALID_HEADER",
        NOT_PUBLIC,
        ("private client public ip", "WEB", "Gov-Client-Public-IP", "192.168.1.10"),
        ("shared (CGNAT) vendor public ip", "WEB", "Gov-Vendor-Public-IP", "100.64.0.1"),
        ("private ipv6 client ip", "WEB", "Gov-Client-Public-IP", "fd00::1"),
        (
            "private ip in forwarded",
            "WEB",
            "Gov-Vendor-Forwarded",
            "by=203.0.113.6&for=198.51.100.0,by=10.0.0.2&for=203.0.113.6",
        ),
    ),
    *_cases(
        INVALID,
        "INVALID_HEADER",
        "Value is not an IP address",
        ("not an ip", "WEB", "Gov-Client-Public-IP", "my-laptop"),
    ),
    *_cases(
        INVALID,
        "INVALID_HEADER",
        "At least 1 value for 'by' is missing",
        ("forwarded without by", "WEB", "Gov-Vendor-Forwarded", "for=198.51.100.0"),
    ),
    *_cases(
        INVALID,
        "INVALID_HEADER",
        TIMESTAMP_FORMAT,
        (
            "timestamp without milliseconds",
            "BATCH",
            "Gov-Client-Local-IPs-Timestamp",
            "2021-11-21T13:30:05Z",
        ),
        (
            "timestamp without trailing zero",
            "BATCH",
            "Gov-Client-Local-IPs-Timestamp",
            "2021-11-21T13:30:05.12Z",
        ),
        (
            "timestamp without T",
            "WEB",
            "Gov-Client-Public-IP-Timestamp",
            "2021-11-21 13:30:05.123Z",
        ),
        (
            "timestamp with an offset",
            "WEB",
            "Gov-Client-Public-IP-Timestamp",
            "2021-11-21T14:30:05.123+01:00",
        ),
        (
            "timestamp not a date",
            "BATCH",
            "Gov-Client-Local-IPs-Timestamp",
            "2021-02-30T13:30:05.123Z",
        ),
    ),
    *_cases(
        INVALID,
        "INVALID_HEADER",
        "Timestamp is in the future",
        (
            "timestamp in the future",
            "BATCH",
            "Gov-Client-Local-IPs-Timestamp",
            "2021-11-21T13:40:05.123Z",
        ),
    ),
    *_cases(
        WARNING,
        "POTENTIALLY_INVALID_HEADER",
        TIMESTAMP_OLD,
        (
            "timestamp two days old",
            "BATCH",
            "Gov-Client-Local-IPs-Timestamp",
            "2021-11-19T13:30:05.123Z",
        ),
    ),
    *_cases(
        INVALID,
        "INVALID_HEADER",
        MFA_TIMESTAMP,
        (
            "multi-factor timestamp without T",
            "WEB",
            "Gov-Client-Multi-Factor",
            "type=TOTP&timestamp=2021-11-21%2013%3A23Z&unique-reference=abc",
        ),
    ),
    *_cases(
        INVALID,
        "INVALID_HEADER",
        TIMEZONE,
        ("timezone without minutes", "BATCH", "Gov-Client-Timezone", "UTC+1"),
        ("timezone as GMT", "BATCH", "Gov-Client-Timezone", "GMT+01:00"),
        ("timezone as a name", "BATCH", "Gov-Client-Timezone", "Europe/London"),
        ("timezone percent encoded", "BATCH", "Gov-Client-Timezone", "UTC%2B01%3A00"),
        ("timezone out of range", "BATCH", "Gov-Client-Timezone", "UTC+15:00"),
        ("timezone odd minutes", "BATCH", "Gov-Client-Timezone", "UTC+01:07"),
    ),
    *_cases(
        WARNING,
        "POTENTIALLY_INVALID_HEADER",
        WEB_OS,
        ("os= in a web app", "WEB", "Gov-Client-User-IDs", "os=alice&my-application=alice123"),
    ),
    *_cases(
        WARNING,
        "POTENTIALLY_INVALID_HEADER",
        "Value for os is missing. Submit the user signed in on the originating device.",
        ("no os= in a batch", "BATCH", "Gov-Client-User-IDs", "my-application=alice123"),
    ),
    *_cases(
        WARNING,
        "POTENTIALLY_INVALID_HEADER",
        "Use a recommended UUID. Check the specification.",
        ("device id not a uuid", "BATCH", "Gov-Client-Device-ID", "my-laptop-1"),
    ),
    *_cases(
        INVALID,
        "INVALID_HEADER",
        "Value must not be a server port, for example 80 or 443",
        ("server port", "WEB", "Gov-Client-Public-Port", "443"),
    ),
    *_cases(
        INVALID,
        "INVALID_HEADER",
        "Value must be a whole number between 1 and 65535",
        ("port out of range", "WEB", "Gov-Client-Public-Port", "65536"),
    ),
    *_cases(
        INVALID,
        "INVALID_HEADER",
        "At least 1 screen is missing a value for colour depth",
        (
            "screen without colour depth",
            "WEB",
            "Gov-Client-Screens",
            "width=1920&height=1080&scaling-factor=1",
        ),
    ),
    *_cases(
        INVALID,
        "INVALID_HEADER",
        "At least 1 screen has an invalid value for width. Check the specification.",
        (
            "screen width not positive",
            "WEB",
            "Gov-Client-Screens",
            "width=0&height=1080&scaling-factor=1&colour-depth=16",
        ),
    ),
    *_cases(
        INVALID,
        "INVALID_HEADER",
        "Window has an invalid value for height. Check the specification.",
        ("window height a decimal", "WEB", "Gov-Client-Window-Size", "width=1256&height=803.5"),
    ),
    *_cases(
        INVALID,
        "INVALID_HEADER",
        "Value must be a key-value data structure",
        ("window size not key-value", "WEB", "Gov-Client-Window-Size", "1256x803"),
    ),
    *_cases(
        INVALID,
        "INVALID_HEADER",
        "At least 1 key or value is not percent encoded",
        (
            "user ids not percent encoded",
            "BATCH",
            "Gov-Client-User-IDs",
            "os=domain\\alice&my-application=alice123",
        ),
    ),
    *_cases(
        INVALID,
        "INVALID_HEADER",
        "At least 1 value is not percent encoded",
        ("raw ipv6 in local ips", "BATCH", "Gov-Client-Local-IPs", "fc00::,10.1.2.3"),
    ),
    *_cases(
        INVALID,
        "INVALID_HEADER",
        "At least 1 value is not an IP address",
        ("local ip not an ip", "BATCH", "Gov-Client-Local-IPs", "10.1.2.3,localhost"),
    ),
    *_cases(
        INVALID,
        "INVALID_HEADER",
        "At least 1 value is not a MAC address",
        ("mac not a mac", "BATCH", "Gov-Client-MAC-Addresses", "ea%3A43%3A1a"),
    ),
    *_cases(
        INVALID,
        "INVALID_HEADER",
        "Value is not percent encoded",
        ("product name not encoded", "BATCH", "Gov-Vendor-Product-Name", "Product Name"),
    ),
    *_cases(
        INVALID,
        "INVALID_HEADER",
        NOT_ASCII,
        ("non-ascii value", "BATCH", "Gov-Vendor-Product-Name", "Caf\u00e9"),
    ),
    *_cases(
        INVALID,
        "INVALID_HEADER",
        "At least 1 value for OS family is missing",
        (
            "user agent without os family",
            "BATCH",
            "Gov-Client-User-Agent",
            "os-version=10&device-manufacturer=Dell&device-model=XPS13",
        ),
    ),
    *_cases(
        WARNING,
        "POTENTIALLY_INVALID_HEADER",
        "At least 1 value for device model is missing",
        (
            "user agent without device model",
            "BATCH",
            "Gov-Client-User-Agent",
            "os-family=Linux&os-version=6.1&device-manufacturer=Dell&device-model=",
        ),
    ),
    *_cases(
        INVALID,
        "INVALID_HEADER",
        "At least 1 value for 'type' must be TOTP, AUTH_CODE or OTHER",
        (
            "multi-factor type unknown",
            "WEB",
            "Gov-Client-Multi-Factor",
            "type=SMS&timestamp=2021-11-21T13%3A23Z&unique-reference=abc",
        ),
    ),
    *_cases(
        INVALID,
        "INVALID_HEADER",
        "At least 1 value for 'unique-reference' is missing",
        (
            "multi-factor without reference",
            "WEB",
            "Gov-Client-Multi-Factor",
            "type=TOTP&timestamp=2021-11-21T13%3A23Z",
        ),
    ),
    *_cases(
        INVALID,
        "INVALID_HEADER",
        "At least 1 software version value is missing",
        ("vendor version value missing", "WEB", "Gov-Vendor-Version", "my-web-app="),
    ),
    *_cases(
        INVALID,
        "INVALID_HEADER",
        "At least 1 hashed licence value is missing",
        ("licence value missing", "WEB", "Gov-Vendor-License-IDs", "my-licensed-software="),
    ),
    *_cases(
        WARNING,
        "UNEXPECTED_HEADER",
        "Unrecognised header. Check format and spelling.",
        ("unrecognised gov header", "BATCH", "Gov-Client-Colour", "blue"),
    ),
]


@pytest.mark.parametrize(("base", "header", "value", "where", "code", "message"), BROKEN)
def test_broken_input_is_answered_with_hmrc_codes(
    base: str, header: str, value: str | None, where: str, code: str, message: str
) -> None:
    verdict = validate_headers(example_with(base, header, value), now=NOW)
    findings = verdict.errors if where == INVALID else verdict.warnings
    assert (code, message) in [(f.code, f.message) for f in findings if header.lower() in f.headers]
    assert verdict.code == (
        "INVALID_HEADERS" if where == INVALID else "POTENTIALLY_INVALID_HEADERS"
    )
    assert verdict.valid is (where == WARNING)
    # Nothing else in the request is blamed.
    assert all(header.lower() in f.headers for f in verdict.errors + verdict.warnings)


def test_header_code_summarises_each_header() -> None:
    headers = example_with("WEB", "Gov-Client-Screens", None)
    headers["Gov-Client-Timezone"] = "UTC+1"
    headers["Gov-Client-User-IDs"] = "os=alice&my-application=alice123"
    headers["Gov-Client-Hat"] = "x"
    verdict: Verdict = validate_headers(headers, now=NOW)
    assert verdict.header_code("Gov-Client-Screens") == "MISSING_HEADER"
    assert verdict.header_code("gov-client-timezone") == "INVALID_HEADER"
    assert verdict.header_code("gov-client-user-ids") == "POTENTIALLY_INVALID_HEADER"
    assert verdict.header_code("gov-client-hat") == "UNEXPECTED_HEADER"
    assert verdict.header_code("gov-client-device-id") == "VALID_HEADER"
