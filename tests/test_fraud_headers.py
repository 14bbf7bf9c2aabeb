"""Shape tests for the fraud-prevention headers: builders, the local validator, encoding.

Expected values are written by hand from specification 3.3 (hmrc/txm-fph-specification, the
header partials' examples) and from HMRC's published validator answers (the Test Fraud
Prevention Headers API OAS in ``../shared/hmrc-fixtures/txm-fph-validator-api``, and answers
quoted in hmrc-api.md section 5.5).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from ipaddress import ip_address
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from hmrc_sync import __version__
from hmrc_sync.fraud_headers import (
    BatchContext,
    BrowserContext,
    DeviceInfo,
    ForwardedHop,
    MultiFactor,
    Screen,
    ServerContext,
    Unavailable,
    VendorContext,
    WebAppContext,
    WindowSize,
    build_batch_headers,
    build_web_app_headers,
    direct_hop,
    parse_key_value_list,
    parse_key_values,
    parse_list,
    percent_decode,
    percent_encode,
    unavailable_data,
)
from hmrc_sync.fraud_headers.encoding import encode_key_values, encode_list, encode_verbatim
from hmrc_sync.fraud_headers.validator import Verdict, validate_headers

# The spec's timestamp examples are from 2020 but its multi-factor ones from 2021, so the
# collection timestamps here are the 2021 day of the multi-factor example.
NOW = datetime(2021, 11, 21, 13, 30, 6, tzinfo=UTC)
STAMP = "2021-11-21T13:30:05.123Z"
DEVICE_ID = "beec798b-b366-47fa-b1f8-92cede14a1ce"
LICENCE = "8D7963490527D33716835EE7C195516D5E562E03B224E9B359836466EE40CDE1"
REF_1 = "fc4b5fd6816f75a7c81fc8eaa9499d6a299bd803397166e8c4cf9280b801d62c"
REF_2 = "0283da60063abfb3a87f1aed845d17fe2d9ba8c780b478dc4ae048f5ee97a6d5"
IPAD = (
    "Mozilla/5.0 (iPad; U; CPU OS 3_2_1 like Mac OS X; en-us) AppleWebKit/531.21.10 "
    "(KHTML, like Gecko) Mobile/7B405"
)

# Every value is the specification's own example for that header.
WEB_EXAMPLE = {
    "Gov-Client-Connection-Method": "WEB_APP_VIA_SERVER",
    "Gov-Client-Browser-JS-User-Agent": IPAD,
    "Gov-Client-Device-ID": DEVICE_ID,
    "Gov-Client-Multi-Factor": (
        f"type=AUTH_CODE&timestamp=2021-11-21T13%3A23Z&unique-reference={REF_1},"
        f"type=TOTP&timestamp=2021-11-21T13%3A20Z&unique-reference={REF_2}"
    ),
    "Gov-Client-Public-IP": "198.51.100.0",
    "Gov-Client-Public-IP-Timestamp": STAMP,
    "Gov-Client-Public-Port": "12345",
    "Gov-Client-Screens": (
        "width=1920&height=1080&scaling-factor=1&colour-depth=16,"
        "width=3000&height=2000&scaling-factor=1.25&colour-depth=16"
    ),
    "Gov-Client-Timezone": "UTC+00:00",
    "Gov-Client-User-IDs": "my-application=alice123",
    "Gov-Client-Window-Size": "width=1256&height=803",
    "Gov-Vendor-Forwarded": "by=203.0.113.6&for=198.51.100.0",
    "Gov-Vendor-License-IDs": f"my-licensed-software={LICENCE}",
    "Gov-Vendor-Product-Name": "Product%20Name",
    "Gov-Vendor-Public-IP": "203.0.113.6",
    "Gov-Vendor-Version": "my-web-app=2.2.2",
}
BATCH_EXAMPLE = {
    "Gov-Client-Connection-Method": "BATCH_PROCESS_DIRECT",
    "Gov-Client-Device-ID": DEVICE_ID,
    "Gov-Client-Local-IPs": "fc00%3A%3A,10.1.2.3",
    "Gov-Client-Local-IPs-Timestamp": STAMP,
    "Gov-Client-MAC-Addresses": "ea%3A43%3A1a%3A5d%3A21%3A45,10%3A12%3Acc%3Afa%3Aaa%3A32",
    "Gov-Client-Timezone": "UTC-01:15",
    "Gov-Client-User-Agent": (
        "os-family=Windows&os-version=Server%202012&device-manufacturer=Dell%20Inc."
        "&device-model=OptiPlex%20980"
    ),
    "Gov-Client-User-IDs": "os=domain%5Calice&my-application=alice123",
    "Gov-Vendor-License-IDs": f"my-licensed-software={LICENCE}",
    "Gov-Vendor-Product-Name": "Product%20Name",
    "Gov-Vendor-Version": "my-application=1.6.0",
}
EXAMPLES = {"WEB": WEB_EXAMPLE, "BATCH": BATCH_EXAMPLE}


def _with(base: str, header: str, value: str | None) -> dict[str, str]:
    headers = dict(EXAMPLES[base])
    if value is None:
        headers.pop(header, None)
    else:
        headers[header] = value
    return headers


def _messages(findings: tuple[Any, ...], header: str) -> list[str]:
    return [f.message for f in findings if f.headers == (header.lower(),)]


# --------------------------------------------------------------------------------------------
# Builders: golden header sets from fixed contexts
# --------------------------------------------------------------------------------------------


def _spec_vendor(version: tuple[str, str]) -> VendorContext:
    return VendorContext("Product Name", (version,), (("my-licensed-software", LICENCE),))


def _batch_context(**changes: Any) -> BatchContext:
    fields: dict[str, Any] = {
        "device_id": UUID(DEVICE_ID),
        "local_ips": (ip_address("fc00::"), ip_address("10.1.2.3")),
        "local_ips_collected_at": datetime(2021, 11, 21, 13, 30, 5, 123000, tzinfo=UTC),
        "mac_addresses": ("ea:43:1a:5d:21:45", "10:12:cc:fa:aa:32"),
        "utc_offset": -timedelta(hours=1, minutes=15),
        "device": DeviceInfo("Windows", "Server 2012", "Dell Inc.", "OptiPlex 980"),
        "os_user": "domain\\alice",
        "vendor": _spec_vendor(("my-application", "1.6.0")),
        "app_user_ids": (("my-application", "alice123"),),
    }
    fields.update(changes)
    return BatchContext(**fields)


def _server_context(**changes: Any) -> ServerContext:
    client, vendor = ip_address("198.51.100.0"), ip_address("203.0.113.6")
    fields: dict[str, Any] = {
        "client_public_ip": client,
        # 14:30:05.123 at UTC+01:00 is 13:30:05.123Z
        "client_public_ip_collected_at": datetime(
            2021, 11, 21, 14, 30, 5, 123000, tzinfo=timezone(timedelta(hours=1))
        ),
        "client_public_port": 12345,
        "vendor_public_ip": vendor,
        "forwarded": direct_hop(vendor, client),
        "multi_factor": (
            MultiFactor("AUTH_CODE", datetime(2021, 11, 21, 13, 23, tzinfo=UTC), REF_1),
            MultiFactor("TOTP", datetime(2021, 11, 21, 13, 20, tzinfo=UTC), REF_2),
        ),
        "user_ids": (("my-application", "alice123"),),
    }
    fields.update(changes)
    return ServerContext(**fields)


def _web_context(server: ServerContext | None = None) -> WebAppContext:
    browser = BrowserContext(
        js_user_agent=IPAD,
        screens=(Screen(1920, 1080, Decimal("1"), 16), Screen(3000, 2000, Decimal("1.25"), 16)),
        window_size=WindowSize(1256, 803),
        utc_offset=timedelta(0),
        device_id=UUID(DEVICE_ID),
    )
    return WebAppContext(
        browser, server or _server_context(), _spec_vendor(("my-web-app", "2.2.2"))
    )


def test_batch_golden_headers_are_the_spec_examples() -> None:
    assert build_batch_headers(_batch_context()) == BATCH_EXAMPLE


def test_batch_sends_exactly_the_eleven_required_headers() -> None:
    assert set(build_batch_headers(_batch_context())) == {
        "Gov-Client-Connection-Method",
        "Gov-Client-Device-ID",
        "Gov-Client-Local-IPs",
        "Gov-Client-Local-IPs-Timestamp",
        "Gov-Client-MAC-Addresses",
        "Gov-Client-Timezone",
        "Gov-Client-User-Agent",
        "Gov-Client-User-IDs",
        "Gov-Vendor-License-IDs",
        "Gov-Vendor-Product-Name",
        "Gov-Vendor-Version",
    }


def test_web_golden_headers() -> None:
    expected = dict(WEB_EXAMPLE)
    # The builder always writes seconds and milliseconds in the multi-factor timestamp.
    expected["Gov-Client-Multi-Factor"] = (
        f"type=AUTH_CODE&timestamp=2021-11-21T13%3A23%3A00.000Z&unique-reference={REF_1},"
        f"type=TOTP&timestamp=2021-11-21T13%3A20%3A00.000Z&unique-reference={REF_2}"
    )
    assert build_web_app_headers(_web_context()) == expected
    assert len(expected) == 16


def test_golden_sets_pass_the_local_validator() -> None:
    for headers in (build_batch_headers(_batch_context()), build_web_app_headers(_web_context())):
        verdict = validate_headers(headers, now=NOW)
        assert (verdict.code, verdict.errors, verdict.warnings) == ("VALID_HEADERS", (), ())


def test_forwarded_chain_through_a_waf_is_encoded_hop_by_hop() -> None:
    # Spec example 2: client -> WAF (IPv6) -> vendor server 1 -> vendor server 2 -> HMRC.
    client, waf = ip_address("198.51.100.0"), ip_address("2001:db8:85a3::8a2e:370:7334")
    server_1, server_2 = ip_address("203.0.113.6"), ip_address("176.30.57.118")
    hops = (
        ForwardedHop(by=waf, for_=client),
        ForwardedHop(by=server_1, for_=waf),
        ForwardedHop(by=server_2, for_=server_1),
    )
    headers = build_web_app_headers(
        _web_context(_server_context(vendor_public_ip=waf, forwarded=hops))
    )
    assert headers["Gov-Vendor-Forwarded"] == (
        "by=2001%3Adb8%3A85a3%3A%3A8a2e%3A370%3A7334&for=198.51.100.0,"
        "by=203.0.113.6&for=2001%3Adb8%3A85a3%3A%3A8a2e%3A370%3A7334,"
        "by=176.30.57.118&for=203.0.113.6"
    )
    assert headers["Gov-Vendor-Public-IP"] == "2001:db8:85a3::8a2e:370:7334"
    assert validate_headers(headers, now=NOW).code == "VALID_HEADERS"


def test_hmrc_sync_vendor_has_no_licence_and_says_why() -> None:
    context = _batch_context(vendor=VendorContext.hmrc_sync())
    headers = build_batch_headers(context)
    assert headers["Gov-Vendor-Product-Name"] == "hmrc-sync"
    assert headers["Gov-Vendor-Version"] == f"hmrc-sync={percent_encode(__version__)}"
    assert headers["Gov-Vendor-License-IDs"] == ""
    assert "open-source" in unavailable_data(context)["Gov-Vendor-License-IDs"]
    verdict = validate_headers(headers, now=NOW)
    assert verdict.errors == ()
    assert [(f.code, f.headers) for f in verdict.warnings] == [
        ("EMPTY_HEADER", ("gov-vendor-license-ids",))
    ]


def test_single_factor_sign_in_sends_an_empty_multi_factor_header() -> None:
    reason = "the owner signs in with a password only"
    context = _web_context(_server_context(multi_factor=Unavailable(reason)))
    headers = build_web_app_headers(context)
    assert headers["Gov-Client-Multi-Factor"] == ""
    assert unavailable_data(context) == {"Gov-Client-Multi-Factor": reason}
    # hmrc-api.md 5.5: HMRC's answer to an empty Gov-Client-Multi-Factor (income-tax-mtd #393)
    assert validate_headers(headers, now=NOW).as_hmrc_json() == {
        "specVersion": "3.3",
        "code": "POTENTIALLY_INVALID_HEADERS",
        "message": "At least 1 header is potentially invalid",
        "warnings": [
            {
                "code": "EMPTY_HEADER",
                "message": "Value is empty. This may be correct for single factor "
                "authentication, for example username and password. If this is the case, you "
                "must contact us explaining why you cannot submit this header.",
                "headers": ["gov-client-multi-factor"],
            }
        ],
    }


def test_private_network_client_leaves_public_address_headers_empty_with_reasons() -> None:
    lan = Unavailable("the owner's browser reaches the service over a private network")
    vendor = ip_address("203.0.113.6")
    context = _web_context(
        _server_context(
            client_public_ip=lan,
            client_public_port=lan,
            forwarded=direct_hop(vendor, lan),
        )
    )
    headers = build_web_app_headers(context)
    for name in (
        "Gov-Client-Public-IP",
        "Gov-Client-Public-IP-Timestamp",
        "Gov-Client-Public-Port",
        "Gov-Vendor-Forwarded",
    ):
        assert headers[name] == ""
        assert "private network" in unavailable_data(context)[name]
    assert headers["Gov-Vendor-Public-IP"] == "203.0.113.6"


def test_unavailable_with_omit_drops_the_header() -> None:
    context = _batch_context(mac_addresses=Unavailable("no interfaces", omit=True))
    headers = build_batch_headers(context)
    assert "Gov-Client-MAC-Addresses" not in headers
    assert unavailable_data(context) == {"Gov-Client-MAC-Addresses": "no interfaces"}


def test_unreadable_device_model_keeps_the_key_with_an_empty_value() -> None:
    device = DeviceInfo("Linux", "6.1.0", "QEMU", Unavailable("no DMI data"))
    context = _batch_context(device=device)
    assert build_batch_headers(context)["Gov-Client-User-Agent"] == (
        "os-family=Linux&os-version=6.1.0&device-manufacturer=QEMU&device-model="
    )
    assert unavailable_data(context) == {"Gov-Client-User-Agent": "device-model: no DMI data"}


@pytest.mark.parametrize(
    ("build", "problem"),
    [
        (lambda: _batch_context(os_user="null"), "placeholder"),
        (lambda: _batch_context(os_user=" "), "empty"),
        (lambda: _batch_context(mac_addresses=()), "Unavailable"),
        (lambda: _batch_context(mac_addresses=("EA-43-1A-5D-21-45",)), "MAC"),
        (lambda: _batch_context(local_ips_collected_at=datetime(2020, 9, 21)), "aware"),  # noqa: DTZ001
        (lambda: _batch_context(utc_offset=timedelta(seconds=30)), "whole minutes"),
        (lambda: _server_context(client_public_ip=ip_address("192.168.1.2")), "not public"),
        (lambda: _server_context(vendor_public_ip=ip_address("10.0.0.1")), "not public"),
        (lambda: _server_context(client_public_port=443), "server port"),
        (lambda: _server_context(user_ids=(("os", "alice"),)), "'os'"),
        (lambda: _server_context(user_ids=()), "login id"),
        (lambda: _server_context(multi_factor=()), "single-factor"),
        (
            lambda: _server_context(
                forwarded=(ForwardedHop(ip_address("203.0.113.9"), ip_address("198.51.100.0")),)
            ),
            "vendor public IP",
        ),
        (lambda: Screen(0, 1080, Decimal(1), 24), "positive"),
        (lambda: Unavailable(""), "reason"),
    ],
)
def test_contexts_refuse_values_the_spec_forbids(build: Any, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        build()


# --------------------------------------------------------------------------------------------
# Validator: the answers HMRC publishes (OAS examples in ../shared)
# --------------------------------------------------------------------------------------------


class _TextLoader(yaml.SafeLoader):
    """Keeps timestamps as the text HMRC wrote (header values must stay strings)."""


_TextLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _oas(shared: Path) -> dict[str, Any]:
    path = shared / "hmrc-fixtures" / "txm-fph-validator-api" / "resolved.1.0.yaml"
    loaded: dict[str, Any] = yaml.load(path.read_text(encoding="utf-8"), Loader=_TextLoader)  # noqa: S506
    return loaded


def _without_spec_version(body: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in body.items() if key != "specVersion"}


def _oas_validate_examples(shared: Path) -> dict[str, Any]:
    operation = _oas(shared)["paths"]["/test/fraud-prevention-headers/validate"]["get"]
    examples: dict[str, Any] = operation["responses"]["200"]["content"]["application/json"][
        "examples"
    ]
    return {name: example["value"] for name, example in examples.items()}


def test_answers_match_hmrc_published_validate_examples(shared: Path) -> None:
    examples = _oas_validate_examples(shared)
    inputs = {
        "noFphHeadersProvided": {"Accept": "application/vnd.hmrc.1.0+json"},
        "allFphHeadersValid": WEB_EXAMPLE,
        "someFphHeadersWithAdvisories": _with(
            "WEB", "Gov-Client-User-IDs", "os=alice&my-application=alice123"
        ),
        "someFphHeadersInvalid": {
            **_with("WEB", "Gov-Vendor-Version", None),
            "Gov-Client-Timezone": "UTC+1",
            "Gov-Vendor-Public-IP": "203.0.113.7",
            "Gov-Client-User-IDs": "os=alice&my-application=alice123",
        },
    }
    assert set(inputs) == set(examples)
    for name, headers in inputs.items():
        answer = validate_headers(headers, now=NOW).as_hmrc_json()
        assert answer["specVersion"] == "3.3"
        assert _without_spec_version(answer) == _without_spec_version(examples[name]), name


def test_per_header_results_match_hmrc_validation_feedback_example(shared: Path) -> None:
    operation = _oas(shared)["paths"]["/test/fraud-prevention-headers/{api}/validation-feedback"][
        "get"
    ]
    request = operation["responses"]["200"]["content"]["application/json"]["example"]["requests"][0]
    headers = {entry["header"]: entry["value"] for entry in request["headers"] if "value" in entry}
    verdict = validate_headers(headers, now=datetime.fromisoformat(request["requestTimestamp"]))
    for entry in request["headers"]:
        name = entry["header"]
        assert verdict.header_code(name) == entry["code"], name
        assert _messages(verdict.errors, name) == entry["errors"], name
        assert _messages(verdict.warnings, name) == entry["warnings"], name
    assert not [f for f in verdict.errors if f.code == "INVALID_HEADERS"]  # crossValidation VALID


# --------------------------------------------------------------------------------------------
# Validator: one test per rule
# --------------------------------------------------------------------------------------------


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
    headers = _with("BATCH", "Gov-Client-Connection-Method", None)
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
    verdict = validate_headers(_with("BATCH", "Gov-Client-Connection-Method", "CRON"), now=NOW)
    assert _messages(verdict.errors, "gov-client-connection-method") == [
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
    headers = _with("WEB", "Gov-Vendor-Forwarded", "by=203.0.113.6&for=198.51.100.1")
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
    headers = _with(
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
    assert _messages(verdict.warnings, "gov-vendor-version") == [
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
    verdict = validate_headers(_with(base, header, example), now=NOW)
    assert verdict.header_code(header) == "VALID_HEADER"
    assert verdict.code == "VALID_HEADERS"


def test_spec_ipv6_public_ip_example_is_valid() -> None:
    headers = _with("WEB", "Gov-Client-Public-IP", "ABCD:EF01:2345:6789:ABCD:EF01:2345:6789")
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
    verdict = validate_headers(_with(base, header, value), now=NOW)
    findings = verdict.errors if where == INVALID else verdict.warnings
    assert (code, message) in [(f.code, f.message) for f in findings if header.lower() in f.headers]
    assert verdict.code == (
        "INVALID_HEADERS" if where == INVALID else "POTENTIALLY_INVALID_HEADERS"
    )
    assert verdict.valid is (where == WARNING)
    # Nothing else in the request is blamed.
    assert all(header.lower() in f.headers for f in verdict.errors + verdict.warnings)


def test_header_code_summarises_each_header() -> None:
    headers = _with("WEB", "Gov-Client-Screens", None)
    headers["Gov-Client-Timezone"] = "UTC+1"
    headers["Gov-Client-User-IDs"] = "os=alice&my-application=alice123"
    headers["Gov-Client-Hat"] = "x"
    verdict: Verdict = validate_headers(headers, now=NOW)
    assert verdict.header_code("Gov-Client-Screens") == "MISSING_HEADER"
    assert verdict.header_code("gov-client-timezone") == "INVALID_HEADER"
    assert verdict.header_code("gov-client-user-ids") == "POTENTIALLY_INVALID_HEADER"
    assert verdict.header_code("gov-client-hat") == "UNEXPECTED_HEADER"
    assert verdict.header_code("gov-client-device-id") == "VALID_HEADER"


# --------------------------------------------------------------------------------------------
# Properties of the encoding
# --------------------------------------------------------------------------------------------

TEXT = st.text(st.characters(codec="utf-8"), max_size=40)  # any text but lone surrogates
NON_EMPTY = st.text(st.characters(codec="utf-8"), min_size=1, max_size=20)


@given(TEXT)
def test_any_value_survives_encoding_then_decoding(value: str) -> None:
    assert percent_decode(percent_encode(value)) == value


@given(TEXT)
def test_encoded_values_never_hold_raw_separators(value: str) -> None:
    encoded = percent_encode(value)
    assert not set(encoded) & set(",&= ")
    assert encoded.isascii()


@given(TEXT)
def test_verbatim_values_are_ascii_and_decode_back(value: str) -> None:
    encoded = encode_verbatim(value)
    assert encoded.isascii()
    assert encoded.isprintable()
    assert percent_decode(encoded) == value


@given(st.dictionaries(NON_EMPTY, TEXT, min_size=1, max_size=5))
def test_key_values_survive_a_round_trip(pairs: dict[str, str]) -> None:
    assert parse_key_values(encode_key_values(pairs.items())) == pairs


@given(st.lists(NON_EMPTY, min_size=1, max_size=5))
def test_lists_survive_a_round_trip(values: list[str]) -> None:
    assert parse_list(encode_list(values)) == values


@given(st.lists(st.dictionaries(NON_EMPTY, TEXT, min_size=1, max_size=3), min_size=1, max_size=3))
def test_lists_of_key_values_survive_a_round_trip(structures: list[dict[str, str]]) -> None:
    raw = ",".join(encode_key_values(s.items()) for s in structures)
    assert parse_key_value_list(raw) == structures


@given(
    st.sampled_from(sorted(EXAMPLES)),
    st.sampled_from(sorted({name for example in EXAMPLES.values() for name in example})),
    st.text(max_size=60),
)
def test_validator_answers_any_value_without_crashing(base: str, header: str, value: str) -> None:
    answer = validate_headers(_with(base, header, value), now=NOW).as_hmrc_json()
    assert answer["code"] in {"VALID_HEADERS", "INVALID_HEADERS", "POTENTIALLY_INVALID_HEADERS"}


# --------------------------------------------------------------------------------------------
# HMRC_VALIDATOR=1 smoke: our headers against the emulator or HMRC's sandbox validator
# --------------------------------------------------------------------------------------------


# Read before the suite's autouse fixture clears HMRC_SYNC_* from each test's environment.
_SANDBOX = {
    name: os.environ.get(name)
    for name in ("HMRC_SYNC_CLIENT_ID", "HMRC_SYNC_CLIENT_SECRET", "HMRC_SYNC_API_BASE_URL")
}


@pytest.fixture(scope="module")
def validator_client() -> Iterator[Callable[[Mapping[str, str]], dict[str, object]]]:
    """Sends headers to ``GET /test/fraud-prevention-headers/validate``: HMRC's sandbox when
    sandbox credentials are configured (HMRC_SYNC_CLIENT_ID/SECRET, no API base URL
    override), otherwise an emulator started here."""
    import httpx

    from hmrc_sync.client.api import HmrcClient
    from hmrc_sync.client.ratelimit import RateLimiter
    from hmrc_sync.client.retry import RequestBudget, RetryPolicy
    from hmrc_sync.settings import HMRC_HOSTS, Environment

    def validator(
        base_url: str, client_id: str, client_secret: str
    ) -> Iterator[Callable[[Mapping[str, str]], dict[str, object]]]:
        with httpx.Client(base_url=base_url, timeout=30) as http:
            answer = http.post(
                "/oauth/token",
                data={
                    "grant_type": "client_credentials",
                    "client_id": client_id,
                    "client_secret": client_secret,
                },
            )
            assert answer.status_code == 200, f"client_credentials failed: {answer.status_code}"
            http.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"

            def send(headers: Mapping[str, str]) -> dict[str, object]:
                client = HmrcClient(
                    http,
                    limiter=RateLimiter(),
                    retry=RetryPolicy(),
                    budget=RequestBudget(20),
                    headers=lambda: headers,
                )
                return client.validate_fraud_headers()

            yield send

    client_id, secret = _SANDBOX["HMRC_SYNC_CLIENT_ID"], _SANDBOX["HMRC_SYNC_CLIENT_SECRET"]
    if client_id and secret and not _SANDBOX["HMRC_SYNC_API_BASE_URL"]:
        yield from validator(HMRC_HOSTS[Environment.SANDBOX], client_id, secret)
        return
    from tempfile import TemporaryDirectory

    from tests.support.emulated import emulated_hmrc

    with TemporaryDirectory() as workdir, emulated_hmrc(Path(workdir)) as hmrc:
        yield from validator(hmrc.url, hmrc.client_id, hmrc.client_secret)


@pytest.mark.skipif(
    os.environ.get("HMRC_VALIDATOR") != "1",
    reason="talks to the emulator/sandbox Test Fraud Prevention Headers API; set HMRC_VALIDATOR=1",
)
class TestHmrcValidatorSmoke:
    """The headers hmrc-sync sends, judged by the validator (HMRC's sandbox or the emulator):
    no errors; warnings only for the gaps ``unavailable_data`` declares."""

    def test_batch_headers_from_this_machine_have_no_errors(
        self, validator_client: Callable[[Mapping[str, str]], dict[str, object]]
    ) -> None:
        from uuid import uuid4

        from hmrc_sync.fraud_headers.collector import collect_batch_context

        headers = build_batch_headers(collect_batch_context(device_id=uuid4()))
        answer = validator_client(headers)
        assert answer["code"] != "INVALID_HEADERS", answer
        assert not answer.get("errors"), answer

    def test_web_app_headers_have_no_errors(
        self, validator_client: Callable[[Mapping[str, str]], dict[str, object]]
    ) -> None:
        answer = validator_client(build_web_app_headers(_web_context()))
        assert answer["code"] != "INVALID_HEADERS", answer
        assert not answer.get("errors"), answer
