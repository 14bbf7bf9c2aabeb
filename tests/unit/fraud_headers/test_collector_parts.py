"""The batch-context collector, fed with fake host readings (no real /proc or /sys)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from ipaddress import ip_address
from uuid import UUID

from hmrc_sync.fraud_headers import Unavailable, VendorContext, build_batch_headers
from hmrc_sync.fraud_headers.collector import (
    HostReadings,
    collect_batch_context,
    device_info,
    local_ips,
    mac_addresses,
)

# Shape of a real /proc/net/fib_trie (Main and Local tables both list the host addresses).
FIB_TRIE = """\
Main:
  +-- 0.0.0.0/0 3 0 5
     |-- 0.0.0.0
        /0 universe UNICAST
     +-- 10.42.0.0/16 2 0 2
        |-- 10.42.0.0
           /16 link UNICAST
        |-- 10.42.3.7
           /32 host LOCAL
        |-- 10.42.255.255
           /32 link BROADCAST
     +-- 127.0.0.0/8 2 0 2
        +-- 127.0.0.0/31 1 0 0
           |-- 127.0.0.0
              /8 host LOCAL
           |-- 127.0.0.1
              /32 host LOCAL
     |-- 172.17.0.1
        /32 host LOCAL
Local:
  +-- 0.0.0.0/0 3 0 5
     +-- 10.42.0.0/16 2 0 2
        |-- 10.42.3.7
           /32 host LOCAL
     |-- 172.17.0.1
        /32 host LOCAL
"""
IF_INET6 = """\
00000000000000000000000000000001 01 80 10 80       lo
fd000000000000000000000000000002 04 40 00 82     eth0
fe8000000000000000fc00fffe000001 04 40 20 80     eth0
"""
NET = {
    "/sys/class/net/lo/type": "772\n",
    "/sys/class/net/lo/address": "00:00:00:00:00:00\n",
    "/sys/class/net/eth0/type": "1\n",
    "/sys/class/net/eth0/address": "02:FC:00:00:00:01\n",
    "/sys/class/net/bond0/type": "1\n",
    "/sys/class/net/bond0/address": "02:fc:00:00:00:01\n",  # shares eth0's MAC
    "/sys/class/net/tun0/type": "65534\n",
    "/sys/class/net/tun0/address": "\n",
    "/sys/class/net/dummy0/type": "1\n",
    "/sys/class/net/dummy0/address": "00:00:00:00:00:00\n",
    "/sys/class/net/docker0/type": "1\n",
    "/sys/class/net/docker0/address": "02:42:ac:11:00:01\n",
}
INTERFACES = ["bond0", "docker0", "dummy0", "eth0", "lo", "tun0"]
NOW = datetime(2026, 3, 1, 12, 0, 0, 250000, tzinfo=UTC)


def _host(files: dict[str, str], **overrides: object) -> HostReadings:
    fields: dict[str, object] = {
        "read_text": files.get,
        "list_dir": lambda path: INTERFACES if path == "/sys/class/net" else [],
        "now": lambda: NOW,
        "utc_offset": lambda moment: timedelta(hours=1),
        "os_family": lambda: "Linux",
        "os_version": lambda: "6.1.0-18-amd64",
        "os_user": lambda: "hmrc-sync",
        "resolver_ips": lambda: ["192.0.2.9", "127.0.1.1"],
    }
    fields.update(overrides)
    return HostReadings(**fields)  # type: ignore[arg-type]


FULL = {"/proc/net/fib_trie": FIB_TRIE, "/proc/net/if_inet6": IF_INET6, **NET}


def test_local_ips_are_every_host_address_but_loopback_ipv4_first() -> None:
    assert local_ips(_host(FULL)) == (
        ip_address("10.42.3.7"),
        ip_address("172.17.0.1"),
        ip_address("fd00::2"),
        ip_address("fe80::fc:ff:fe00:1"),
    )


def test_without_proc_the_resolver_is_asked() -> None:
    assert local_ips(_host(NET)) == (ip_address("192.0.2.9"),)


def test_no_address_at_all_is_unavailable_with_a_reason() -> None:
    ips = local_ips(_host({"/proc/net/fib_trie": "Main:\n", "/proc/net/if_inet6": ""}))
    assert isinstance(ips, Unavailable)
    assert "no non-loopback IP address" in ips.reason


def test_mac_addresses_skip_loopback_zero_empty_and_duplicates() -> None:
    assert mac_addresses(_host(FULL)) == ("02:fc:00:00:00:01", "02:42:ac:11:00:01")


def test_no_interfaces_means_mac_addresses_unavailable() -> None:
    macs = mac_addresses(_host(FULL, list_dir=lambda path: []))
    assert isinstance(macs, Unavailable)
    assert "MAC" in macs.reason


def test_device_from_dmi_when_readable() -> None:
    files = {
        **FULL,
        "/sys/class/dmi/id/sys_vendor": "Dell Inc.\n",
        "/sys/class/dmi/id/product_name": "OptiPlex  980\n",
    }
    device = device_info(_host(files))
    assert (device.os_family, device.os_version) == ("Linux", "6.1.0-18-amd64")
    assert (device.manufacturer, device.model) == ("Dell Inc.", "OptiPlex 980")


def test_device_without_dmi_or_with_firmware_placeholders_is_unavailable() -> None:
    missing = device_info(_host(FULL))
    assert isinstance(missing.manufacturer, Unavailable)
    assert "no DMI data" in missing.manufacturer.reason
    files = {
        **FULL,
        "/sys/class/dmi/id/sys_vendor": "To Be Filled By O.E.M.\n",
        "/sys/class/dmi/id/product_name": "System Product Name\n",
    }
    placeholder = device_info(_host(files))
    assert isinstance(placeholder.manufacturer, Unavailable)
    assert isinstance(placeholder.model, Unavailable)
    assert "To Be Filled By O.E.M." in placeholder.manufacturer.reason


def test_collected_context_builds_the_batch_headers() -> None:
    device_id = UUID("3d8a8d57-1af9-4ccb-b87c-5bb7d05d9be7")
    context = collect_batch_context(
        device_id=device_id,
        app_user_ids=(("hmrc-sync", "owner"),),
        vendor=VendorContext.hmrc_sync((("hmrc-sync", "ABCDEF"),)),
        readings=_host(FULL),
    )
    headers = build_batch_headers(context)
    assert headers["Gov-Client-Device-ID"] == "3d8a8d57-1af9-4ccb-b87c-5bb7d05d9be7"
    assert headers["Gov-Client-Local-IPs"] == (
        "10.42.3.7,172.17.0.1,fd00%3A%3A2,fe80%3A%3Afc%3Aff%3Afe00%3A1"
    )
    assert headers["Gov-Client-Local-IPs-Timestamp"] == "2026-03-01T12:00:00.250Z"
    assert (
        headers["Gov-Client-MAC-Addresses"]
        == "02%3Afc%3A00%3A00%3A00%3A01,02%3A42%3Aac%3A11%3A00%3A01"
    )
    assert headers["Gov-Client-Timezone"] == "UTC+01:00"
    assert headers["Gov-Client-User-Agent"] == (
        "os-family=Linux&os-version=6.1.0-18-amd64&device-manufacturer=&device-model="
    )
    assert headers["Gov-Client-User-IDs"] == "os=hmrc-sync&hmrc-sync=owner"
    assert headers["Gov-Vendor-License-IDs"] == "hmrc-sync=ABCDEF"


def test_each_collection_reads_the_clock_again() -> None:
    ticks = iter([NOW, NOW + timedelta(seconds=5)])
    host = _host(FULL, now=lambda: next(ticks))
    first = collect_batch_context(device_id=UUID(int=1), readings=host)
    second = collect_batch_context(device_id=UUID(int=1), readings=host)
    assert second.local_ips_collected_at - first.local_ips_collected_at == timedelta(seconds=5)
