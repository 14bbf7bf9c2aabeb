"""The builders: golden header sets from fixed contexts (specification 3.3's examples)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from ipaddress import ip_address
from typing import Any

import pytest

from hmrc_sync import __version__
from hmrc_sync.fraud_headers import (
    DeviceInfo,
    ForwardedHop,
    Screen,
    Unavailable,
    VendorContext,
    build_batch_headers,
    build_web_app_headers,
    direct_hop,
    percent_encode,
    unavailable_data,
)
from hmrc_sync.fraud_headers.validator import validate_headers
from tests.unit.fraud_headers.examples import (
    BATCH_EXAMPLE,
    NOW,
    REF_1,
    REF_2,
    WEB_EXAMPLE,
    batch_context,
    server_context,
    web_context,
)


def test_batch_golden_headers_are_the_spec_examples() -> None:
    assert build_batch_headers(batch_context()) == BATCH_EXAMPLE


def test_batch_sends_exactly_the_eleven_required_headers() -> None:
    assert set(build_batch_headers(batch_context())) == {
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
    assert build_web_app_headers(web_context()) == expected
    assert len(expected) == 16


def test_golden_sets_pass_the_local_validator() -> None:
    for headers in (build_batch_headers(batch_context()), build_web_app_headers(web_context())):
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
        web_context(server_context(vendor_public_ip=waf, forwarded=hops))
    )
    assert headers["Gov-Vendor-Forwarded"] == (
        "by=2001%3Adb8%3A85a3%3A%3A8a2e%3A370%3A7334&for=198.51.100.0,"
        "by=203.0.113.6&for=2001%3Adb8%3A85a3%3A%3A8a2e%3A370%3A7334,"
        "by=176.30.57.118&for=203.0.113.6"
    )
    assert headers["Gov-Vendor-Public-IP"] == "2001:db8:85a3::8a2e:370:7334"
    assert validate_headers(headers, now=NOW).code == "VALID_HEADERS"


def test_hmrc_sync_vendor_has_no_licence_and_says_why() -> None:
    context = batch_context(vendor=VendorContext.hmrc_sync())
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
    context = web_context(server_context(multi_factor=Unavailable(reason)))
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
    context = web_context(
        server_context(
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
    context = batch_context(mac_addresses=Unavailable("no interfaces", omit=True))
    headers = build_batch_headers(context)
    assert "Gov-Client-MAC-Addresses" not in headers
    assert unavailable_data(context) == {"Gov-Client-MAC-Addresses": "no interfaces"}


def test_unreadable_device_model_keeps_the_key_with_an_empty_value() -> None:
    device = DeviceInfo("Linux", "6.1.0", "QEMU", Unavailable("no DMI data"))
    context = batch_context(device=device)
    assert build_batch_headers(context)["Gov-Client-User-Agent"] == (
        "os-family=Linux&os-version=6.1.0&device-manufacturer=QEMU&device-model="
    )
    assert unavailable_data(context) == {"Gov-Client-User-Agent": "device-model: no DMI data"}


@pytest.mark.parametrize(
    ("build", "problem"),
    [
        (lambda: batch_context(os_user="null"), "placeholder"),
        (lambda: batch_context(os_user=" "), "empty"),
        (lambda: batch_context(mac_addresses=()), "Unavailable"),
        (lambda: batch_context(mac_addresses=("EA-43-1A-5D-21-45",)), "MAC"),
        (lambda: batch_context(local_ips_collected_at=datetime(2020, 9, 21)), "aware"),  # noqa: DTZ001
        (lambda: batch_context(utc_offset=timedelta(seconds=30)), "whole minutes"),
        (lambda: server_context(client_public_ip=ip_address("192.168.1.2")), "not public"),
        (lambda: server_context(vendor_public_ip=ip_address("10.0.0.1")), "not public"),
        (lambda: server_context(client_public_port=443), "server port"),
        (lambda: server_context(user_ids=(("os", "alice"),)), "'os'"),
        (lambda: server_context(user_ids=()), "login id"),
        (lambda: server_context(multi_factor=()), "single-factor"),
        (
            lambda: server_context(
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
