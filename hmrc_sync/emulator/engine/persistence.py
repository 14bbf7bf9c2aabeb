"""The state file (``--state FILE``) and the seed file (``--seed FILE``).

State file: JSON written atomically after every change, holding applications, users (password
hashes only), grants and access tokens (SHA-256 hashes only), test data, availability and
the clock offset. Sign-in sessions, pending authorizations and codes are not kept.

Seed file (JSON, every key optional)::

    {
      "applications": [{"clientId": "...", "clientSecret": "...",
                        "redirectUris": ["http://localhost:8080/oauth/callback"],
                        "subscriptions": ["individual-income", "..."], "name": "..."}],
      "users": [{
        "userId": "945350439195", "password": "bLohysg8utsa",
        "serviceNames": ["self-assessment", "national-insurance", "mtd-income-tax"],
        "saUtr": "1000057161", "nino": "PE938808A", "mtdItId": "...",
        "firstName": "Ida", "lastName": "Newton",
        "taxYears": {
          "2024-25": {
            "scenario": "HAPPY_PATH_1",
            "employers": [{"payeReference": "123/AB456", "name": "Acme Ltd",
                           "pay": 31250.00, "tax": 4120.40, "offPayrollWorker": false}],
            "individual-income": {"...": "an explicit Individual Income body"},
            "national-insurance": "HAPPY_PATH_2",
            "individuals-employments-income": {"employments": [{"employerName": "..."}]},
            "availability": {"reconciledOn": "2025-06-20", "withdrawnOn": null}
          }
        },
        "grants": [{"clientId": "...", "scopes": ["read:individual-income"],
                    "refreshToken": "...", "accessToken": "..."}]
      }]
    }

Per year, ``scenario`` fills every annual-summary API (Tax, Income, Employment, Benefits,
National Insurance) with HMRC's scenario; ``employers`` then replaces Tax, Income, Employment
and Benefits with bodies built from the figures; an API named explicitly (a body, or a
scenario name) wins over both. A user whose ``userId`` is already in the state is skipped, so
``--seed`` and ``--state`` together seed once.
"""

from __future__ import annotations

import os
import tempfile
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import SecretStr

from hmrc_sync import jsonio
from hmrc_sync.emulator.config import ApplicationConfig
from hmrc_sync.emulator.data.catalogue import ANNUAL_SUMMARY_APIS, EMPLOYMENTS_INCOME, SUBSCRIBABLE
from hmrc_sync.emulator.data.figures import EmployerFigures, annual_bodies
from hmrc_sync.emulator.data.scenarios import scenario_body
from hmrc_sync.emulator.data.shapes import ANNUAL_SUMMARY, MTD_EMPLOYMENTS, problems
from hmrc_sync.emulator.engine.users import Identities, TestUser
from hmrc_sync.jsonio import JsonObject
from hmrc_sync.taxyear import TaxYear

if TYPE_CHECKING:
    from hmrc_sync.emulator.engine.state import Emulator

STATE_VERSION = 1


class SeedError(ValueError):
    """A seed file the emulator cannot apply; the message says where."""


# --------------------------------------------------------------------------- state file
def save_state(emulator: Emulator, path: Path) -> None:
    data = {
        "version": STATE_VERSION,
        "clockOffsetSeconds": Decimal(str(emulator.clock_offset.total_seconds())),
        "applications": [_application_json(a) for a in emulator.applications.values()],
        "users": [user.to_json() for user in emulator.users.values()],
        "oauth": emulator.tokens.to_json(),
        "annualSummaries": [
            {"api": api, "utr": utr, "taxYear": TaxYear(start).hmrc, "body": body}
            for (api, utr, start), body in emulator.annual.items()
        ],
        "employmentsIncome": [
            {"nino": nino, "taxYear": TaxYear(start).hmrc, "employments": employments}
            for (nino, start), employments in emulator.employments_income.items()
        ],
        "availability": [
            {
                "utr": utr,
                "taxYear": TaxYear(start).hmrc,
                "reconciledOn": rule.reconciled_on.isoformat() if rule.reconciled_on else None,
                "withdrawnOn": rule.withdrawn_on.isoformat() if rule.withdrawn_on else None,
            }
            for (utr, start), rule in emulator.availability.items()
        ],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".emulator-state-", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(jsonio.dumps(data))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def load_state(emulator: Emulator, path: Path) -> None:
    from hmrc_sync.emulator.engine.state import Availability

    data = jsonio.loads(path.read_bytes())
    if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
        raise ValueError(f"{path} is not an emulator state file (version {STATE_VERSION})")
    raw: dict[str, Any] = data
    emulator.advance(timedelta(seconds=float(raw.get("clockOffsetSeconds", 0))))
    for item in raw.get("applications", []):
        application = _application(item)
        emulator.applications[application.client_id] = application
    for item in raw.get("users", []):
        user = TestUser.from_json(item)
        emulator.users[user.user_id] = user
    emulator.tokens.load_json(raw.get("oauth", {}))
    for item in raw.get("annualSummaries", []):
        key = (item["api"], item["utr"], TaxYear.parse(item["taxYear"]).start_year)
        emulator.annual[key] = item["body"]
    for item in raw.get("employmentsIncome", []):
        key2 = (item["nino"], TaxYear.parse(item["taxYear"]).start_year)
        emulator.employments_income[key2] = item["employments"]
    for item in raw.get("availability", []):
        emulator.availability[(item["utr"], TaxYear.parse(item["taxYear"]).start_year)] = (
            Availability(_date(item.get("reconciledOn")), _date(item.get("withdrawnOn")))
        )


def _application_json(application: ApplicationConfig) -> dict[str, Any]:
    return {
        "clientId": application.client_id,
        "clientSecret": application.client_secret.get_secret_value(),
        "redirectUris": list(application.redirect_uris),
        "subscriptions": sorted(application.subscriptions),
        "name": application.name,
    }


def _application(item: dict[str, Any]) -> ApplicationConfig:
    return ApplicationConfig(
        client_id=str(item["clientId"]),
        client_secret=SecretStr(str(item["clientSecret"])),
        redirect_uris=tuple(item.get("redirectUris") or ("http://localhost:8080/oauth/callback",)),
        subscriptions=frozenset(item.get("subscriptions") or SUBSCRIBABLE),
        name=str(item.get("name") or "hmrc-sync"),
    )


def _date(text: Any) -> date | None:
    return date.fromisoformat(text) if text else None


# --------------------------------------------------------------------------- seed file
def read_seed(path: Path) -> dict[str, Any]:
    try:
        data = jsonio.loads(path.read_bytes())
    except (OSError, jsonio.JsonError) as error:
        raise SeedError(f"cannot read seed file {path}: {error}") from None
    if not isinstance(data, dict):
        raise SeedError(f"seed file {path} must hold a JSON object")
    return data


def apply_seed(emulator: Emulator, seed: dict[str, Any]) -> None:
    try:
        for item in seed.get("applications", []):
            application = _application(item)
            emulator.applications[application.client_id] = application
        for index, user_seed in enumerate(seed.get("users", [])):
            _seed_user(emulator, user_seed, f"users[{index}]")
    except (KeyError, TypeError, ValueError) as error:
        if isinstance(error, SeedError):
            raise
        raise SeedError(f"seed file: {error}") from None


def _seed_user(emulator: Emulator, data: dict[str, Any], where: str) -> None:
    user_id = data.get("userId")
    if user_id is not None and user_id in emulator.users:
        return
    user, _ = emulator.create_user(
        data.get("serviceNames", ["self-assessment", "national-insurance"]),
        password=data.get("password"),
        identities=Identities(
            user_id=user_id,
            sa_utr=data.get("saUtr"),
            nino=data.get("nino"),
            mtd_it_id=data.get("mtdItId"),
            first_name=data.get("firstName"),
            last_name=data.get("lastName"),
        ),
    )
    for year_text, year_data in (data.get("taxYears") or {}).items():
        _seed_year(emulator, user, TaxYear.parse(year_text), year_data, f"{where}.{year_text}")
    for grant in data.get("grants", []):
        emulator.issue_grant(
            user.user_id,
            grant["clientId"],
            grant.get("scopes", []),
            refresh_token=grant.get("refreshToken"),
            access_token=grant.get("accessToken"),
        )


def _seed_year(
    emulator: Emulator, user: TestUser, year: TaxYear, data: dict[str, Any], where: str
) -> None:
    bodies: dict[str, JsonObject] = {}
    if "scenario" in data:
        bodies.update(_scenario_bodies(str(data["scenario"]), ANNUAL_SUMMARY_APIS, where))
    if "employers" in data:
        bodies.update(annual_bodies([EmployerFigures.from_json(e) for e in data["employers"]]))
    for api in ANNUAL_SUMMARY_APIS:
        given = data.get(api)
        if isinstance(given, str):
            bodies.update(_scenario_bodies(given, (api,), where))
        elif given is not None:
            found = problems(given, ANNUAL_SUMMARY[api])
            if found:
                raise SeedError(f"{where}.{api}: {'; '.join(found)}")
            bodies[api] = given
    if bodies and user.sa_utr is None:
        raise SeedError(f"{where}: annual summaries need a user with self-assessment")
    for api, body in bodies.items():
        emulator.put_annual_summary(api, str(user.sa_utr), year, body)
    mtd = data.get(EMPLOYMENTS_INCOME)
    if mtd is not None:
        found = problems(mtd, MTD_EMPLOYMENTS)
        if found or user.nino is None:
            raise SeedError(f"{where}.{EMPLOYMENTS_INCOME}: {'; '.join(found) or 'needs a NINO'}")
        emulator.put_employments_income(user.nino, year, list(mtd["employments"]))
    availability = data.get("availability")
    if availability is not None and user.sa_utr is not None:
        emulator.set_availability(
            user.sa_utr,
            year,
            reconciled_on=_date(availability.get("reconciledOn")),
            withdrawn_on=_date(availability.get("withdrawnOn")),
        )


def _scenario_bodies(scenario: str, apis: tuple[str, ...], where: str) -> dict[str, JsonObject]:
    bodies: dict[str, JsonObject] = {}
    for api in apis:
        body = scenario_body(api, scenario)
        if body is None:
            raise SeedError(f"{where}: unknown scenario {scenario!r}")
        bodies[api] = body
    return bodies
