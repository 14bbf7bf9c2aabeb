"""The Individual route: fetch the annual summaries for one tax year, and merge them (pure)
into one ``EmployerFigures`` per employer.

Pay comes from Individual Income (``payFromEmployment``), tax from Individual Tax
(``taxTakenOffPay``), the name from Individual Employment, and the benefits in kind from
Individual Benefits, matched on the employer PAYE reference. An employer that appears in only
some answers still gets a row (its missing figures stay None). Two entries with the same
reference in one answer (a re-employment in the same year) are added together.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from hmrc_sync.client.endpoints import ApiName
from hmrc_sync.client.models import (
    BenefitsSummary,
    EmploymentBenefits,
    EmploymentSummary,
    IncomeSummary,
    NationalInsuranceSummary,
    TaxSummary,
)
from hmrc_sync.errors import HmrcError, HmrcNotFound
from hmrc_sync.sync.model import ApiCall, EmployerFigures, Observation, SyncSource
from hmrc_sync.taxyear import TaxYear

if TYPE_CHECKING:
    from hmrc_sync.client.api import HmrcClient

T = TypeVar("T")
# HMRC's answers when the grant lacks an API's scope: recorded as forbidden, not an error.
_FORBIDDEN_CODES = ("INVALID_SCOPE", "RESOURCE_FORBIDDEN")

_BENEFIT_FIELDS = (
    "company_cars_and_vans_benefit",
    "fuel_for_company_cars_and_vans_benefit",
    "private_medical_dental_insurance",
    "vouchers_credit_cards_excess_mileage_allowance",
    "goods_etc_provided_by_employer",
    "accommodation_provided_by_employer",
    "other_benefits",
    "expenses_payments_received",
)


def _add(total: Decimal | None, value: Decimal | None) -> Decimal | None:
    if value is None:
        return total
    return value if total is None else total + value


def _benefits_total(entry: EmploymentBenefits) -> Decimal | None:
    total: Decimal | None = None
    for name in _BENEFIT_FIELDS:
        total = _add(total, getattr(entry, name))
    return total


def merge_individual(
    tax_year: TaxYear,
    *,
    tax: TaxSummary | None,
    income: IncomeSummary | None,
    employment: EmploymentSummary | None,
    benefits: BenefitsSummary | None,
    national_insurance: NationalInsuranceSummary | None = None,
) -> list[EmployerFigures]:
    pay: dict[str, Decimal | None] = {}
    taxed: dict[str, Decimal | None] = {}
    names: dict[str, str] = {}
    bik: dict[str, Decimal | None] = {}
    order: dict[str, None] = {}

    for entry in income.employments if income else ():
        order.setdefault(entry.employer_paye_reference)
        pay[entry.employer_paye_reference] = _add(
            pay.get(entry.employer_paye_reference), entry.pay_from_employment
        )
    for tax_entry in tax.employments if tax else ():
        order.setdefault(tax_entry.employer_paye_reference)
        taxed[tax_entry.employer_paye_reference] = _add(
            taxed.get(tax_entry.employer_paye_reference), tax_entry.tax_taken_off_pay
        )
    for employer in employment.employments if employment else ():
        order.setdefault(employer.employer_paye_reference)
        names.setdefault(employer.employer_paye_reference, employer.employer_name)
    for benefit in benefits.employments if benefits else ():
        order.setdefault(benefit.employer_paye_reference)
        bik[benefit.employer_paye_reference] = _add(
            bik.get(benefit.employer_paye_reference), _benefits_total(benefit)
        )

    raw = _raw_documents(
        {
            ApiName.INDIVIDUAL_TAX: tax,
            ApiName.INDIVIDUAL_INCOME: income,
            ApiName.INDIVIDUAL_EMPLOYMENT: employment,
            ApiName.INDIVIDUAL_BENEFITS: benefits,
            ApiName.NATIONAL_INSURANCE: national_insurance,
        }.items()
    )
    return [
        EmployerFigures(
            tax_year=tax_year,
            employer_paye_ref=ref,
            employer_name=names.get(ref),
            gross_pay=pay.get(ref),
            income_tax=taxed.get(ref),
            benefits_in_kind=bik.get(ref),
            source_api=SyncSource.INDIVIDUAL,
            raw=raw,
        )
        for ref in sorted(order)
    ]


def _raw_documents(items: Iterable[tuple[str, Any]]) -> Mapping[str, Any]:
    return {api: document.raw for api, document in items if document is not None}


def fetch_individual_figures(
    client: HmrcClient, utr: str, year: TaxYear, scopes: Sequence[str]
) -> tuple[list[EmployerFigures], dict[str, ApiCall]]:
    """Ask each Individual API the grant's scopes allow, then merge the answers.

    A 404 (no data for the year) and a 403 for a scope the grant lacks are recorded per API;
    any other HMRC error fails the year (the caller records it).
    """
    calls: dict[str, ApiCall] = {}
    wanted = {api for api in ApiName if api.scope is not None and api.scope in scopes}

    def fetch(api: ApiName, method: Callable[[str, TaxYear], T]) -> T | None:
        if api not in wanted:
            return None
        try:
            value = method(utr, year)
        except HmrcNotFound as exc:
            calls[api] = ApiCall(Observation.NOT_FOUND, exc.status, exc.code)
            return None
        except HmrcError as exc:
            if exc.status == 403 and exc.code in _FORBIDDEN_CODES:
                calls[api] = ApiCall(Observation.FORBIDDEN, exc.status, exc.code)
                return None
            raise
        calls[api] = ApiCall(Observation.DATA, 200)
        return value

    tax = fetch(ApiName.INDIVIDUAL_TAX, client.get_individual_tax)
    income = fetch(ApiName.INDIVIDUAL_INCOME, client.get_individual_income)
    employment = fetch(ApiName.INDIVIDUAL_EMPLOYMENT, client.get_individual_employment)
    benefits = fetch(ApiName.INDIVIDUAL_BENEFITS, client.get_individual_benefits)
    ni = fetch(ApiName.NATIONAL_INSURANCE, client.get_national_insurance)
    if tax is None and income is None:
        return [], calls
    figures = merge_individual(
        year,
        tax=tax,
        income=income,
        employment=employment,
        benefits=benefits,
        national_insurance=ni,
    )
    return figures, calls
