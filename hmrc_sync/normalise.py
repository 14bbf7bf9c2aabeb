"""Pure: HMRC's per-API answers for one tax year → one ``EmployerFigures`` per employer.

Pay comes from Individual Income (``payFromEmployment``), tax from Individual Tax
(``taxTakenOffPay``), the name from Individual Employment, and the benefits in kind from
Individual Benefits, matched on the employer PAYE reference. An employer that appears in only
some answers still gets a row (its missing figures stay None). Two entries with the same
reference in one answer (a re-employment in the same year) are added together.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from hmrc_sync.client.models import (
    BenefitsSummary,
    EmploymentBenefits,
    EmploymentSummary,
    IncomeSummary,
    NationalInsuranceSummary,
    TaxSummary,
)
from hmrc_sync.snapshots import EmployerFigures
from hmrc_sync.taxyear import TaxYear

SOURCE_INDIVIDUAL = "individual"
SOURCE_MTD = "mtd"

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
            "individual-tax": tax,
            "individual-income": income,
            "individual-employment": employment,
            "individual-benefits": benefits,
            "national-insurance": national_insurance,
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
            source_api=SOURCE_INDIVIDUAL,
            raw=raw,
        )
        for ref in sorted(order)
    ]


def _raw_documents(items: Iterable[tuple[str, Any]]) -> Mapping[str, Any]:
    return {api: document.raw for api, document in items if document is not None}
