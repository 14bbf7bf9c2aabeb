"""HMRC's test-support APIs (Create Test User, Individual PAYE and National Insurance test
support) and the emulator's own extensions under ``/emulator/test-support``.

All are application-restricted. HMRC's test-support POSTs take ``{"scenario": ...}``
(``HAPPY_PATH_1`` when absent; ``UNKNOWN_SCENARIO`` otherwise) and answer 201 with what the
API will serve. The emulator also takes the served body itself (explicit figures), checked
against the API's response schema (400 ``INVALID_REQUEST`` naming the problems).

Extensions (not HMRC; ``Accept: application/vnd.hmrc.1.0+json``, not rate limited):

* ``POST /emulator/test-support/individuals/employments-income/{nino}/{taxYear}`` with
  ``{"employments": [...]}``: HMRC-held MTD employments (Retrieve fields plus financial details;
  an ``employmentId`` is assigned when absent) → 201 ``{"employments": [...stored]}``;
* ``PUT /emulator/test-support/sa/{utr}/availability/{taxYear}`` with any of
  ``{"reconciledOn": "YYYY-MM-DD"|null, "withdrawnOn": "YYYY-MM-DD"|null, "withdrawNow": true}``
  → 200 ``{"reconciledOn", "withdrawnOn", "status"}``.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Final

from fastapi import APIRouter, Request, Response

from hmrc_sync.emulator.data.catalogue import (
    APIS,
    CREATE_TEST_USER,
    EMULATOR_TEST_SUPPORT,
    INDIVIDUAL_SERVICES,
    NATIONAL_INSURANCE,
    NI_TEST_SUPPORT,
    PAYE_TEST_SUPPORT,
    TEST_SUPPORT_WORDS,
)
from hmrc_sync.emulator.data.identifiers import is_nino, is_sa_utr
from hmrc_sync.emulator.data.scenarios import DEFAULT_SCENARIO, scenario_body
from hmrc_sync.emulator.data.shapes import ANNUAL_SUMMARY, MTD_EMPLOYMENTS, problems
from hmrc_sync.emulator.engine.users import Identities
from hmrc_sync.emulator.routes.apis import SA_UTR_INVALID, TAX_YEAR_INVALID, plain_utr
from hmrc_sync.emulator.routes.gateway import (
    MATCHING_RESOURCE_NOT_FOUND,
    ApiError,
    check,
    emulator_of,
    hmrc_tax_year,
)
from hmrc_sync.emulator.routes.responses import JsonResponse
from hmrc_sync.jsonio import JsonError, JsonObject, JsonValue, loads
from hmrc_sync.taxyear import TaxYear

UNKNOWN_SCENARIO: Final = (400, "UNKNOWN_SCENARIO", "Unknown test scenario")


def _invalid(message: str) -> ApiError:
    return ApiError(400, "INVALID_REQUEST", message)


async def _json_body(request: Request, *, optional: bool = False) -> JsonValue:
    raw = await request.body()
    if not raw.strip():
        if optional:
            return {}
        raise _invalid("A JSON body is required")
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in ("application/json", "text/json"):
        # As HMRC's Play services (``parse.json``) answer a body that is not declared JSON.
        raise ApiError(
            415, "UNSUPPORTED_MEDIA_TYPE", "Expecting text/json or application/json body"
        )
    try:
        return loads(raw)
    except JsonError:
        raise _invalid("Invalid JSON") from None


# --------------------------------------------------------------------------- Create Test User
async def create_individual(request: Request) -> Response:
    check(request, APIS[CREATE_TEST_USER])
    body = await _json_body(request, optional=True)
    if not isinstance(body, dict):
        raise _invalid("The body must be a JSON object")
    services = body.get("serviceNames", [])
    if not isinstance(services, list) or not all(
        isinstance(s, str) and s in INDIVIDUAL_SERVICES for s in services
    ):
        raise _invalid(f"serviceNames must be a list of: {', '.join(INDIVIDUAL_SERVICES)}")
    nino, eori = body.get("nino"), body.get("eoriNumber")
    emulator = emulator_of(request)
    if nino is not None:
        if not isinstance(nino, str) or not is_nino(nino):
            raise _invalid("The nino is invalid")
        if not {"national-insurance", "mtd-income-tax"} & set(services):
            raise _invalid("A nino needs the national-insurance or mtd-income-tax service")
        if emulator.nino_in_use(nino):
            raise ApiError(400, "NINO_ALREADY_USED", "The nino specified has already been used")
    if eori is not None and not isinstance(eori, str):
        raise _invalid("The eoriNumber is invalid")
    user, password = emulator.create_user(
        [str(s) for s in services], identities=Identities(nino=nino, eori_number=eori)
    )
    return JsonResponse(user.created_response(password), status_code=201)


async def services(request: Request) -> Response:
    check(request, APIS[CREATE_TEST_USER])
    listing: list[JsonValue] = [
        {"key": key, "name": name, "allowedUserTypes": ["INDIVIDUAL"]}
        for key, name in INDIVIDUAL_SERVICES.items()
    ]
    return JsonResponse(listing)


# --------------------------------------------------------------------------- test data
def _utr_and_year(utr: str, tax_year: str) -> TaxYear:
    if not is_sa_utr(utr):
        raise ApiError(*SA_UTR_INVALID)
    year = hmrc_tax_year(tax_year)
    if year is None:
        raise ApiError(*TAX_YEAR_INVALID)
    return year


async def _store_annual_summary(request: Request, api: str, utr: str, year: TaxYear) -> Response:
    body = await _json_body(request)
    if not isinstance(body, dict):
        raise _invalid("The body must be a JSON object")
    if set(body) <= {"scenario"}:
        scenario = body.get("scenario", DEFAULT_SCENARIO)
        data = scenario_body(api, scenario) if isinstance(scenario, str) else None
        if data is None:
            raise ApiError(*UNKNOWN_SCENARIO)
    else:
        found = problems(body, ANNUAL_SUMMARY[api])
        if found:
            raise _invalid("; ".join(found))
        data = body
    emulator_of(request).put_annual_summary(api, plain_utr(utr), year, data)
    return JsonResponse(data, status_code=201)


async def paye_test_data(request: Request, utr: str, word: str, tax_year: str) -> Response:
    api = TEST_SUPPORT_WORDS.get(word)
    if api is None:
        raise ApiError(*MATCHING_RESOURCE_NOT_FOUND)
    check(request, APIS[PAYE_TEST_SUPPORT])
    return await _store_annual_summary(request, api, utr, _utr_and_year(utr, tax_year))


async def ni_test_data(request: Request, utr: str, tax_year: str) -> Response:
    check(request, APIS[NI_TEST_SUPPORT])
    year = _utr_and_year(utr, tax_year)
    return await _store_annual_summary(request, NATIONAL_INSURANCE, utr, year)


# --------------------------------------------------------------------------- extensions
async def mtd_test_data(request: Request, nino: str, tax_year: str) -> Response:
    check(request, APIS[EMULATOR_TEST_SUPPORT])
    if not is_nino(nino):
        raise ApiError(400, "FORMAT_NINO", "The provided NINO is invalid")
    year = hmrc_tax_year(tax_year)
    if year is None:
        raise ApiError(400, "FORMAT_TAX_YEAR", "The provided tax year is invalid")
    body = await _json_body(request)
    found = problems(body, MTD_EMPLOYMENTS)
    if found or not isinstance(body, dict) or not isinstance(body["employments"], list):
        raise _invalid("; ".join(found) or "The body must be a JSON object")
    employments = [item for item in body["employments"] if isinstance(item, dict)]
    stored = emulator_of(request).put_employments_income(nino, year, employments)
    listing: list[JsonValue] = list(stored)
    return JsonResponse({"employments": listing}, status_code=201)


async def availability(request: Request, utr: str, tax_year: str) -> Response:
    check(request, APIS[EMULATOR_TEST_SUPPORT])
    year = _utr_and_year(utr, tax_year)
    body = await _json_body(request)
    if not isinstance(body, dict) or set(body) - {"reconciledOn", "withdrawnOn", "withdrawNow"}:
        raise _invalid("Expected reconciledOn, withdrawnOn and/or withdrawNow")
    changes: dict[str, Any] = {}
    for key, name in (("reconciledOn", "reconciled_on"), ("withdrawnOn", "withdrawn_on")):
        if key in body:
            changes[name] = _date(body[key], key)
    emulator = emulator_of(request)
    with emulator.lock:
        rule = emulator.set_availability(plain_utr(utr), year, **changes)
        if body.get("withdrawNow") is True:
            rule = emulator.withdraw(plain_utr(utr), year)
        answer: JsonObject = {
            "reconciledOn": rule.reconciled_on.isoformat() if rule.reconciled_on else None,
            "withdrawnOn": rule.withdrawn_on.isoformat() if rule.withdrawn_on else None,
            "status": emulator.availability_status(plain_utr(utr), year),
        }
    return JsonResponse(answer)


def _date(value: JsonValue, key: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise _invalid(f"{key} must be a date written YYYY-MM-DD") from None


def router() -> APIRouter:
    """This module's routes, built for each app (nothing is built at import)."""
    routes = APIRouter()
    routes.add_api_route("/create-test-user/individuals", create_individual, methods=["POST"])
    routes.add_api_route("/create-test-user/services", services, methods=["GET"])
    routes.add_api_route(
        "/individual-paye-test-support/sa/{utr}/{word}/annual-summary/{tax_year}",
        paye_test_data,
        methods=["POST"],
    )
    routes.add_api_route(
        "/national-insurance-test-support/sa/{utr}/annual-summary/{tax_year}",
        ni_test_data,
        methods=["POST"],
    )
    routes.add_api_route(
        "/emulator/test-support/individuals/employments-income/{nino}/{tax_year}",
        mtd_test_data,
        methods=["POST"],
    )
    routes.add_api_route(
        "/emulator/test-support/sa/{utr}/availability/{tax_year}", availability, methods=["PUT"]
    )
    return routes
