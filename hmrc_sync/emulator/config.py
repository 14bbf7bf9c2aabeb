"""The emulator's configuration: registered applications, lifetimes, rate limit and faults."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, Final

from pydantic import SecretStr

from hmrc_sync.emulator.data.catalogue import SUBSCRIBABLE

DEFAULT_REDIRECT_URI: Final = "http://localhost:8080/oauth/callback"
DEFAULT_ERROR_STATUSES: Final = (500, 503, 504)


@dataclass(frozen=True)
class ApplicationConfig:
    """An application registered on the emulator's Developer Hub."""

    client_id: str
    client_secret: SecretStr
    redirect_uris: tuple[str, ...] = (DEFAULT_REDIRECT_URI,)
    subscriptions: frozenset[str] = SUBSCRIBABLE
    name: str = "hmrc-sync"

    def __post_init__(self) -> None:
        if not self.client_id or not self.client_secret.get_secret_value():
            raise ValueError("an application needs a client id and a client secret")
        if not self.redirect_uris:
            raise ValueError("an application needs at least one redirect URI")
        unknown = set(self.subscriptions) - SUBSCRIBABLE
        if unknown:
            raise ValueError(f"unknown APIs to subscribe to: {', '.join(sorted(unknown))}")


@dataclass(frozen=True)
class FaultConfig:
    """Faults to inject, all off by default (see :mod:`hmrc_sync.emulator.engine.faults`)."""

    latency_ms: int = 0
    error_rate: float = 0.0
    error_statuses: tuple[int, ...] = DEFAULT_ERROR_STATUSES
    throttle_burst: int = 0
    token_endpoint_down: bool = False
    drop_after_refresh: int = 0
    refresh_delay_ms: int = 0
    control_api: bool = False

    def __post_init__(self) -> None:
        if self.latency_ms < 0 or self.throttle_burst < 0 or self.drop_after_refresh < 0:
            raise ValueError("latency, bursts and drops cannot be negative")
        if self.refresh_delay_ms < 0:
            raise ValueError("the refresh delay cannot be negative")
        if not 0.0 <= self.error_rate <= 1.0:
            raise ValueError("the error rate is a fraction between 0 and 1")
        if not self.error_statuses or set(self.error_statuses) - set(DEFAULT_ERROR_STATUSES):
            raise ValueError("error statuses must be chosen from 500, 503 and 504")


@dataclass(frozen=True)
class VersionNotice:
    """An API version the emulator treats as deprecated (RFC 9745/8594 headers on every
    answer to it), or as retired (answered like a version it never served)."""

    api: str
    version: str
    sunset: str = "Wed, 01 Sep 2027 00:00:00 GMT"  # an HTTP-date, as in the Sunset header
    link: str = "https://developer.service.hmrc.gov.uk/api-documentation/docs/api"
    deprecated_since: int = 1_764_547_200  # Unix time (2025-12-01), the Deprecation header

    def headers(self) -> dict[str, str]:
        return {
            "Deprecation": f"@{self.deprecated_since}",
            "Sunset": self.sunset,
            "Link": f'<{self.link}>; rel="deprecation"; type="text/html"',
        }


@dataclass(frozen=True)
class EmulatorConfig:
    """Everything the factory needs; the defaults are HMRC's."""

    applications: tuple[ApplicationConfig, ...] = ()
    access_token_lifetime: timedelta = timedelta(hours=4)
    # HMRC: "after 18 months you can no longer refresh"; 548 days is 18 average months.
    grant_lifetime: timedelta = timedelta(days=548)
    code_lifetime: timedelta = timedelta(minutes=10)
    # Requests per second per application; 0 turns the limit off.
    rate_limit: int = 3
    faults: FaultConfig = field(default_factory=FaultConfig)
    # JSON file the state is loaded from at start and saved to after every change.
    state_file: Path | None = None
    # JSON seed file (applications, users, grants, data) applied at start.
    seed_file: Path | None = None
    # Seed for generated identities and fault randomness (None: unpredictable).
    random_seed: int | None = None
    # API versions answered with Deprecation/Sunset/Link headers.
    deprecated_versions: tuple[VersionNotice, ...] = ()
    # API versions no longer served (404 MATCHING_RESOURCE_NOT_FOUND, as HMRC's gateway).
    retired_versions: tuple[VersionNotice, ...] = ()
    # The only action of the sign-in page before the test-user form (older pages said
    # "Sign in to Government Gateway").
    sign_in_button_text: str = "Sign in to the HMRC online service"
    # HMRC's sandbox validator has refused client-credentials tokens (401
    # INVALID_CREDENTIALS) since late August 2026; True behaves that way.
    validator_refuses_application_tokens: bool = False

    def __post_init__(self) -> None:
        if self.rate_limit < 0:
            raise ValueError("the rate limit cannot be negative (0 turns it off)")
        for lifetime in (self.access_token_lifetime, self.grant_lifetime, self.code_lifetime):
            if lifetime <= timedelta(0):
                raise ValueError("token, grant and code lifetimes must be positive")
        ids = [app.client_id for app in self.applications]
        if len(ids) != len(set(ids)):
            raise ValueError("two applications share a client id")


def application_to_json(application: ApplicationConfig) -> dict[str, Any]:
    return {
        "clientId": application.client_id,
        "clientSecret": application.client_secret.get_secret_value(),
        "redirectUris": list(application.redirect_uris),
        "subscriptions": sorted(application.subscriptions),
        "name": application.name,
    }


def application_from_json(item: dict[str, Any]) -> ApplicationConfig:
    return ApplicationConfig(
        client_id=str(item["clientId"]),
        client_secret=SecretStr(str(item["clientSecret"])),
        redirect_uris=tuple(item.get("redirectUris") or ("http://localhost:8080/oauth/callback",)),
        subscriptions=frozenset(item.get("subscriptions") or SUBSCRIBABLE),
        name=str(item.get("name") or "hmrc-sync"),
    )
