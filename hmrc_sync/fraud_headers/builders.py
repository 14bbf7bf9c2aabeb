"""Pure builders for HMRC's fraud-prevention headers (specification 3.3).

Two connection methods, chosen by who started the work (design.md, "Connection method"):

* ``BATCH_PROCESS_DIRECT``: the unattended CronJob; the originating device is this machine
  (``BatchContext``, collected by :mod:`hmrc_sync.fraud_headers.collector`);
* ``WEB_APP_VIA_SERVER``: the owner pressed "sync" in the browser; browser data arrives in a
  ``BrowserContext`` and the TLS-terminating edge supplies the ``ServerContext``.

Every value is typed. A value that truly cannot be collected is an explicit
:class:`Unavailable` with its reason, never a placeholder. The specification's missing-data rule
(getting-it-right, "Missing header data") is: contact HMRC (SDSTeam@hmrc.gov.uk) first, then
either omit the header or send it with an empty value. ``Unavailable`` sends it empty unless
``omit=True``; :func:`unavailable_data` lists every gap with its reason, for logs and for that
conversation with HMRC.

The typed contexts live in :mod:`hmrc_sync.fraud_headers.model` and the encoding rules (percent
encoding, list and key-value parsing, timestamps) in :mod:`hmrc_sync.fraud_headers.encoding`;
the package re-exports both.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TypeAlias, TypeVar

from hmrc_sync.fraud_headers.encoding import (
    encode_key_value_list,
    encode_key_values,
    encode_list,
    encode_verbatim,
    format_timestamp,
    format_utc_offset,
    percent_encode,
)
from hmrc_sync.fraud_headers.model import (
    BATCH_PROCESS_DIRECT,
    WEB_APP_VIA_SERVER,
    BatchContext,
    DeviceInfo,
    ForwardedHop,
    IpAddress,
    MultiFactor,
    Screen,
    Unavailable,
    VendorContext,
    WebAppContext,
)

__all__ = ["build_batch_headers", "build_web_app_headers", "unavailable_data"]

Field: TypeAlias = tuple[str, "str | Unavailable"]
T = TypeVar("T")


def _or_gap(value: T | Unavailable, render: Callable[[T], str]) -> str | Unavailable:
    return value if isinstance(value, Unavailable) else render(value)


def _decimal_text(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _user_agent(device: DeviceInfo) -> tuple[str, list[str]]:
    pairs = [("os-family", device.os_family), ("os-version", device.os_version)]
    gaps = []
    for key, value in (
        ("device-manufacturer", device.manufacturer),
        ("device-model", device.model),
    ):
        if isinstance(value, Unavailable):
            gaps.append(f"{key}: {value.reason}")
            pairs.append((key, ""))  # the key with an empty value, as the encoding rules allow
        else:
            pairs.append((key, value))
    return encode_key_values(pairs), gaps


def _vendor_fields(vendor: VendorContext) -> list[Field]:
    return [
        ("Gov-Vendor-License-IDs", _or_gap(vendor.licence_ids, encode_key_values)),
        ("Gov-Vendor-Product-Name", percent_encode(vendor.product_name)),
        ("Gov-Vendor-Version", encode_key_values(vendor.versions)),
    ]


def _ip_list(ips: tuple[IpAddress, ...]) -> str:
    return encode_list(str(ip) for ip in ips)


def _batch_fields(ctx: BatchContext) -> list[Field]:
    user_ids = (("os", ctx.os_user), *ctx.app_user_ids)
    return [
        ("Gov-Client-Connection-Method", BATCH_PROCESS_DIRECT),
        ("Gov-Client-Device-ID", str(ctx.device_id)),
        ("Gov-Client-Local-IPs", _or_gap(ctx.local_ips, _ip_list)),
        ("Gov-Client-Local-IPs-Timestamp", format_timestamp(ctx.local_ips_collected_at)),
        ("Gov-Client-MAC-Addresses", _or_gap(ctx.mac_addresses, encode_list)),
        ("Gov-Client-Timezone", format_utc_offset(ctx.utc_offset)),
        ("Gov-Client-User-Agent", _user_agent(ctx.device)[0]),
        ("Gov-Client-User-IDs", encode_key_values(user_ids)),
        *_vendor_fields(ctx.vendor),
    ]


def _multi_factor(factors: tuple[MultiFactor, ...]) -> str:
    return encode_key_value_list(
        (
            ("type", factor.type),
            ("timestamp", format_timestamp(factor.timestamp)),
            ("unique-reference", factor.unique_reference),
        )
        for factor in factors
    )


def _screens(screens: tuple[Screen, ...]) -> str:
    return encode_key_value_list(
        (
            ("width", str(screen.width)),
            ("height", str(screen.height)),
            ("scaling-factor", _decimal_text(screen.scaling_factor)),
            ("colour-depth", str(screen.colour_depth)),
        )
        for screen in screens
    )


def _forwarded(hops: tuple[ForwardedHop, ...]) -> str:
    return encode_key_value_list((("by", str(hop.by)), ("for", str(hop.for_))) for hop in hops)


def _web_fields(ctx: WebAppContext) -> list[Field]:
    browser, server, window = ctx.browser, ctx.server, ctx.browser.window_size
    ip = server.client_public_ip
    ip_time: str | Unavailable = format_timestamp(server.client_public_ip_collected_at)
    if isinstance(ip, Unavailable):
        ip_time = Unavailable(f"no client public IP was collected: {ip.reason}", omit=ip.omit)
    window_size = (("width", str(window.width)), ("height", str(window.height)))
    return [
        ("Gov-Client-Connection-Method", WEB_APP_VIA_SERVER),
        ("Gov-Client-Browser-JS-User-Agent", encode_verbatim(browser.js_user_agent)),
        ("Gov-Client-Device-ID", str(browser.device_id)),
        ("Gov-Client-Multi-Factor", _or_gap(server.multi_factor, _multi_factor)),
        ("Gov-Client-Public-IP", _or_gap(ip, str)),
        ("Gov-Client-Public-IP-Timestamp", ip_time),
        ("Gov-Client-Public-Port", _or_gap(server.client_public_port, str)),
        ("Gov-Client-Screens", _screens(browser.screens)),
        ("Gov-Client-Timezone", format_utc_offset(browser.utc_offset)),
        ("Gov-Client-User-IDs", encode_key_values(server.user_ids)),
        ("Gov-Client-Window-Size", encode_key_values(window_size)),
        ("Gov-Vendor-Forwarded", _or_gap(server.forwarded, _forwarded)),
        ("Gov-Vendor-Public-IP", _or_gap(server.vendor_public_ip, str)),
        *_vendor_fields(ctx.vendor),
    ]


def _render(fields: Sequence[Field]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, value in fields:
        if isinstance(value, Unavailable):
            if not value.omit:
                headers[name] = ""
        else:
            headers[name] = value
    return headers


def build_batch_headers(ctx: BatchContext) -> dict[str, str]:
    """The 11 ``BATCH_PROCESS_DIRECT`` headers (fewer only where a value is Unavailable+omit)."""
    return _render(_batch_fields(ctx))


def build_web_app_headers(ctx: WebAppContext) -> dict[str, str]:
    """The 16 ``WEB_APP_VIA_SERVER`` headers (fewer only where a value is Unavailable+omit)."""
    return _render(_web_fields(ctx))


def unavailable_data(ctx: BatchContext | WebAppContext) -> dict[str, str]:
    """Header name to the reason its data (or part of it) could not be collected."""
    if isinstance(ctx, BatchContext):
        fields, device_gaps = _batch_fields(ctx), _user_agent(ctx.device)[1]
    else:
        fields, device_gaps = _web_fields(ctx), []
    gaps = {name: value.reason for name, value in fields if isinstance(value, Unavailable)}
    if device_gaps:
        gaps["Gov-Client-User-Agent"] = "; ".join(device_gaps)
    return gaps
