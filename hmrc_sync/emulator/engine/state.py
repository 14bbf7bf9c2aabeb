"""The emulator's state and the API tests use to drive it (``app.state.emulator``).

In memory, guarded by one re-entrant lock (safe from TestClient threads and uvicorn alike);
with ``EmulatorConfig.state_file`` it is loaded at start and written after every change
(see :mod:`hmrc_sync.emulator.engine.persistence`).
"""

from __future__ import annotations

import hmac
import random
import secrets
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, Final, Literal

from hmrc_sync.emulator.config import (
    ApplicationConfig,
    EmulatorConfig,
    application_from_json,
    application_to_json,
)
from hmrc_sync.emulator.data import identifiers
from hmrc_sync.emulator.data.catalogue import ANNUAL_SUMMARY_APIS
from hmrc_sync.emulator.data.scenarios import scenario_body
from hmrc_sync.emulator.engine import persistence
from hmrc_sync.emulator.engine.faults import Faults
from hmrc_sync.emulator.engine.grants import GrantRegistry, IssuedTokens
from hmrc_sync.emulator.engine.seeding import apply_seed, iso_date
from hmrc_sync.emulator.engine.throttle import RateLimit
from hmrc_sync.emulator.engine.users import Identities, TestUser, generate_user, password_matches
from hmrc_sync.jsonio import JsonObject
from hmrc_sync.taxyear import TaxYear, uk_today

AvailabilityStatus = Literal["AVAILABLE", "NOT_YET_RECONCILED", "WITHDRAWN"]
_UNSET: Final = object()


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Availability:
    """When a tax year's SA pre-population data can be read (HMRC ``hmrc-api.md`` §0.2)."""

    reconciled_on: date | None = None
    withdrawn_on: date | None = None

    def status(self, today: date) -> AvailabilityStatus:
        if self.reconciled_on is not None and today < self.reconciled_on:
            return "NOT_YET_RECONCILED"
        if self.withdrawn_on is not None and today >= self.withdrawn_on:
            return "WITHDRAWN"
        return "AVAILABLE"


@dataclass(frozen=True)
class RecordedRequest:
    """The fraud-prevention headers of the latest request to one endpoint."""

    path: str
    method: str
    timestamp: datetime
    headers: tuple[tuple[str, str], ...]


class Emulator:
    """Everything the emulator knows, and the operations its routes and tests perform."""

    def __init__(self, config: EmulatorConfig, *, clock: Callable[[], datetime] = utc_now) -> None:
        self.config = config
        self._clock = clock
        self._offset = timedelta(0)
        self.lock = threading.RLock()
        seed = config.random_seed
        # Reproducible test data and fault choices, never secrets (tokens use ``secrets``).
        base = seed if seed is not None else secrets.randbits(64)
        self.rng = random.Random(base)  # noqa: S311
        self.faults = Faults(config.faults, random.Random(base + 1))  # noqa: S311
        self.rate_limit = RateLimit(config.rate_limit)
        self.tokens = GrantRegistry(
            access_lifetime=config.access_token_lifetime,
            grant_lifetime=config.grant_lifetime,
            code_lifetime=config.code_lifetime,
        )
        self.applications: dict[str, ApplicationConfig] = {}
        self.users: dict[str, TestUser] = {}
        self.annual: dict[tuple[str, str, int], JsonObject] = {}
        self.employments_income: dict[tuple[str, int], list[JsonObject]] = {}
        self.availability: dict[tuple[str, int], Availability] = {}
        self.recorded: dict[tuple[str, str, str, str, str], RecordedRequest] = {}
        self._loading = True
        if config.state_file is not None and config.state_file.exists():
            self.load_json(persistence.read_state(config.state_file))
        for application in config.applications:
            self.applications[application.client_id] = application
        if config.seed_file is not None:
            apply_seed(self, persistence.read_seed(config.seed_file))
        self._loading = False
        self.save()

    # ----------------------------------------------------------------- time
    def now(self) -> datetime:
        moment = self._clock()
        if moment.tzinfo is None:
            raise ValueError("the emulator's clock must return aware datetimes")
        return moment + self._offset

    def today(self) -> date:
        return uk_today(self.now())

    @property
    def clock_offset(self) -> timedelta:
        return self._offset

    def advance(self, delta: timedelta) -> datetime:
        """Move the emulator's clock (tokens, codes, grants, availability) forward."""
        with self.changing():
            self._offset += delta
            return self.now()

    # ----------------------------------------------------------------- persistence
    @contextmanager
    def changing(self) -> Iterator[None]:
        """Hold the lock for a change, then save the state file (if any)."""
        with self.lock:
            yield
            self.save()

    def save(self) -> None:
        if self.config.state_file is None or self._loading:
            return
        with self.lock:
            self.tokens.purge(self.now())
            persistence.write_state(self.config.state_file, self.to_json())

    # ----------------------------------------------------------------- serialisation
    def to_json(self) -> dict[str, Any]:
        """Everything the state file keeps (see ``persistence``)."""
        return {
            "clockOffsetSeconds": Decimal(str(self.clock_offset.total_seconds())),
            "applications": [application_to_json(a) for a in self.applications.values()],
            "users": [user.to_json() for user in self.users.values()],
            "oauth": self.tokens.to_json(),
            "annualSummaries": [
                {"api": api, "utr": utr, "taxYear": TaxYear(start).hmrc, "body": body}
                for (api, utr, start), body in self.annual.items()
            ],
            "employmentsIncome": [
                {"nino": nino, "taxYear": TaxYear(start).hmrc, "employments": employments}
                for (nino, start), employments in self.employments_income.items()
            ],
            "availability": [
                {
                    "utr": utr,
                    "taxYear": TaxYear(start).hmrc,
                    "reconciledOn": rule.reconciled_on.isoformat() if rule.reconciled_on else None,
                    "withdrawnOn": rule.withdrawn_on.isoformat() if rule.withdrawn_on else None,
                }
                for (utr, start), rule in self.availability.items()
            ],
        }

    def load_json(self, data: dict[str, Any]) -> None:
        """Restore what ``to_json`` wrote."""
        self.advance(timedelta(seconds=float(data.get("clockOffsetSeconds", 0))))
        for item in data.get("applications", []):
            application = application_from_json(item)
            self.applications[application.client_id] = application
        for item in data.get("users", []):
            user = TestUser.from_json(item)
            self.users[user.user_id] = user
        self.tokens.load_json(data.get("oauth", {}))
        for item in data.get("annualSummaries", []):
            key = (item["api"], item["utr"], TaxYear.parse(item["taxYear"]).start_year)
            self.annual[key] = item["body"]
        for item in data.get("employmentsIncome", []):
            key2 = (item["nino"], TaxYear.parse(item["taxYear"]).start_year)
            self.employments_income[key2] = item["employments"]
        for item in data.get("availability", []):
            self.availability[(item["utr"], TaxYear.parse(item["taxYear"]).start_year)] = (
                Availability(iso_date(item.get("reconciledOn")), iso_date(item.get("withdrawnOn")))
            )

    # ----------------------------------------------------------------- applications
    def register_application(self, application: ApplicationConfig) -> None:
        with self.changing():
            self.applications[application.client_id] = application

    def authenticate_client(self, client_id: str, client_secret: str) -> ApplicationConfig | None:
        application = self.applications.get(client_id)
        if application is None:
            return None
        expected = application.client_secret.get_secret_value().encode()
        if not hmac.compare_digest(expected, client_secret.encode()):
            return None
        return application

    # ----------------------------------------------------------------- users
    def create_user(
        self,
        services: Iterable[str] = (),
        *,
        password: str | None = None,
        identities: Identities = Identities(),  # noqa: B008 - immutable value
    ) -> tuple[TestUser, str]:
        """A new test user and its plain password (shown once, stored hashed)."""
        with self.changing():
            plain = password or identifiers.new_password(self.rng)
            taken = {
                value
                for user in self.users.values()
                for value in (user.user_id, user.sa_utr, user.nino, user.mtd_it_id, user.vrn)
                if value
            }
            user = generate_user(self.rng, tuple(services), plain, self.today(), identities, taken)
            self.users[user.user_id] = user
            return user, plain

    def sign_in(self, user_id: str, password: str) -> TestUser | None:
        user = self.users.get(user_id)
        if user is None or not password_matches(password, user.password_hash):
            return None
        return user

    def user_by_nino(self, nino: str) -> TestUser | None:
        return next((u for u in self.users.values() if u.nino == nino), None)

    def nino_in_use(self, nino: str) -> bool:
        return self.user_by_nino(nino) is not None

    # ----------------------------------------------------------------- test data
    def put_annual_summary(self, api: str, utr: str, tax_year: TaxYear, body: JsonObject) -> None:
        if api not in ANNUAL_SUMMARY_APIS:
            raise ValueError(f"{api} is not an annual-summary API")
        with self.changing():
            self.annual[(api, utr, tax_year.start_year)] = body

    def annual_summary(self, api: str, utr: str, tax_year: TaxYear) -> JsonObject | None:
        return self.annual.get((api, utr, tax_year.start_year))

    def load_scenario(
        self,
        utr: str,
        tax_year: TaxYear,
        scenario: str = "HAPPY_PATH_1",
        apis: Iterable[str] = ANNUAL_SUMMARY_APIS,
    ) -> None:
        """Store HMRC's scenario for each API, as its test-support POST does."""
        for api in apis:
            body = scenario_body(api, scenario)
            if body is None:
                raise ValueError(f"unknown scenario {scenario!r}")
            self.put_annual_summary(api, utr, tax_year, body)

    def put_employments_income(
        self, nino: str, tax_year: TaxYear, employments: list[JsonObject]
    ) -> list[JsonObject]:
        """Store HMRC-held MTD employments; each gets an ``employmentId`` if it has none."""
        with self.changing():
            stored: list[JsonObject] = []
            for employment in employments:
                item = dict(employment)
                item.setdefault("employmentId", identifiers.new_employment_id(self.rng))
                item.setdefault("submittedOn", hmrc_timestamp(self.now()))
                stored.append(item)
            self.employments_income[(nino, tax_year.start_year)] = stored
            return stored

    def set_availability(
        self,
        utr: str,
        tax_year: TaxYear,
        *,
        reconciled_on: date | object | None = _UNSET,
        withdrawn_on: date | object | None = _UNSET,
    ) -> Availability:
        """Data readable from ``reconciled_on`` (404 before) until ``withdrawn_on`` (404 on)."""
        with self.changing():
            current = self.availability.setdefault((utr, tax_year.start_year), Availability())
            if reconciled_on is not _UNSET:
                current.reconciled_on = reconciled_on if isinstance(reconciled_on, date) else None
            if withdrawn_on is not _UNSET:
                current.withdrawn_on = withdrawn_on if isinstance(withdrawn_on, date) else None
            return current

    def withdraw(self, utr: str, tax_year: TaxYear) -> Availability:
        """The SA return was processed today: the year's data is gone from now on."""
        return self.set_availability(utr, tax_year, withdrawn_on=self.today())

    def availability_status(self, utr: str, tax_year: TaxYear) -> AvailabilityStatus:
        rule = self.availability.get((utr, tax_year.start_year))
        return rule.status(self.today()) if rule else "AVAILABLE"

    # ----------------------------------------------------------------- grants
    def issue_grant(
        self,
        user_id: str,
        client_id: str,
        scopes: Iterable[str],
        *,
        refresh_token: str | None = None,
        access_token: str | None = None,
    ) -> IssuedTokens:
        """A grant as if the user had gone through the pages (for tests and seed files)."""
        if user_id not in self.users or client_id not in self.applications:
            raise ValueError("unknown user or application")
        with self.changing():
            return self.tokens.new_grant(
                self.now(),
                client_id,
                user_id,
                tuple(scopes),
                refresh_token=refresh_token,
                access_token=access_token,
            )

    def revoke_grants(self, user_id: str, client_id: str | None = None) -> int:
        """The user revoked the application's authority (its tokens die at once)."""
        with self.changing():
            return self.tokens.revoke(user_id, client_id)

    # ----------------------------------------------------------------- fraud-header feedback
    def record_request(
        self,
        client_id: str,
        api: str,
        route: str,
        method: str,
        path: str,
        headers: tuple[tuple[str, str], ...],
    ) -> None:
        connection_method = next(
            (value for name, value in headers if name == "gov-client-connection-method"), ""
        )
        with self.lock:
            self.recorded[(client_id, api, connection_method, method, route)] = RecordedRequest(
                path, method, self.now(), headers
            )

    def recorded_requests(
        self, client_id: str, api: str, connection_method: str | None
    ) -> list[RecordedRequest]:
        with self.lock:
            found = [
                record
                for (client, name, method_used, _, _), record in self.recorded.items()
                if client == client_id and name == api and connection_method in (None, method_used)
            ]
        return sorted(found, key=lambda record: record.timestamp)


def hmrc_timestamp(moment: datetime) -> str:
    """HMRC's ``YYYY-MM-DDThh:mm:ss.SSSZ`` (UTC, milliseconds)."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
