"""Collect the ``BATCH_PROCESS_DIRECT`` context from this machine (the I/O shell).

The originating device of an unattended run is the machine (or pod) running it. Readings use the
standard library only: local IPv4 addresses from ``/proc/net/fib_trie`` (``/32 host LOCAL``
entries), IPv6 from ``/proc/net/if_inet6``, MAC addresses from ``/sys/class/net/*/address``
(loopback and all-zero skipped), the OS from :mod:`platform`, the hardware from
``/sys/class/dmi/id/`` where it is readable, and the timezone from the local UTC offset. Every
reading goes through :class:`HostReadings`, so tests inject their own.

The specification wants local IPs (and their timestamp) collected immediately before each
request: call :func:`collect_batch_context` per request, not once per process.
"""

from __future__ import annotations

import getpass
import os
import platform
import re
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from ipaddress import IPv6Address, ip_address
from pathlib import Path
from uuid import UUID

from hmrc_sync.fraud_headers.model import (
    BatchContext,
    DeviceInfo,
    IpAddress,
    Pairs,
    Unavailable,
    VendorContext,
)

__all__ = [
    "HostReadings",
    "collect_batch_context",
    "device_info",
    "local_ips",
    "mac_addresses",
]

_MAC = re.compile(r"[0-9a-f]{2}(?::[0-9a-f]{2}){5}")
_ARPHRD_LOOPBACK = "772"
# Strings firmware writes when the vendor left the DMI fields unset.
_DMI_PLACEHOLDERS = frozenset(
    {
        "",
        "default string",
        "not applicable",
        "not specified",
        "none",
        "o.e.m.",
        "oem",
        "system manufacturer",
        "system product name",
        "to be filled by o.e.m.",
    }
)


def _read_text(path: str) -> str | None:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def _list_dir(path: str) -> list[str]:
    try:
        return sorted(entry.name for entry in os.scandir(path))
    except OSError:
        return []


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _local_utc_offset(moment: datetime) -> timedelta:
    return moment.astimezone().utcoffset() or timedelta(0)


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # a container uid with no passwd entry and no USER variable
        return str(os.getuid())


def _resolver_ips() -> list[str]:
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None)
    except OSError:
        return []
    return [str(info[4][0]) for info in infos]


@dataclass(frozen=True)
class HostReadings:
    """Where each reading comes from; replace any of them in tests."""

    read_text: Callable[[str], str | None] = _read_text
    list_dir: Callable[[str], list[str]] = _list_dir
    now: Callable[[], datetime] = _utc_now
    utc_offset: Callable[[datetime], timedelta] = _local_utc_offset
    os_family: Callable[[], str] = platform.system
    os_version: Callable[[], str] = platform.release
    os_user: Callable[[], str] = _os_user
    resolver_ips: Callable[[], list[str]] = _resolver_ips  # fallback without /proc


def _fib_trie_ipv4(text: str) -> list[str]:
    """Addresses of ``/32 host LOCAL`` leaves: the IPv4 addresses assigned to this host."""
    found, last = [], ""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("|-- "):
            last = stripped[4:]
        elif stripped.startswith("/32 host LOCAL") and last:
            found.append(last)
    return found


def _if_inet6(text: str) -> list[str]:
    found = []
    for line in text.splitlines():
        fields = line.split()
        if fields and len(fields[0]) == 32:
            found.append(str(IPv6Address(int(fields[0], 16))))
    return found


def _unique_addresses(texts: Iterable[str]) -> list[IpAddress]:
    addresses: list[IpAddress] = []
    for text in texts:
        try:
            address = ip_address(text.split("%")[0])
        except ValueError:
            continue
        if not address.is_loopback and not address.is_unspecified and address not in addresses:
            addresses.append(address)
    return addresses


def local_ips(readings: HostReadings) -> tuple[IpAddress, ...] | Unavailable:
    """Every non-loopback IPv4 and IPv6 address of this machine, IPv4 first."""
    fib_trie = readings.read_text("/proc/net/fib_trie")
    inet6 = readings.read_text("/proc/net/if_inet6")
    texts = _fib_trie_ipv4(fib_trie or "") + _if_inet6(inet6 or "")
    if fib_trie is None and inet6 is None:
        texts = readings.resolver_ips()
    addresses = _unique_addresses(texts)
    addresses.sort(key=lambda address: address.version)
    if not addresses:
        return Unavailable("no non-loopback IP address is visible on this machine")
    return tuple(addresses)


def mac_addresses(readings: HostReadings) -> tuple[str, ...] | Unavailable:
    """MAC addresses of the network interfaces, skipping loopback and all-zero ones."""
    found: list[str] = []
    for interface in readings.list_dir("/sys/class/net"):
        base = f"/sys/class/net/{interface}"
        if (readings.read_text(f"{base}/type") or "").strip() == _ARPHRD_LOOPBACK:
            continue
        mac = (readings.read_text(f"{base}/address") or "").strip().lower().replace("-", ":")
        if _MAC.fullmatch(mac) and mac != "00:00:00:00:00:00" and mac not in found:
            found.append(mac)
    if not found:
        return Unavailable("no network interface with a MAC address is visible on this machine")
    return tuple(found)


def _dmi(readings: HostReadings, field: str, what: str) -> str | Unavailable:
    text = readings.read_text(f"/sys/class/dmi/id/{field}")
    if text is None:
        return Unavailable(f"the {what} is not readable: no DMI data (container or non-PC host)")
    value = " ".join(text.split())
    if value.lower() in _DMI_PLACEHOLDERS:
        return Unavailable(f"the firmware reports no real {what} ({value!r})")
    return value


def device_info(readings: HostReadings) -> DeviceInfo:
    """OS family and version from :mod:`platform`; manufacturer and model from DMI."""
    return DeviceInfo(
        os_family=readings.os_family(),
        os_version=readings.os_version(),
        manufacturer=_dmi(readings, "sys_vendor", "device manufacturer"),
        model=_dmi(readings, "product_name", "device model"),
    )


def collect_batch_context(
    *,
    device_id: UUID,
    app_user_ids: Pairs = (),
    vendor: VendorContext | None = None,
    readings: HostReadings | None = None,
) -> BatchContext:
    """Read this machine now. ``device_id`` is the one stored with the grant (same in every pod)."""
    host = readings or HostReadings()
    collected_at = host.now()
    return BatchContext(
        device_id=device_id,
        local_ips=local_ips(host),
        local_ips_collected_at=collected_at,
        mac_addresses=mac_addresses(host),
        utc_offset=host.utc_offset(collected_at),
        device=device_info(host),
        os_user=host.os_user(),
        vendor=vendor or VendorContext.hmrc_sync(),
        app_user_ids=app_user_ids,
    )
