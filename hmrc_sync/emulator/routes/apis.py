"""The SA pre-population APIs and National Insurance: annual summaries by UTR and tax year.

``GET /individual-{tax,income,employment,benefits}/sa/{utr}/annual-summary/{taxYear}`` and
``GET /national-insurance/sa/{utr}/annual-summary/{taxYear}``. After the gateway:
400 ``SA_UTR_INVALID`` (10 digits with a valid check character) then 400
``TAX_YEAR_INVALID`` (``YYYY-YY``, consecutive years); 401 ``UNAUTHORIZED`` when the token's
user does not own the UTR; 404 ``NOT_FOUND`` when the year is not yet reconciled, withdrawn,
or has no data; else 200 with the stored body.
"""

from __future__ import annotations

from typing import Final

from fastapi import APIRouter, Request, Response

from hmrc_sync.emulator.data.catalogue import (
    APIS,
    INDIVIDUAL_BENEFITS,
    INDIVIDUAL_EMPLOYMENT,
    INDIVIDUAL_INCOME,
    INDIVIDUAL_TAX,
    NATIONAL_INSURANCE,
)
from hmrc_sync.emulator.data.identifiers import is_sa_utr
from hmrc_sync.emulator.routes.gateway import ApiError, check, emulator_of, hmrc_tax_year
from hmrc_sync.emulator.routes.responses import JsonResponse

SA_UTR_INVALID: Final = (400, "SA_UTR_INVALID", "The provided SA UTR is invalid")
TAX_YEAR_INVALID: Final = (400, "TAX_YEAR_INVALID", "The provided Tax Year is invalid")
NOT_FOUND: Final = (404, "NOT_FOUND", "Resource was not found")
UNAUTHORIZED: Final = (401, "UNAUTHORIZED", "Bearer token is missing or not authorized")


def plain_utr(utr: str) -> str:
    """The 10 digits of a UTR written with HMRC's optional ``K`` prefix or suffix."""
    return utr.strip("K")


async def annual_summary(request: Request, api: str, utr: str, tax_year: str) -> Response:
    caller = check(request, APIS[api])
    if not is_sa_utr(utr):
        raise ApiError(*SA_UTR_INVALID)
    year = hmrc_tax_year(tax_year)
    if year is None:
        raise ApiError(*TAX_YEAR_INVALID)
    if caller.user is None or caller.user.sa_utr != plain_utr(utr):
        raise ApiError(*UNAUTHORIZED)
    emulator = emulator_of(request)
    with emulator.lock:
        status = emulator.availability_status(plain_utr(utr), year)
        body = emulator.annual_summary(api, plain_utr(utr), year)
    if status != "AVAILABLE" or body is None:
        raise ApiError(*NOT_FOUND)
    return JsonResponse(body)


async def individual_tax(request: Request, utr: str, tax_year: str) -> Response:
    return await annual_summary(request, INDIVIDUAL_TAX, utr, tax_year)


async def individual_income(request: Request, utr: str, tax_year: str) -> Response:
    return await annual_summary(request, INDIVIDUAL_INCOME, utr, tax_year)


async def individual_employment(request: Request, utr: str, tax_year: str) -> Response:
    return await annual_summary(request, INDIVIDUAL_EMPLOYMENT, utr, tax_year)


async def individual_benefits(request: Request, utr: str, tax_year: str) -> Response:
    return await annual_summary(request, INDIVIDUAL_BENEFITS, utr, tax_year)


async def national_insurance(request: Request, utr: str, tax_year: str) -> Response:
    return await annual_summary(request, NATIONAL_INSURANCE, utr, tax_year)


def router() -> APIRouter:
    """This module's routes, built for each app (nothing is built at import)."""
    routes = APIRouter()
    routes.add_api_route(
        "/individual-tax/sa/{utr}/annual-summary/{tax_year}", individual_tax, methods=["GET"]
    )
    routes.add_api_route(
        "/individual-income/sa/{utr}/annual-summary/{tax_year}", individual_income, methods=["GET"]
    )
    routes.add_api_route(
        "/individual-employment/sa/{utr}/annual-summary/{tax_year}",
        individual_employment,
        methods=["GET"],
    )
    routes.add_api_route(
        "/individual-benefits/sa/{utr}/annual-summary/{tax_year}",
        individual_benefits,
        methods=["GET"],
    )
    routes.add_api_route(
        "/national-insurance/sa/{utr}/annual-summary/{tax_year}",
        national_insurance,
        methods=["GET"],
    )
    return routes
