"""Seeding the emulator from a seed file (``--seed FILE``).

The format is documented in ``docs/emulator-seed.md``, with an example in
``docs/examples/emulator-seed.json``. Per year, ``scenario`` fills every annual-summary API
with HMRC's scenario; ``employers`` then replaces Tax, Income, Employment and Benefits with
bodies built from the figures; an API named explicitly (a body, or a scenario name) wins over
both. A user whose ``userId`` is already in the state is skipped, so ``--seed`` and
``--state`` together seed once.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from hmrc_sync.emulator.config import application_from_json
from hmrc_sync.emulator.data.catalogue import ANNUAL_SUMMARY_APIS, EMPLOYMENTS_INCOME
from hmrc_sync.emulator.data.figures import EmployerFigures, annual_bodies
from hmrc_sync.emulator.data.scenarios import scenario_body
from hmrc_sync.emulator.data.shapes import ANNUAL_SUMMARY, MTD_EMPLOYMENTS, problems
from hmrc_sync.emulator.engine.persistence import SeedError
from hmrc_sync.emulator.engine.users import Identities, TestUser
from hmrc_sync.jsonio import JsonObject
from hmrc_sync.taxyear import TaxYear

if TYPE_CHECKING:
    from hmrc_sync.emulator.engine.state import Emulator


def iso_date(text: Any) -> date | None:
    return date.fromisoformat(text) if text else None


def apply_seed(emulator: Emulator, seed: dict[str, Any]) -> None:
    try:
        for item in seed.get("applications", []):
            application = application_from_json(item)
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
            reconciled_on=iso_date(availability.get("reconciledOn")),
            withdrawn_on=iso_date(availability.get("withdrawnOn")),
        )


def _scenario_bodies(scenario: str, apis: tuple[str, ...], where: str) -> dict[str, JsonObject]:
    bodies: dict[str, JsonObject] = {}
    for api in apis:
        body = scenario_body(api, scenario)
        if body is None:
            raise SeedError(f"{where}: unknown scenario {scenario!r}")
        bodies[api] = body
    return bodies
