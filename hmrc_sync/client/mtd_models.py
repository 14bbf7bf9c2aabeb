"""Typed answers of the MTD Individuals Employments Income API 2.0 (read endpoints, by NINO).

The three schema variants of the financial details (TY 2022-23 and before, 2023-24, 2024-25
onwards) differ only in ``offPayrollWorker`` and pattern details, so one model reads all three.
Conventions as in ``models``: snake_case attributes with HMRC's names as aliases, ``Decimal``
money, ``raw`` kept on each top-level answer.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from hmrc_sync.client.models import HmrcDocument, HmrcModel, Money


class FinancialDetailsSource(StrEnum):
    """The ``source`` query parameter: HMRC-held figures, the user's, or the latest of both."""

    LATEST = "latest"
    HMRC_HELD = "hmrc-held"
    USER = "user"


# ------------------------------------------------------------------ list and retrieve
class ListedEmployment(HmrcModel):
    """An employment reported to HMRC by an employer."""

    employment_id: str
    employer_name: str
    date_ignored: dt.datetime | None = None


class CustomEmployment(HmrcModel):
    """An employment the user added."""

    employment_id: str
    employer_name: str


class EmploymentList(HmrcDocument):
    """``GET /individuals/employments-income/{nino}/{taxYear}`` (List Employments)."""

    employments: tuple[ListedEmployment, ...] = ()
    custom_employments: tuple[CustomEmployment, ...] = ()


class MtdEmployment(HmrcDocument):
    """``GET /individuals/employments-income/{nino}/{taxYear}/{employmentId}``."""

    employer_ref: str | None = None
    employer_name: str
    start_date: dt.date | None = None
    cessation_date: dt.date | None = None
    payroll_id: str | None = None
    occupational_pension: bool | None = None
    date_ignored: dt.datetime | None = None
    submitted_on: dt.datetime | None = None


# ------------------------------------------------------------------ financial details
class FinancialEmployer(HmrcModel):
    employer_ref: str | None = None
    employer_name: str


class Pay(HmrcModel):
    """In-year RTI figures: ``taxable_pay_to_date`` is gross pay, ``total_tax_to_date`` the tax."""

    taxable_pay_to_date: Money | None = None
    total_tax_to_date: Money | None = None
    pay_frequency: str | None = None
    payment_date: dt.date | None = None
    tax_week_no: int | None = None
    tax_month_no: int | None = None


class CustomerEstimatedPay(HmrcModel):
    amount: Money | None = None


class StudentLoans(HmrcModel):
    ugl_deduction_amount: Money | None = None
    pgl_deduction_amount: Money | None = None


class Deductions(HmrcModel):
    student_loans: StudentLoans | None = None


class BenefitsInKind(HmrcModel):
    """The 28 benefit-in-kind amounts HMRC may hold for an employment."""

    accommodation: Money | None = None
    assets: Money | None = None
    asset_transfer: Money | None = None
    beneficial_loan: Money | None = None
    car: Money | None = None
    car_fuel: Money | None = None
    educational_services: Money | None = None
    entertaining: Money | None = None
    expenses: Money | None = None
    medical_insurance: Money | None = None
    telephone: Money | None = None
    service: Money | None = None
    taxable_expenses: Money | None = None
    van: Money | None = None
    van_fuel: Money | None = None
    mileage: Money | None = None
    non_qualifying_relocation_expenses: Money | None = None
    nursery_places: Money | None = None
    other_items: Money | None = None
    payments_on_employees_behalf: Money | None = None
    personal_incidental_expenses: Money | None = None
    qualifying_relocation_expenses: Money | None = None
    employer_provided_professional_subscriptions: Money | None = None
    employer_provided_services: Money | None = None
    income_tax_paid_by_director: Money | None = None
    travel_and_subsistence: Money | None = None
    vouchers_and_credit_cards: Money | None = None
    non_cash: Money | None = None


class FinancialEmployment(HmrcModel):
    employment_sequence_number: str | None = None
    payroll_id: str | None = None
    company_director: bool | None = None
    close_company: bool | None = None
    directorship_ceased_date: dt.date | None = None
    start_date: dt.date | None = None
    cessation_date: dt.date | None = None
    occupational_pension: bool | None = None
    disguised_remuneration: bool | None = None
    off_payroll_worker: bool | None = None
    employer: FinancialEmployer
    pay: Pay | None = None
    customer_estimated_pay: CustomerEstimatedPay | None = None
    deductions: Deductions | None = None
    benefits_in_kind: BenefitsInKind | None = None


class EmploymentFinancialDetails(HmrcDocument):
    """``GET …/{nino}/{taxYear}/{employmentId}/financial-details?source=…``."""

    submitted_on: dt.datetime
    source: FinancialDetailsSource | None = None
    customer_added: dt.datetime | None = None
    date_ignored: dt.datetime | None = None
    employment: FinancialEmployment
