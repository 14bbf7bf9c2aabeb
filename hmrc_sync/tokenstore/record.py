"""What the token store holds: the installation's device id and, once granted, the OAuth grant.

Pure values, no I/O. Tokens are ``SecretStr``, so the ``repr`` of a ``Grant`` or a
``TokenRecord`` never shows one. Every datetime is aware and normalised to UTC.

HMRC's grant ("authority") lasts 18 months from the moment the owner grants access; after that
the token endpoint answers ``invalid_grant`` and the owner must sign in again. Refreshing does
not extend it, which is why ``granted_at`` is kept apart from ``refreshed_at``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import uuid
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Final

from pydantic import SecretStr

GRANT_LIFETIME_MONTHS: Final = 18


# A grant this close to its 18-month end is shown as expiring soon (status page, auth status).
EXPIRING_SOON: Final = dt.timedelta(days=30)


class GrantStatus(StrEnum):
    """The grant's state, as ``auth status``, the status page and the metrics all report it."""

    NOT_GRANTED = "not_granted"
    GRANTED = "granted"
    EXPIRING_SOON = "expiring_soon"  # usable, ends within ``EXPIRING_SOON``
    EXPIRED = "expired"  # HMRC's 18 months are over
    REAUTHORISATION_REQUIRED = "reauthorisation_required"  # HMRC refused the grant

    @property
    def usable(self) -> bool:
        """True while a sync can use the grant; otherwise the owner must sign in again."""
        return self in (GrantStatus.GRANTED, GrantStatus.EXPIRING_SOON)

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").replace("reauthorisation", "re-authorisation")


def add_months(moment: dt.datetime, months: int) -> dt.datetime:
    """``moment`` plus whole calendar months, clamping the day (31 Aug + 18 months = 28 Feb)."""
    index = moment.year * 12 + (moment.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def _utc(name: str, value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime (got a naive one)")
    return value.astimezone(dt.UTC)


def new_device_id() -> str:
    """A fresh device id (a random UUID, as HMRC's Gov-Client-Device-ID expects)."""
    return str(uuid.uuid4())


@dataclass(frozen=True)
class Grant:
    """The owner's OAuth grant: the current token pair and what was granted when."""

    access_token: SecretStr
    refresh_token: SecretStr
    access_token_expires_at: dt.datetime
    granted_at: dt.datetime
    scopes: tuple[str, ...]
    refreshed_at: dt.datetime | None = None

    def __post_init__(self) -> None:
        for name in ("access_token", "refresh_token"):
            value = getattr(self, name)
            if not isinstance(value, SecretStr):
                raise TypeError(f"{name} must be a SecretStr")
            if not value.get_secret_value():
                raise ValueError(f"{name} must not be empty")
        object.__setattr__(
            self,
            "access_token_expires_at",
            _utc("access_token_expires_at", self.access_token_expires_at),
        )
        object.__setattr__(self, "granted_at", _utc("granted_at", self.granted_at))
        if self.refreshed_at is not None:
            object.__setattr__(self, "refreshed_at", _utc("refreshed_at", self.refreshed_at))
        scopes = tuple(self.scopes)
        if not all(isinstance(scope, str) and scope for scope in scopes):
            raise ValueError("scopes must be non-empty strings")
        object.__setattr__(self, "scopes", scopes)

    @property
    def grant_expires_at(self) -> dt.datetime:
        """When HMRC stops honouring this grant: 18 months after it was granted."""
        return add_months(self.granted_at, GRANT_LIFETIME_MONTHS)

    def access_token_expires_within(self, leeway: dt.timedelta, *, now: dt.datetime) -> bool:
        """True when the access token has expired or will within ``leeway`` of ``now``."""
        return self.access_token_expires_at - leeway <= _utc("now", now)

    def grant_expired(self, *, now: dt.datetime) -> bool:
        return self.grant_expires_at <= _utc("now", now)

    def refreshed(
        self,
        *,
        access_token: SecretStr,
        refresh_token: SecretStr,
        access_token_expires_at: dt.datetime,
        refreshed_at: dt.datetime,
        scopes: tuple[str, ...] | None = None,
    ) -> Grant:
        """The same grant with a new token pair; ``granted_at`` stays (refresh never extends it)."""
        return replace(
            self,
            access_token=access_token,
            refresh_token=refresh_token,
            access_token_expires_at=access_token_expires_at,
            refreshed_at=refreshed_at,
            scopes=self.scopes if scopes is None else scopes,
        )


@dataclass(frozen=True)
class TokenRecord:
    """Everything the token store keeps for one installation."""

    device_id: str
    grant: Grant | None = None
    reauthorisation_required: bool = False
    reauthorisation_reason: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.device_id, str) or not self.device_id.strip():
            raise ValueError("device_id must be a non-empty string")
        if self.reauthorisation_reason is not None and not self.reauthorisation_required:
            raise ValueError("reauthorisation_reason is only set when reauthorisation_required")

    @classmethod
    def new(cls) -> TokenRecord:
        """A first record: a new device id and no grant yet."""
        return cls(device_id=new_device_id())

    def with_grant(self, grant: Grant) -> TokenRecord:
        """A new grant replaces the old one and clears any re-authorisation flag."""
        return replace(
            self, grant=grant, reauthorisation_required=False, reauthorisation_reason=None
        )

    def requiring_reauthorisation(self, reason: str) -> TokenRecord:
        """HMRC refused the grant (``invalid_grant``): keep its metadata, flag the record.

        ``reason`` is shown to the owner, so build it from HMRC's error code and description,
        never from a token.
        """
        return replace(self, reauthorisation_required=True, reauthorisation_reason=reason)

    def without_grant(self) -> TokenRecord:
        """Sign out: forget the grant but keep the device id (it identifies this installation)."""
        return replace(
            self, grant=None, reauthorisation_required=False, reauthorisation_reason=None
        )

    def status(self, now: dt.datetime) -> GrantStatus:
        """The grant's state at ``now``: the one definition every view uses."""
        if self.reauthorisation_required:
            return GrantStatus.REAUTHORISATION_REQUIRED
        if self.grant is None:
            return GrantStatus.NOT_GRANTED
        if self.grant.grant_expired(now=now):
            return GrantStatus.EXPIRED
        if self.grant.grant_expires_at - now <= EXPIRING_SOON:
            return GrantStatus.EXPIRING_SOON
        return GrantStatus.GRANTED


def grant_status(record: TokenRecord | None, now: dt.datetime) -> GrantStatus:
    """``record.status(now)``, and ``NOT_GRANTED`` when nothing is stored."""
    return GrantStatus.NOT_GRANTED if record is None else record.status(now)
