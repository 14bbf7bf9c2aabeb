"""Typed inputs of the fraud-prevention header builders (specification 3.3).

Each dataclass checks its own invariants, so a builder can never emit a placeholder, a private
address where a public one is meant, or a value the specification forbids. A value that truly
cannot be collected is an explicit :class:`Unavailable` with its reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from ipaddress import IPv4Address, IPv6Address, ip_network
from typing import Final, Literal, TypeAlias
from uuid import UUID

from hmrc_sync import __version__
from hmrc_sync.fraud_headers.encoding import format_utc_offset

__all__ = [
    "BATCH_PROCESS_DIRECT",
    "NO_LICENCE",
    "PRODUCT_NAME",
    "SENT_CONNECTION_METHODS",
    "WEB_APP_VIA_SERVER",
    "BatchContext",
    "BrowserContext",
    "ConnectionMethod",
    "DeviceInfo",
    "ForwardedHop",
    "IpAddress",
    "MultiFactor",
    "MultiFactorType",
    "Pairs",
    "Screen",
    "ServerContext",
    "Unavailable",
    "VendorContext",
    "WebAppContext",
    "WindowSize",
    "direct_hop",
    "is_public_ip",
]


class ConnectionMethod(StrEnum):
    """HMRC's connection methods (``Gov-Client-Connection-Method``). hmrc-sync sends two:
    ``BATCH_PROCESS_DIRECT`` (the unattended sync) and ``WEB_APP_VIA_SERVER`` (the owner's
    "Sync now" in the browser); the validator knows them all."""

    BATCH_PROCESS_DIRECT = "BATCH_PROCESS_DIRECT"
    DESKTOP_APP_DIRECT = "DESKTOP_APP_DIRECT"
    DESKTOP_APP_VIA_SERVER = "DESKTOP_APP_VIA_SERVER"
    MOBILE_APP_DIRECT = "MOBILE_APP_DIRECT"
    MOBILE_APP_VIA_SERVER = "MOBILE_APP_VIA_SERVER"
    OTHER_DIRECT = "OTHER_DIRECT"
    OTHER_VIA_SERVER = "OTHER_VIA_SERVER"
    WEB_APP_VIA_SERVER = "WEB_APP_VIA_SERVER"


BATCH_PROCESS_DIRECT: Final = ConnectionMethod.BATCH_PROCESS_DIRECT
WEB_APP_VIA_SERVER: Final = ConnectionMethod.WEB_APP_VIA_SERVER
# The two hmrc-sync itself uses.
SENT_CONNECTION_METHODS: Final = (BATCH_PROCESS_DIRECT, WEB_APP_VIA_SERVER)
PRODUCT_NAME = "hmrc-sync"

IpAddress: TypeAlias = IPv4Address | IPv6Address
MultiFactorType: TypeAlias = Literal["TOTP", "AUTH_CODE", "OTHER"]
Pairs: TypeAlias = tuple[tuple[str, str], ...]

# Values the specification names as forbidden placeholders, and their usual cousins.
_PLACEHOLDERS = frozenset({"null", "undefined", "none", "unknown", "n/a"})
_MAC = re.compile(r"[0-9a-f]{2}(?::[0-9a-f]{2}){5}")
# Not reachable from the internet. Documentation ranges (192.0.2.0/24, 198.51.100.0/24,
# 203.0.113.0/24, 2001:db8::/32) are deliberately absent: HMRC's own examples use them as
# public addresses and its validator accepts them.
_NON_PUBLIC = tuple(
    ip_network(net)
    for net in (
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
        "172.16.0.0/12", "192.0.0.0/24", "192.168.0.0/16", "198.18.0.0/15", "224.0.0.0/4",
        "240.0.0.0/4", "::/128", "::1/128", "fc00::/7", "fe80::/10", "ff00::/8",
    )
)  # fmt: skip


def is_public_ip(address: IpAddress) -> bool:
    """False for private, shared (CGNAT), loopback, link-local, multicast and reserved ranges."""
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not any(address in network for network in _NON_PUBLIC)


@dataclass(frozen=True)
class Unavailable:
    """A value that cannot be collected, with the reason (to be explained to HMRC first)."""

    reason: str
    omit: bool = False  # omit the header instead of sending it empty (the spec allows both)

    def __post_init__(self) -> None:
        if not self.reason.strip():
            raise ValueError("an Unavailable value needs a reason")


NO_LICENCE = Unavailable("hmrc-sync is free open-source software: no licence keys exist")


def _text(name: str, value: str) -> None:
    if not value.strip():
        raise ValueError(f"{name} must not be empty (use Unavailable with a reason)")
    if value.strip().lower() in _PLACEHOLDERS:
        raise ValueError(f"{name} must not be a placeholder such as {value!r}")


def _pairs(name: str, pairs: Pairs, *, allow_os: bool = False) -> None:
    for key, value in pairs:
        _text(f"{name} key", key)
        _text(f"{name} value for {key}", value)
        if key == "os" and not allow_os:
            raise ValueError(f"{name} must not contain 'os'")


def _aware(name: str, moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")


@dataclass(frozen=True)
class VendorContext:
    """Gov-Vendor-Product-Name, Gov-Vendor-Version and Gov-Vendor-License-IDs."""

    product_name: str
    versions: Pairs
    licence_ids: Pairs | Unavailable  # values already hashed, consistently

    def __post_init__(self) -> None:
        _text("product name", self.product_name)
        if not self.versions:
            raise ValueError("at least one software version is required")
        _pairs("versions", self.versions)
        if isinstance(self.licence_ids, tuple):
            if not self.licence_ids:
                raise ValueError("licence ids: pass Unavailable when there are none")
            _pairs("licence ids", self.licence_ids)

    @classmethod
    def hmrc_sync(cls, licence_ids: Pairs | Unavailable = NO_LICENCE) -> VendorContext:
        """This product: name ``hmrc-sync``, version ``hmrc_sync.__version__``."""
        return cls(PRODUCT_NAME, ((PRODUCT_NAME, __version__),), licence_ids)


@dataclass(frozen=True)
class DeviceInfo:
    """Gov-Client-User-Agent: operating system and, where readable, the hardware."""

    os_family: str
    os_version: str
    manufacturer: str | Unavailable
    model: str | Unavailable

    def __post_init__(self) -> None:
        _text("os family", self.os_family)
        _text("os version", self.os_version)
        for name, value in (("manufacturer", self.manufacturer), ("model", self.model)):
            if isinstance(value, str):
                _text(f"device {name}", value)


@dataclass(frozen=True)
class BatchContext:
    """Everything ``BATCH_PROCESS_DIRECT`` needs; the originating device is this machine."""

    device_id: UUID
    local_ips: tuple[IpAddress, ...] | Unavailable
    local_ips_collected_at: datetime
    mac_addresses: tuple[str, ...] | Unavailable  # lower-case ``aa:bb:cc:dd:ee:ff``
    utc_offset: timedelta
    device: DeviceInfo
    os_user: str
    vendor: VendorContext
    app_user_ids: Pairs = ()  # ``(application, login id)``; ``os`` goes in ``os_user``

    def __post_init__(self) -> None:
        if isinstance(self.local_ips, tuple) and not self.local_ips:
            raise ValueError("local ips: pass Unavailable when there are none")
        if isinstance(self.mac_addresses, tuple):
            if not self.mac_addresses:
                raise ValueError("mac addresses: pass Unavailable when there are none")
            for mac in self.mac_addresses:
                if _MAC.fullmatch(mac) is None:
                    raise ValueError(f"not a lower-case colon-separated MAC address: {mac!r}")
        _aware("local_ips_collected_at", self.local_ips_collected_at)
        format_utc_offset(self.utc_offset)
        _text("os user", self.os_user)
        _pairs("app user ids", self.app_user_ids)


@dataclass(frozen=True)
class Screen:
    width: int
    height: int
    scaling_factor: Decimal
    colour_depth: int

    def __post_init__(self) -> None:
        if min(self.width, self.height, self.colour_depth) <= 0 or self.scaling_factor <= 0:
            raise ValueError("screen sizes, scaling factor and colour depth must be positive")


@dataclass(frozen=True)
class WindowSize:
    width: int
    height: int

    def __post_init__(self) -> None:
        if min(self.width, self.height) <= 0:
            raise ValueError("window width and height must be positive")


@dataclass(frozen=True)
class BrowserContext:
    """What the small collection page reports from JavaScript, plus the device-id cookie."""

    js_user_agent: str  # navigator.userAgent, as reported
    screens: tuple[Screen, ...]
    window_size: WindowSize
    utc_offset: timedelta  # -new Date().getTimezoneOffset() minutes
    device_id: UUID  # from the long-lived cookie

    def __post_init__(self) -> None:
        _text("browser user agent", self.js_user_agent)
        if not self.screens:
            raise ValueError("at least one screen is required")
        format_utc_offset(self.utc_offset)


@dataclass(frozen=True)
class MultiFactor:
    """One factor of the owner's sign-in to hmrc-sync (not the HMRC grant)."""

    type: MultiFactorType
    timestamp: datetime  # last successful prompt for this factor
    unique_reference: str  # consistent salted hash identifying the factor, never the secret

    def __post_init__(self) -> None:
        if self.type not in ("TOTP", "AUTH_CODE", "OTHER"):
            raise ValueError(f"unknown multi-factor type {self.type!r}")
        _aware("multi-factor timestamp", self.timestamp)
        _text("multi-factor unique reference", self.unique_reference)


@dataclass(frozen=True)
class ForwardedHop:
    """One internet hop that terminates TLS: ``by`` received the request sent by ``for_``."""

    by: IpAddress
    for_: IpAddress

    def __post_init__(self) -> None:
        if not (is_public_ip(self.by) and is_public_ip(self.for_)):
            raise ValueError("Gov-Vendor-Forwarded hops are between public IP addresses only")


def direct_hop(
    vendor_public_ip: IpAddress | Unavailable, client_public_ip: IpAddress | Unavailable
) -> tuple[ForwardedHop, ...] | Unavailable:
    """The one-hop chain (client to our edge), or Unavailable when either end is unknown."""
    if isinstance(vendor_public_ip, Unavailable):
        return Unavailable(f"no vendor public IP: {vendor_public_ip.reason}")
    if isinstance(client_public_ip, Unavailable):
        return Unavailable(f"no client public IP: {client_public_ip.reason}")
    return (ForwardedHop(by=vendor_public_ip, for_=client_public_ip),)


@dataclass(frozen=True)
class ServerContext:
    """What the server and its TLS-terminating edge know about a browser-started request."""

    client_public_ip: IpAddress | Unavailable
    client_public_ip_collected_at: datetime
    client_public_port: int | Unavailable
    vendor_public_ip: IpAddress | Unavailable
    forwarded: tuple[ForwardedHop, ...] | Unavailable
    multi_factor: tuple[MultiFactor, ...] | Unavailable  # Unavailable: single-factor sign-in
    user_ids: Pairs  # ``(application, login id)``; never ``os`` for a web app

    def __post_init__(self) -> None:
        for name, ip in (("client", self.client_public_ip), ("vendor", self.vendor_public_ip)):
            if not isinstance(ip, Unavailable) and not is_public_ip(ip):
                raise ValueError(f"{name} public IP {ip} is not public: pass Unavailable instead")
        _aware("client_public_ip_collected_at", self.client_public_ip_collected_at)
        port = self.client_public_port
        if isinstance(port, int) and not (0 < port < 65536 and port not in (80, 443)):
            raise ValueError("the client public port is 1-65535 and never a server port")
        if not self.user_ids:
            raise ValueError("a web app sends the owner's login id in Gov-Client-User-IDs")
        _pairs("user ids", self.user_ids)
        if isinstance(self.forwarded, tuple):
            self._check_first_hop(self.forwarded)
        if isinstance(self.multi_factor, tuple) and not self.multi_factor:
            raise ValueError("multi-factor: pass Unavailable for a single-factor sign-in")

    def _check_first_hop(self, hops: tuple[ForwardedHop, ...]) -> None:
        if not hops:
            raise ValueError("forwarded: pass Unavailable when no hop is known")
        first = hops[0]
        vendor, client = self.vendor_public_ip, self.client_public_ip
        if not isinstance(vendor, Unavailable) and first.by != vendor:
            raise ValueError("the first forwarded hop's 'by' must be the vendor public IP")
        if not isinstance(client, Unavailable) and first.for_ != client:
            raise ValueError("the first forwarded hop's 'for' must be the client public IP")


@dataclass(frozen=True)
class WebAppContext:
    browser: BrowserContext
    server: ServerContext
    vendor: VendorContext
