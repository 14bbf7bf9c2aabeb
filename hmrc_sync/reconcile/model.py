"""The reconciler's values: what goes in, what comes out. Frozen dataclasses only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Final

from hmrc_sync.errors import ExitCode
from hmrc_sync.payslips.model import P60, Payslip
from hmrc_sync.taxyear import TaxYear

DEFAULT_TOLERANCE: Final = Decimal("1.00")


class Status(StrEnum):
    MATCH = "match"  # within the tolerance
    EXPLAINED = "explained"  # a gap accounted for by something recorded
    REVIEW = "review"  # a plausible cause was inferred, but nothing recorded proves it
    MISMATCH = "mismatch"  # a gap nothing accounts for (or that contradicts the payslip)


class Scope(StrEnum):
    YEAR = "year"
    PAYSLIP = "payslip"


class Metric(StrEnum):
    GROSS = "gross"
    TAXABLE_PAY = "taxable_pay"
    TAX = "tax"
    NI = "ni"
    STUDENT_LOAN = "student_loan"
    POSTGRADUATE_LOAN = "postgraduate_loan"
    NET_PAY = "net_pay"


class Basis(StrEnum):
    """What the payslips are compared with."""

    HMRC = "hmrc"  # HMRC's figure for the employment (tax_year_snapshot)
    P60 = "p60"  # the P60
    EXPECTED = "expected"  # recomputed with HMRC's PAYE / NI rules
    YEAR_TO_DATE = "ytd"  # the last payslip's own year-to-date figure


class Code(StrEnum):
    """Why a gap exists. The values are stable: they are stored and shown on the dashboard."""

    MISSING_PERIOD = "missing_period"
    DUPLICATE_PERIOD = "duplicate_period"
    SALARY_SACRIFICE = "salary_sacrifice"
    RSU_NOTIONAL_PAY = "rsu_notional_pay"
    PAY_BASIS = "pay_basis"  # taxable pay differs from gross for another reason
    TAX_CODE_CHANGE = "tax_code_change"
    EMERGENCY_CODE = "emergency_code"
    PREVIOUS_EMPLOYMENT = "previous_employment"
    NI_CATEGORY = "ni_category"
    HMRC_NOT_YET_AVAILABLE = "hmrc_not_yet_available"
    HMRC_WITHDRAWN = "hmrc_withdrawn"
    HMRC_FORBIDDEN = "hmrc_forbidden"
    HMRC_NOT_FETCHED = "hmrc_not_fetched"
    EMPLOYER_HMRC_ONLY = "employer_hmrc_only"
    EMPLOYER_PAYSLIPS_ONLY = "employer_payslips_only"
    EMPLOYER_P60_ONLY = "employer_p60_only"
    NET_PAY_PENSION = "net_pay_pension"
    PAYROLLED_BENEFITS = "payrolled_benefits"
    STUDENT_LOAN_PLAN = "student_loan_plan"
    DIRECTOR_NI = "director_ni"
    WEEK_53 = "week_53"
    PAID_AFTER_LEAVING = "paid_after_leaving"
    YEAR_TO_DATE = "year_to_date"


class YearAvailability(StrEnum):
    """HMRC's data for a tax year, summed over the pay and tax APIs."""

    AVAILABLE = "available"
    WITHDRAWN = "withdrawn"  # HMRC served data, then 404 (the SA return was processed)
    NOT_YET_AVAILABLE = "not_yet_available"
    FORBIDDEN = "forbidden"
    NOT_FETCHED = "not_fetched"  # hmrc-sync never asked HMRC about this year


@dataclass(frozen=True, slots=True)
class HmrcEmployment:
    """HMRC's latest figures for one employer in one tax year.

    ``taxable_pay`` is HMRC's pay figure (``tax_year_snapshot.gross_pay``: pay on the P60
    basis); ``figures_to`` is the latest payment date the figures include when HMRC says so
    (the in-year MTD figures), else ``None`` (a whole year).
    """

    tax_year: TaxYear
    employer_paye_ref: str
    employer_name: str | None
    taxable_pay: Decimal | None
    income_tax: Decimal | None
    snapshot_date: dt.datetime | None = None
    figures_to: dt.date | None = None


@dataclass(frozen=True, slots=True)
class ReconcileOptions:
    tolerance: Decimal = DEFAULT_TOLERANCE
    tax_code: str | None = None  # the code for years with no P60 and no code on payslips
    ni_category: str = "A"
    frequency: str = "monthly"  # for payslips that do not say
    as_of: dt.date | None = None  # "today": later months of the current year are not missing


@dataclass(frozen=True)
class ReconcileInput:
    tax_years: tuple[TaxYear, ...]
    hmrc: tuple[HmrcEmployment, ...] = ()
    availability: Mapping[TaxYear, YearAvailability] = field(default_factory=dict)
    payslips: tuple[Payslip, ...] = ()
    p60s: tuple[P60, ...] = ()
    options: ReconcileOptions = field(default_factory=ReconcileOptions)


@dataclass(frozen=True, slots=True)
class Explanation:
    """One cause of a gap, with the part of the gap it accounts for (when it can say).

    ``code`` is None only for the note on a mismatch ("£250.00 not accounted for ...").
    """

    code: Code | None
    text: str
    amount: Decimal | None = None
    # True when nothing recorded proves this cause (the reconciler worked it out): a finding
    # that rests on an inferred cause is ``review``, never ``explained``.
    inferred: bool = False


@dataclass(frozen=True, slots=True)
class Finding:
    """One comparison. ``difference`` = the reference value (HMRC, P60 or expected) minus
    the payslip value."""

    tax_year: TaxYear
    employer: str
    scope: Scope
    metric: Metric
    basis: Basis
    status: Status
    employer_paye_ref: str | None = None
    hmrc_value: Decimal | None = None
    p60_value: Decimal | None = None
    payslip_value: Decimal | None = None
    expected_value: Decimal | None = None
    difference: Decimal | None = None
    explanations: tuple[Explanation, ...] = ()
    availability: YearAvailability | None = None
    pay_date: dt.date | None = None
    tax_period: int | None = None
    payslip_ref: str | None = None

    @property
    def reference_value(self) -> Decimal | None:
        return {
            Basis.HMRC: self.hmrc_value,
            Basis.P60: self.p60_value,
            Basis.EXPECTED: self.expected_value,
            Basis.YEAR_TO_DATE: self.expected_value,
        }[self.basis]

    @property
    def explanation_code(self) -> str | None:
        codes = list(dict.fromkeys(e.code.value for e in self.explanations if e.code))
        return "+".join(codes) if codes else None

    @property
    def explanation_text(self) -> str | None:
        return "; ".join(e.text for e in self.explanations) or None


@dataclass(frozen=True)
class ReconcileResult:
    tax_years: tuple[TaxYear, ...]
    findings: tuple[Finding, ...]
    tolerance: Decimal = DEFAULT_TOLERANCE
    availability: Mapping[TaxYear, YearAvailability] = field(default_factory=dict)

    def count(self, status: Status, scope: Scope | None = None) -> int:
        return sum(
            1 for f in self.findings if f.status is status and (scope is None or f.scope is scope)
        )

    @property
    def mismatches(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.status is Status.MISMATCH)

    @property
    def reviews(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.status is Status.REVIEW)

    @property
    def empty(self) -> bool:
        """True when there was nothing at all to compare (no payslip, P60 or HMRC figure)."""
        return not self.findings

    @property
    def ok(self) -> bool:
        """True when everything matches or is explained by something recorded."""
        return not self.empty and not self.mismatches and not self.reviews

    @property
    def exit_code(self) -> ExitCode:
        if self.empty:
            return ExitCode.NOTHING_TO_RECONCILE
        if self.mismatches:
            return ExitCode.MISMATCH
        return ExitCode.REVIEW if self.reviews else ExitCode.OK
