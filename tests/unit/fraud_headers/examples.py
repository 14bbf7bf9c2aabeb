"""Fixed contexts and the specification's example header sets, shared by the fraud-header
tests (expected values written by hand from specification 3.3)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from ipaddress import ip_address
from typing import Any
from uuid import UUID

from hmrc_sync.fraud_headers import (
    BatchContext,
    BrowserContext,
    DeviceInfo,
    MultiFactor,
    Screen,
    ServerContext,
    VendorContext,
    WebAppContext,
    WindowSize,
    direct_hop,
)

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


def example_with(base: str, header: str, value: str | None) -> dict[str, str]:
    headers = dict(EXAMPLES[base])
    if value is None:
        headers.pop(header, None)
    else:
        headers[header] = value
    return headers


def messages_for(findings: tuple[Any, ...], header: str) -> list[str]:
    return [f.message for f in findings if f.headers == (header.lower(),)]


def spec_vendor(version: tuple[str, str]) -> VendorContext:
    return VendorContext("Product Name", (version,), (("my-licensed-software", LICENCE),))


def batch_context(**changes: Any) -> BatchContext:
    fields: dict[str, Any] = {
        "device_id": UUID(DEVICE_ID),
        "local_ips": (ip_address("fc00::"), ip_address("10.1.2.3")),
        "local_ips_collected_at": datetime(2021, 11, 21, 13, 30, 5, 123000, tzinfo=UTC),
        "mac_addresses": ("ea:43:1a:5d:21:45", "10:12:cc:fa:aa:32"),
        "utc_offset": -timedelta(hours=1, minutes=15),
        "device": DeviceInfo("Windows", "Server 2012", "Dell Inc.", "OptiPlex 980"),
        "os_user": "domain\\alice",
        "vendor": spec_vendor(("my-application", "1.6.0")),
        "app_user_ids": (("my-application", "alice123"),),
    }
    fields.update(changes)
    return BatchContext(**fields)


def server_context(**changes: Any) -> ServerContext:
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


def web_context(server: ServerContext | None = None) -> WebAppContext:
    browser = BrowserContext(
        js_user_agent=IPAD,
        screens=(Screen(1920, 1080, Decimal("1"), 16), Screen(3000, 2000, Decimal("1.25"), 16)),
        window_size=WindowSize(1256, 803),
        utc_offset=timedelta(0),
        device_id=UUID(DEVICE_ID),
    )
    return WebAppContext(browser, server or server_context(), spec_vendor(("my-web-app", "2.2.2")))
