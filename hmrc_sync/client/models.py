"""Typed answers of the Self Assessment pre-population APIs (Individual Tax, Income, Employment,
Benefits and National Insurance), field for field as HMRC documents them.

Attributes are snake_case; each one's alias is HMRC's JSON name (``tax_taken_off_pay`` is
``taxTakenOffPay``). Money is ``Decimal``: documents are parsed with ``jsonio.loads``, so
no figure ever passes through a float. Every top-level answer keeps HMRC's document as ``raw``
(numbers as ``int``/``Decimal``; store it with ``jsonio.dumps``). Unknown members are
ignored here, as HMRC may add them within a version, and kept in ``raw``.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Any, Self

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

Money = Annotated[Decimal, Field(allow_inf_nan=False)]


class HmrcModel(BaseModel):
    """Base of every model: immutable, camelCase aliases, unknown members ignored."""

    model_config = ConfigDict(
        frozen=True,
        extra="ignore",
        populate_by_name=True,
        alias_generator=to_camel,
    )


class HmrcDocument(HmrcModel):
    """A whole answer from HMRC, with the document it was read from."""

    raw: dict[str, Any] = Field(default_factory=dict, exclude=True, repr=False)

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> Self:
        """Validate HMRC's (already parsed) JSON and keep a private copy of it as ``raw``."""
        model = cls.model_validate(document)
        return model.model_copy(update={"raw": copy.deepcopy(dict(document))})


# ------------------------------------------------------------------ Individual Tax 1.1
class EmploymentTax(HmrcModel):
    """Tax taken off pay under one employment (``267/LS500`` is a State Pension lump sum)."""

    employer_paye_reference: str
    tax_taken_off_pay: Money


class TaxOnPensionsAndBenefits(HmrcModel):
    """Tax deducted from pensions, annuities and other state benefits."""

    other_pensions_and_retirement_annuities: Money | None = None
    incapacity_benefit: Money | None = None


class TaxRefunds(HmrcModel):
    tax_refunded_or_set_off: Money | None = None


class TaxSummary(HmrcDocument):
    """``GET /individual-tax/sa/{utr}/annual-summary/{taxYear}`` (Individual Tax 1.1)."""

    employments: tuple[EmploymentTax, ...]
    pensions_annuities_and_other_state_benefits: TaxOnPensionsAndBenefits
    refunds: TaxRefunds


# ------------------------------------------------------------------ Individual Income 1.2
class EmploymentPay(HmrcModel):
    """Pay from one employment, taken from the P45 or P60."""

    employer_paye_reference: str
    pay_from_employment: Money


class PensionsAndBenefitsIncome(HmrcModel):
    """Income from pensions, annuities and other state benefits."""

    other_pensions_and_retirement_annuities: Money | None = None
    incapacity_benefit: Money | None = None
    jobseekers_allowance: Money | None = None
    seiss_net_paid: Money | None = None


class IncomeSummary(HmrcDocument):
    """``GET /individual-income/sa/{utr}/annual-summary/{taxYear}`` (Individual Income 1.2)."""

    employments: tuple[EmploymentPay, ...]
    pensions_annuities_and_other_state_benefits: PensionsAndBenefitsIncome


# ------------------------------------------------------------------ Individual Employment 1.2
class Employer(HmrcModel):
    employer_paye_reference: str
    employer_name: str
    off_payroll_work_flag: bool | None = None


class EmploymentSummary(HmrcDocument):
    """``GET /individual-employment/sa/{utr}/annual-summary/{taxYear}`` (Employment 1.2)."""

    employments: tuple[Employer, ...]


# ------------------------------------------------------------------ Individual Benefits 1.1
class EmploymentBenefits(HmrcModel):
    """Benefits in kind and expenses reported (on the P11D) for one employment."""

    employer_paye_reference: str
    company_cars_and_vans_benefit: Money | None = None
    fuel_for_company_cars_and_vans_benefit: Money | None = None
    private_medical_dental_insurance: Money | None = None
    vouchers_credit_cards_excess_mileage_allowance: Money | None = None
    goods_etc_provided_by_employer: Money | None = None
    accommodation_provided_by_employer: Money | None = None
    other_benefits: Money | None = None
    expenses_payments_received: Money | None = None


class BenefitsSummary(HmrcDocument):
    """``GET /individual-benefits/sa/{utr}/annual-summary/{taxYear}`` (Individual Benefits 1.1)."""

    employments: tuple[EmploymentBenefits, ...]


# ------------------------------------------------------------------ National Insurance 1.1
class Class1(HmrcModel):
    """Class 1 *earnings* between the Primary Threshold and the UEL: not contributions paid."""

    total_nicable_earnings: Money = Field(alias="totalNICableEarnings")


class Class2(HmrcModel):
    total_due: Money


class NationalInsuranceSummary(HmrcDocument):
    """``GET /national-insurance/sa/{utr}/annual-summary/{taxYear}`` (National Insurance 1.1)."""

    class1: Class1
    class2: Class2
    max_nics_reached: bool = Field(alias="maxNICsReached")
