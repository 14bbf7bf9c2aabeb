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
from typing import TYPE_CHECKING, Any, Final

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
    """Apply ``seed`` after checking its shape: a mistake raises ``SeedError`` naming its
    place (``users[0].taxYears.2024-25.employers[1]: ...``) before anything is applied."""
    found = seed_problems(seed)
    if found:
        more = f" (and {len(found) - MAX_PROBLEMS} more)" if len(found) > MAX_PROBLEMS else ""
        raise SeedError("; ".join(found[:MAX_PROBLEMS]) + more)
    where = "seed file"
    try:
        for index, item in enumerate(seed.get("applications", [])):
            where = f"applications[{index}]"
            application = application_from_json(item)
            emulator.applications[application.client_id] = application
        for index, user_seed in enumerate(seed.get("users", [])):
            where = f"users[{index}]"
            _seed_user(emulator, user_seed, where)
    except (KeyError, TypeError, ValueError) as error:
        if isinstance(error, SeedError):
            raise
        reason = f"missing {error}" if isinstance(error, KeyError) else str(error)
        raise SeedError(f"{where}: {reason}") from None


MAX_PROBLEMS: Final = 10
_APPLICATION_KEYS: Final = {
    "clientId": "text",
    "clientSecret": "text",
    "redirectUris": "texts",
    "subscriptions": "texts",
    "name": "text",
}
_USER_KEYS: Final = {
    "userId": "text",
    "password": "text",
    "serviceNames": "texts",
    "saUtr": "text",
    "nino": "text",
    "mtdItId": "text",
    "firstName": "text",
    "lastName": "text",
    "taxYears": "object",
    "grants": "list",
}
_GRANT_KEYS: Final = {
    "clientId": "text",
    "scopes": "texts",
    "refreshToken": "text",
    "accessToken": "text",
}
_YEAR_KEYS: Final = {
    "scenario": "text",
    "employers": "list",
    "availability": "object",
    EMPLOYMENTS_INCOME: "object",
    **dict.fromkeys(ANNUAL_SUMMARY_APIS, "any"),
}
_KIND_NAMES: Final = {
    "text": "text",
    "texts": "a list of text",
    "object": "a JSON object",
    "list": "a list",
}


def _fits(kind: str, value: Any) -> bool:
    if kind == "text":
        return isinstance(value, str)
    if kind == "texts":
        return isinstance(value, list) and all(isinstance(item, str) for item in value)
    if kind == "object":
        return isinstance(value, dict)
    if kind == "list":
        return isinstance(value, list)
    return True


def seed_problems(seed: Any) -> list[str]:
    """Every place where ``seed`` does not have the documented shape (docs/emulator-seed.md):
    unknown keys, wrong types, missing credentials, tax years and dates that do not parse."""
    if not isinstance(seed, dict):
        return ["the file must hold a JSON object with applications and users"]
    found = _keys(seed, {"applications": "list", "users": "list"}, "")
    for index, item in enumerate(_list(seed.get("applications"))):
        where = f"applications[{index}]"
        found += _keys(item, _APPLICATION_KEYS, where, required=("clientId", "clientSecret"))
    for index, user in enumerate(_list(seed.get("users"))):
        found += _user_problems(user, f"users[{index}]")
    return found


def _user_problems(user: Any, where: str) -> list[str]:
    found = _keys(user, _USER_KEYS, where)
    if not isinstance(user, dict):
        return found
    for index, grant in enumerate(_list(user.get("grants"))):
        found += _keys(grant, _GRANT_KEYS, f"{where}.grants[{index}]", required=("clientId",))
    years = user.get("taxYears")
    for year_text, year in years.items() if isinstance(years, dict) else ():
        place = f"{where}.taxYears.{year_text}"
        try:
            TaxYear.parse(year_text)
        except ValueError:
            found.append(f"{place}: {year_text!r} is not a tax year (write e.g. 2024-25)")
        found += _keys(year, _YEAR_KEYS, place)
        availability = year.get("availability") if isinstance(year, dict) else None
        for key in ("reconciledOn", "withdrawnOn"):
            value = availability.get(key) if isinstance(availability, dict) else None
            if value is not None and not _is_iso_date(value):
                found.append(f"{place}.availability.{key}: {value!r} is not a date (YYYY-MM-DD)")
    return found


def _keys(
    item: Any, known: dict[str, str], where: str, *, required: tuple[str, ...] = ()
) -> list[str]:
    prefix = f"{where}: " if where else ""
    if not isinstance(item, dict):
        return [f"{prefix}must be a JSON object"]
    found = [f"{prefix}missing {key!r}" for key in required if not item.get(key)]
    for key, value in item.items():
        kind = known.get(key)
        if kind is None:
            found.append(f"{prefix}unknown key {str(key)[:40]!r} (known: {', '.join(known)})")
        elif value is not None and not _fits(kind, value):
            found.append(f"{prefix}{key} must be {_KIND_NAMES[kind]}")
    return found


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _is_iso_date(value: Any) -> bool:
    try:
        date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return True


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
