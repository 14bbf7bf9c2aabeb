"""Individuals Employments Income (MTD) 2.0: the three read endpoints.

After the gateway: 400 ``FORMAT_NINO``; 403 ``CLIENT_OR_AGENT_NOT_AUTHORISED`` unless the
token's user is enrolled for MTD Income Tax (an ``mtdItId``) and owns the NINO; then the other
parameters (``FORMAT_TAX_YEAR``, ``RULE_TAX_YEAR_RANGE_INVALID``,
``RULE_TAX_YEAR_NOT_SUPPORTED`` before 2019-20 as in the sandbox, ``FORMAT_EMPLOYMENT_ID``,
``FORMAT_SOURCE``; several at once → ``INVALID_REQUEST`` with ``errors``).

``Gov-Test-Scenario`` (sandbox): none → the stored (HMRC-held) employments when the emulator
holds some for that NINO and year, else HMRC's canned example; ``STATEFUL`` → stored data or
404; ``NOT_FOUND`` → 404; ``REQUEST_CANNOT_BE_FULFILLED`` → 422; Retrieve also takes
``HMRC_EMPLOYMENT`` and ``HMRC_IGNORED``; anything else → 400
``RULE_INCORRECT_GOV_TEST_SCENARIO``. Every answer carries ``X-CorrelationId``.
"""

from __future__ import annotations

import re
import uuid
from typing import Final

from fastapi import APIRouter, Request, Response

from hmrc_sync.emulator.data import mtd_examples
from hmrc_sync.emulator.data.catalogue import APIS, EMPLOYMENTS_INCOME
from hmrc_sync.emulator.data.identifiers import is_employment_id, is_nino
from hmrc_sync.emulator.routes.gateway import ApiError, check, emulator_of
from hmrc_sync.emulator.routes.responses import JsonResponse
from hmrc_sync.jsonio import JsonObject, JsonValue
from hmrc_sync.taxyear import TaxYear

MIN_SANDBOX_START_YEAR: Final = 2019
_TAX_YEAR_FORMAT: Final = re.compile(r"^[0-9]{4}-[0-9]{2}$")
SOURCES: Final = ("user", "hmrc-held", "latest")
_ERRORS: Final[dict[str, tuple[int, str]]] = {
    "FORMAT_NINO": (400, "The provided NINO is invalid"),
    "FORMAT_TAX_YEAR": (400, "The provided tax year is invalid"),
    "RULE_TAX_YEAR_RANGE_INVALID": (
        400,
        "Tax year range invalid. A tax year range of one year is required",
    ),
    "RULE_TAX_YEAR_NOT_SUPPORTED": (
        400,
        "The tax year specified does not lie within the supported range",
    ),
    "FORMAT_EMPLOYMENT_ID": (400, "The provided employment ID is invalid"),
    "FORMAT_SOURCE": (400, "The provided source is invalid"),
    "RULE_INCORRECT_GOV_TEST_SCENARIO": (400, "The supplied Gov-Test-Scenario is not valid"),
    "CLIENT_OR_AGENT_NOT_AUTHORISED": (403, "The client and/or agent is not authorised"),
    "MATCHING_RESOURCE_NOT_FOUND": (404, "Matching resource not found"),
    "RULE_REQUEST_CANNOT_BE_FULFILLED": (
        422,
        "Custom (will vary in production depending on the actual error)",
    ),
}
_COMMON_SCENARIOS: Final = frozenset({"NOT_FOUND", "STATEFUL", "REQUEST_CANNOT_BE_FULFILLED"})
_RETRIEVE_FIELDS: Final = (
    "employerRef",
    "employerName",
    "startDate",
    "cessationDate",
    "payrollId",
    "occupationalPension",
    "dateIgnored",
)
_FINANCIAL_EMPLOYMENT_FIELDS: Final = (
    "employmentSequenceNumber",
    "payrollId",
    "companyDirector",
    "closeCompany",
    "directorshipCeasedDate",
    "startDate",
    "cessationDate",
    "occupationalPension",
    "disguisedRemuneration",
    "offPayrollWorker",
)


def _error(code: str, correlation: str) -> ApiError:
    status, message = _ERRORS[code]
    return ApiError(status, code, message, headers={"X-CorrelationId": correlation})


def _prepare(
    request: Request,
    nino: str,
    tax_year: str,
    employment_id: str | None = None,
    scenarios: frozenset[str] = _COMMON_SCENARIOS,
) -> tuple[TaxYear, list[JsonObject] | None, str | None, str]:
    """Validate; return the year, the stored employments, the scenario and a correlation id."""
    caller = check(request, APIS[EMPLOYMENTS_INCOME])
    correlation = str(uuid.uuid4())
    if not is_nino(nino):
        raise _error("FORMAT_NINO", correlation)
    user = caller.user
    if user is None or not user.has_mtd or user.nino != nino:
        raise _error("CLIENT_OR_AGENT_NOT_AUTHORISED", correlation)
    found: list[str] = []
    year = _tax_year(tax_year, found)
    if employment_id is not None and not is_employment_id(employment_id):
        found.append("FORMAT_EMPLOYMENT_ID")
    source = request.query_params.get("source")
    if source is not None and source not in SOURCES:
        found.append("FORMAT_SOURCE")
    if len(found) == 1:
        raise _error(found[0], correlation)
    if found:
        raise ApiError(
            400,
            "INVALID_REQUEST",
            "Invalid request",
            headers={"X-CorrelationId": correlation},
            errors=[{"code": code, "message": _ERRORS[code][1]} for code in found],
        )
    if year is None:  # unreachable: a bad year always adds an error above
        raise _error("FORMAT_TAX_YEAR", correlation)
    scenario = request.headers.get("gov-test-scenario")
    if scenario is not None and scenario not in scenarios:
        raise _error("RULE_INCORRECT_GOV_TEST_SCENARIO", correlation)
    if scenario == "NOT_FOUND":
        raise _error("MATCHING_RESOURCE_NOT_FOUND", correlation)
    if scenario == "REQUEST_CANNOT_BE_FULFILLED":
        raise _error("RULE_REQUEST_CANNOT_BE_FULFILLED", correlation)
    emulator = emulator_of(request)
    with emulator.lock:
        stored = emulator.employments_income.get((nino, year.start_year))
    if scenario == "STATEFUL" and not stored:
        raise _error("MATCHING_RESOURCE_NOT_FOUND", correlation)
    return year, stored or None, scenario, correlation


def _tax_year(text: str, found: list[str]) -> TaxYear | None:
    if not _TAX_YEAR_FORMAT.match(text):
        found.append("FORMAT_TAX_YEAR")
        return None
    start, end = int(text[:4]), int(text[5:])
    if (start + 1) % 100 != end:
        found.append("RULE_TAX_YEAR_RANGE_INVALID")
        return None
    if start < MIN_SANDBOX_START_YEAR:
        found.append("RULE_TAX_YEAR_NOT_SUPPORTED")
        return None
    return TaxYear(start)


def _answer(body: JsonValue, correlation: str) -> Response:
    return JsonResponse(body, headers={"X-CorrelationId": correlation})


def _find(stored: list[JsonObject], employment_id: str, correlation: str) -> JsonObject:
    for employment in stored:
        if employment.get("employmentId") == employment_id:
            return employment
    raise _error("MATCHING_RESOURCE_NOT_FOUND", correlation)


async def list_employments(request: Request, nino: str, tax_year: str) -> Response:
    _, stored, _, correlation = _prepare(request, nino, tax_year)
    if stored is None:
        return _answer(mtd_examples.fresh(mtd_examples.LIST_RESPONSE), correlation)
    items: list[JsonValue] = []
    for employment in stored:
        item: JsonObject = {
            "employmentId": employment["employmentId"],
            "employerName": employment["employerName"],
        }
        if "dateIgnored" in employment:
            item["dateIgnored"] = employment["dateIgnored"]
        items.append(item)
    return _answer({"employments": items}, correlation)


async def retrieve_employment(
    request: Request, nino: str, tax_year: str, employment_id: str
) -> Response:
    scenarios = _COMMON_SCENARIOS | {"HMRC_EMPLOYMENT", "HMRC_IGNORED"}
    _, stored, scenario, correlation = _prepare(request, nino, tax_year, employment_id, scenarios)
    if scenario == "HMRC_EMPLOYMENT":
        return _answer(mtd_examples.fresh(mtd_examples.RETRIEVE_HMRC), correlation)
    if scenario == "HMRC_IGNORED":
        return _answer(mtd_examples.fresh(mtd_examples.RETRIEVE_HMRC_IGNORED), correlation)
    if stored is None:
        return _answer(mtd_examples.fresh(mtd_examples.RETRIEVE_CUSTOM), correlation)
    employment = _find(stored, employment_id, correlation)
    return _answer({k: employment[k] for k in _RETRIEVE_FIELDS if k in employment}, correlation)


async def financial_details(
    request: Request, nino: str, tax_year: str, employment_id: str
) -> Response:
    year, stored, _, correlation = _prepare(request, nino, tax_year, employment_id)
    source = request.query_params.get("source", "latest")
    if stored is None:
        return _answer(mtd_examples.financial_details(source, year.start_year), correlation)
    employment = _find(stored, employment_id, correlation)
    if source == "user":
        # The emulator stores HMRC-held data only; there is no user-provided version.
        raise _error("MATCHING_RESOURCE_NOT_FOUND", correlation)
    return _answer(_financial_view(employment, year), correlation)


def _financial_view(employment: JsonObject, year: TaxYear) -> JsonObject:
    inner: JsonObject = {k: employment[k] for k in _FINANCIAL_EMPLOYMENT_FIELDS if k in employment}
    if year.start_year < mtd_examples.FIRST_TYS_START_YEAR:
        inner.pop("offPayrollWorker", None)
    employer: JsonObject = {"employerName": employment["employerName"]}
    if "employerRef" in employment:
        employer = {"employerRef": employment["employerRef"], **employer}
    inner["employer"] = employer
    for part in ("pay", "customerEstimatedPay", "deductions", "benefitsInKind"):
        if part in employment:
            inner[part] = employment[part]
    body: JsonObject = {"submittedOn": employment["submittedOn"], "source": "hmrc-held"}
    if "dateIgnored" in employment:
        body["dateIgnored"] = employment["dateIgnored"]
    body["employment"] = inner
    return body


def router() -> APIRouter:
    """This module's routes, built for each app (nothing is built at import)."""
    routes = APIRouter()
    routes.add_api_route(
        "/individuals/employments-income/{nino}/{tax_year}", list_employments, methods=["GET"]
    )
    routes.add_api_route(
        "/individuals/employments-income/{nino}/{tax_year}/{employment_id}",
        retrieve_employment,
        methods=["GET"],
    )
    routes.add_api_route(
        "/individuals/employments-income/{nino}/{tax_year}/{employment_id}/financial-details",
        financial_details,
        methods=["GET"],
    )
    return routes
