"""The ``WEB_APP_VIA_SERVER`` connection method: fraud-prevention data for a sync the owner
starts from the status page.

The browser part (user agent, screens, window size, time zone) comes from the page's script;
the device id from a long-lived cookie tied to the stored device id; the client's public IP
and port from the TLS-terminating edge — ``X-Forwarded-For`` / ``X-Forwarded-Port`` are
believed only when the direct peer is one of ``HMRC_SYNC_TRUSTED_PROXIES``. What cannot be
known (a private client address, an unset ``HMRC_SYNC_VENDOR_PUBLIC_IP``, a single-factor
owner sign-in) is sent as the specification prescribes for missing data, never invented.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from ipaddress import IPv4Address, IPv6Address, ip_address
from uuid import UUID

from fastapi import Request

from hmrc_sync.app.security import trusted_peer
from hmrc_sync.errors import ExitCode, HmrcSyncError
from hmrc_sync.fraud_headers import (
    BrowserContext,
    ServerContext,
    Unavailable,
    VendorContext,
    WebAppContext,
    WindowSize,
    direct_hop,
    is_public_ip,
)
from hmrc_sync.fraud_headers.model import Screen
from hmrc_sync.settings import Settings

DEVICE_COOKIE = "hmrc_sync_device"
DEVICE_COOKIE_MAX_AGE = 10 * 365 * 24 * 3600
OWNER_LOGIN_ID = "owner"
SINGLE_FACTOR = Unavailable(
    "the owner signs in to hmrc-sync with one factor (the admin token); any second factor is "
    "the identity provider's in front of the service"
)


class BrowserDataError(HmrcSyncError):
    exit_code = ExitCode.CONFIGURATION
    default_message = "the page did not send the browser data HMRC requires"


def _int(form: Mapping[str, str], name: str) -> int:
    try:
        return int(form[name])
    except (KeyError, ValueError):
        raise BrowserDataError(
            f"the page did not send {name}; reload the status page (JavaScript is needed to "
            "collect the data HMRC's fraud-prevention rules require)"
        ) from None


def browser_context(form: Mapping[str, str], device_id: str) -> BrowserContext:
    try:
        scaling = Decimal(form.get("screen_scaling", "1") or "1")
    except InvalidOperation:
        raise BrowserDataError("screen_scaling is not a number") from None
    user_agent = form.get("user_agent", "").strip()
    if not user_agent:
        raise BrowserDataError("the page did not send the browser's user agent; reload it")
    try:
        return BrowserContext(
            js_user_agent=user_agent,
            screens=(
                Screen(
                    width=_int(form, "screen_width"),
                    height=_int(form, "screen_height"),
                    scaling_factor=scaling,
                    colour_depth=_int(form, "colour_depth"),
                ),
            ),
            window_size=WindowSize(_int(form, "window_width"), _int(form, "window_height")),
            utc_offset=dt.timedelta(minutes=_int(form, "utc_offset_minutes")),
            device_id=UUID(device_id),
        )
    except ValueError as exc:
        raise BrowserDataError(f"the browser data is not usable: {exc}") from None


_trusted = trusted_peer


def _public(raw: str | None, what: str) -> IPv4Address | IPv6Address | Unavailable:
    if not raw:
        return Unavailable(f"no {what} was available")
    try:
        address = ip_address(raw.strip())
    except ValueError:
        return Unavailable(f"the {what} {raw!r} is not an IP address")
    if not is_public_ip(address):
        return Unavailable(
            f"the {what} is a private address (the request did not cross the internet)"
        )
    return address


def server_context(request: Request, settings: Settings, now: dt.datetime) -> ServerContext:
    peer = request.client.host if request.client else None
    peer_port = request.client.port if request.client else None
    if _trusted(peer, settings.trusted_proxies):
        # Walk X-Forwarded-For from the right past our own proxies: the first address that is
        # not one of them is the client our edge saw (anything left of it is the client's word).
        hops = [hop.strip() for hop in request.headers.get("x-forwarded-for", "").split(",")]
        client_raw = next(
            (hop for hop in reversed(hops) if hop and not _trusted(hop, settings.trusted_proxies)),
            None,
        )
        port_raw = request.headers.get("x-forwarded-port")
        client_port: int | Unavailable = (
            int(port_raw)
            if port_raw and port_raw.isdigit()
            else Unavailable("the edge sent no port")
        )
    else:
        client_raw = peer
        client_port = peer_port if peer_port else Unavailable("no client port")
    if isinstance(client_port, int) and client_port in (80, 443):
        client_port = Unavailable("the edge reported its own server port, not the client's")
    client_ip = _public(client_raw, "client address")
    vendor_ip = _public(settings.vendor_public_ip, "vendor public IP (HMRC_SYNC_VENDOR_PUBLIC_IP)")
    return ServerContext(
        client_public_ip=client_ip,
        client_public_ip_collected_at=now,
        client_public_port=client_port,
        vendor_public_ip=vendor_ip,
        forwarded=direct_hop(vendor_ip, client_ip),
        multi_factor=SINGLE_FACTOR,
        user_ids=(("hmrc-sync", OWNER_LOGIN_ID),),
    )


def web_app_context(
    request: Request, form: Mapping[str, str], settings: Settings, device_id: str
) -> WebAppContext:
    now = dt.datetime.now(dt.UTC)
    return WebAppContext(
        browser=browser_context(form, device_id),
        server=server_context(request, settings, now),
        vendor=VendorContext.hmrc_sync(),
    )
