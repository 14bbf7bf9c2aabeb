"""Per payslip, the lines besides income tax: employee NI, student and postgraduate loans,
and net pay.

* **NI** is worked per pay period (never cumulative) on the payslip's NI-able pay
  (``Payslip.ni_basis``: net-pay pensions and payrolled benefits do not change it; salary
  sacrifice does), by payment date. A director's NI is worked on the annual earnings period
  (``paye.director_ni_for_period``; pro-rata from the first payslip marked ``director`` when
  earlier ones are not). A payment after leaving uses a weekly earnings period. A printed
  NI category is authoritative: deductions that fit another letter are a ``mismatch`` naming
  both; with no printed letter, a fit with another is ``review``.
* **Student loans**, per period and non-cumulative in whole pounds on NI-able pay, by the
  recorded plan; with no plan recorded, a deduction that fits exactly one plan is ``review``
  naming it, one that fits none a ``mismatch``. None is due on a payment after leaving.
* **Net pay** = gross - every deduction on the payslip, when the payslip shows net pay.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from hmrc_sync.paye import (
    Frequency,
    PayeInputError,
    director_ni_for_period,
    ni_for_period,
    student_loan_for_period,
)
from hmrc_sync.payslips.model import STUDENT_LOAN_PLANS, Payslip
from hmrc_sync.reconcile.explain import money
from hmrc_sync.reconcile.model import (
    Basis,
    Code,
    Explanation,
    Finding,
    Metric,
    ReconcileOptions,
    Scope,
    Status,
)
from hmrc_sync.reconcile.periods import EmployerYear, SlipPeriod

ZERO: Final = Decimal("0.00")
NI_CATEGORIES_TRIED: Final = ("A", "B", "C", "H", "J", "M", "V", "Z")
CATEGORY_MEANING: Final = {
    "A": "standard",
    "B": "married women's reduced rate",
    "C": "over State Pension age",
    "H": "apprentice under 25",
    "J": "deferred: already paying NI in another job",
    "M": "under 21",
    "V": "veteran in the first year of civilian work",
    "Z": "under 21, deferred",
    "F": "freeport, standard",
    "I": "freeport, married women's reduced rate",
    "L": "freeport, deferred",
    "S": "freeport, over State Pension age",
    "N": "investment zone, standard",
    "E": "investment zone, married women's reduced rate",
    "D": "investment zone, deferred",
    "K": "investment zone, over State Pension age",
    "X": "no NI due",
}
PLAN_NAMES: Final = {
    "plan1": "Plan 1",
    "plan2": "Plan 2",
    "plan4": "Plan 4",
    "plan5": "Plan 5",
    "postgraduate": "postgraduate loan",
}
ASK_PAYROLL: Final = "Ask your payroll team why"


def category_words(letter: str) -> str:
    meaning = CATEGORY_MEANING.get(letter.upper())
    return f"NI category {letter.upper()}" + (f" ({meaning})" if meaning else "")


def slip_finding(
    ey: EmployerYear,
    item: SlipPeriod,
    metric: Metric,
    status: Status,
    value: Decimal,
    expected: Decimal | None,
    explanations: tuple[Explanation, ...],
) -> Finding:
    return Finding(
        tax_year=ey.tax_year,
        employer=ey.employer,
        employer_paye_ref=ey.employer_paye_ref,
        scope=Scope.PAYSLIP,
        metric=metric,
        basis=Basis.EXPECTED,
        status=status,
        payslip_value=value,
        expected_value=expected,
        difference=None if expected is None else expected - value,
        explanations=explanations,
        pay_date=item.slip.pay_date,
        tax_period=item.period,
        payslip_ref=item.slip.source_ref or None,
    )


# --- NI -------------------------------------------------------------------------------------


@dataclass
class _DirectorRun:
    """A director's NI-able pay and NI in the earnings period so far."""

    weeks: int = 52
    pay: Decimal = ZERO
    employee: Decimal = ZERO
    employer: Decimal = ZERO


def ni_findings(
    ey: EmployerYear, options: ReconcileOptions, slips: Sequence[SlipPeriod]
) -> list[Finding]:
    """One NI finding per payslip, in order."""
    run: _DirectorRun | None = None
    findings = []
    last = len(slips) - 1
    for i, item in enumerate(slips):
        if item.slip.director and not item.slip.paid_after_leaving:
            if run is None:
                run = _DirectorRun(_weeks_from(ey, slips, i))
            findings.append(_director_ni(ey, options, item, run, i == last))
        else:
            findings.append(_employee_ni(ey, options, item))
    return findings


def _weeks_from(ey: EmployerYear, slips: Sequence[SlipPeriod], first: int) -> int:
    """52, or for a director appointed in the year (earlier payslips say not a director) the
    tax weeks from the week of the first director's payslip to the year's end."""
    if first == 0:
        return 52
    return max(1, 52 - ey.tax_year.tax_week(slips[first].slip.pay_date) + 1)


def _category(slip: Payslip, options: ReconcileOptions) -> str:
    return (slip.ni_category or options.ni_category).upper()


def _employee_ni(ey: EmployerYear, options: ReconcileOptions, item: SlipPeriod) -> Finding:
    slip = item.slip
    category, paid, pay = _category(slip, options), slip.national_insurance, slip.ni_basis
    frequency = Frequency.WEEKLY if slip.paid_after_leaving else item.frequency

    def employee_ni(amount: Decimal, letter: str) -> Decimal:
        return ni_for_period(slip.pay_date, letter, frequency, max(amount, ZERO))[0]

    try:
        expected = employee_ni(pay, category)
    except PayeInputError as exc:
        note = Explanation(None, f"the NI cannot be worked out: {exc}")
        return slip_finding(ey, item, Metric.NI, Status.MISMATCH, paid, None, (note,))
    if abs(expected - paid) <= options.tolerance:
        return slip_finding(ey, item, Metric.NI, Status.MATCH, paid, expected, ())
    for amount, letter, note in _ni_tries(slip, pay, category):
        try:
            alt = employee_ni(amount, letter)
        except PayeInputError:
            continue
        if abs(alt - paid) <= options.tolerance:
            return _ni_fit(ey, item, expected, alt, note)
    where = " (a payment after leaving: weekly earnings period)" if slip.paid_after_leaving else ""
    miss = Explanation(
        None,
        f"{money(abs(expected - paid))} {'less' if paid < expected else 'more'} NI was deducted "
        f"than {category_words(category)} gives on {money(pay)} NI-able pay{where} "
        f"({money(expected)}), and nothing on record accounts for it. {ASK_PAYROLL}",
    )
    return slip_finding(ey, item, Metric.NI, Status.MISMATCH, paid, expected, (miss,))


def _ni_fit(
    ey: EmployerYear, item: SlipPeriod, expected: Decimal, alt: Decimal, note: Explanation
) -> Finding:
    paid = item.slip.national_insurance
    if note.code is Code.NI_CATEGORY and item.slip.ni_category:
        return slip_finding(ey, item, Metric.NI, Status.MISMATCH, paid, expected, (note,))
    status = Status.REVIEW if note.inferred else Status.EXPLAINED
    notes = (note, Explanation(None, f"worked out that way: {money(alt)}"))
    return slip_finding(ey, item, Metric.NI, status, paid, expected, notes)


def _ni_tries(slip: Payslip, pay: Decimal, category: str) -> list[tuple[Decimal, str, Explanation]]:
    tries: list[tuple[Decimal, str, Explanation]] = []
    if slip.niable_pay is None and slip.taxable_pay is None and slip.pension_sacrifice:
        text = (
            f"NI on pay after the {money(slip.pension_sacrifice)} salary sacrifice (the "
            "payslip's gross is before it)"
        )
        tries.append(
            (pay - slip.pension_sacrifice, category, Explanation(Code.SALARY_SACRIFICE, text))
        )
    if (
        slip.niable_pay is None
        and slip.taxable_pay is None
        and slip.rsu_vest
        and not slip.rsu_offset
    ):
        text = f"NI on pay including {money(slip.rsu_vest)} RSU notional pay"
        tries.append((pay + slip.rsu_vest, category, Explanation(Code.RSU_NOTIONAL_PAY, text)))
    if slip.niable_pay is None and slip.taxable_pay is not None and slip.pension_employee:
        text = (
            f"NI on pay before the {money(slip.pension_employee)} pension contribution, "
            "which fits a net-pay pension (it lowers taxable pay, not NI-able pay); the "
            "payslip does not say which kind of pension it is"
        )
        if slip.pension_type is None:
            note = Explanation(Code.NET_PAY_PENSION, text, inferred=True)
            tries.append((pay + slip.pension_employee, category, note))
    for letter in NI_CATEGORIES_TRIED:
        if letter != category:
            tries.append((pay, letter, _category_note(slip, letter, category)))
    return tries


def _category_note(slip: Payslip, letter: str, category: str) -> Explanation:
    if slip.ni_category:
        text = (
            f"the NI was deducted at the rate of {category_words(letter)} although the payslip "
            f"says {category_words(category)}. Ask your payroll team to correct the category "
            "(and refund or collect the difference)"
        )
        return Explanation(Code.NI_CATEGORY, text)
    text = (
        f"the NI fits {category_words(letter)}, not {category_words(category)}, but the payslip "
        "does not show the category: check that this category is right for you, and ask your "
        "payroll team if not"
    )
    return Explanation(Code.NI_CATEGORY, text, inferred=True)


def _director_ni(
    ey: EmployerYear,
    options: ReconcileOptions,
    item: SlipPeriod,
    run: _DirectorRun,
    last: bool,
) -> Finding:
    slip = item.slip
    paid, pay = slip.national_insurance, max(slip.ni_basis, ZERO)
    recorded = slip.director_ni_method
    methods = (recorded,) if recorded else ("standard_annual", "alternative")
    results: list[tuple[str, Decimal, Decimal]] = []
    for method in methods:
        try:
            employee, employer = director_ni_for_period(
                tax_year=ey.tax_year,
                pay_date=slip.pay_date,
                category=_category(slip, options),
                method=method,
                period=item.period,
                gross_pay=pay,
                gross_pay_to_date=run.pay + pay,
                employee_ni_to_date=run.employee,
                employer_ni_to_date=run.employer,
                weeks_in_earnings_period=run.weeks,
                last_period=last,
                frequency=item.frequency,
            )
        except PayeInputError as exc:
            note = Explanation(None, f"the director's NI cannot be worked out: {exc}")
            return slip_finding(ey, item, Metric.NI, Status.MISMATCH, paid, None, (note,))
        results.append((method, employee, employer))
    run.pay += pay
    run.employee += paid
    method, expected, employer = results[0]
    fit = next((r for r in results if abs(r[1] - paid) <= options.tolerance), None)
    run.employer += (fit or results[0])[2]
    period_words = "" if run.weeks == 52 else f" (pro-rata: {run.weeks} weeks from appointment)"
    if fit is not None and fit[0] == methods[0]:
        return slip_finding(ey, item, Metric.NI, Status.MATCH, paid, fit[1], ())
    if fit is not None:
        note = Explanation(
            Code.DIRECTOR_NI,
            f"the NI fits the alternative method for directors (worked each pay period, "
            f"settled over the year at the last payment){period_words}, but the payslip does "
            "not say which method the payroll uses: ask your payroll team to confirm it",
            inferred=True,
        )
        return slip_finding(ey, item, Metric.NI, Status.REVIEW, paid, expected, (note,))
    label = "standard annual" if method == "standard_annual" else "alternative"
    note = Explanation(
        None,
        f"as a director your NI is worked on an annual earnings period{period_words}: the "
        f"{label} method gives {money(expected)} for this payment, the payslip shows "
        f"{money(paid)}, and nothing on record accounts for the difference. {ASK_PAYROLL}",
    )
    return slip_finding(ey, item, Metric.NI, Status.MISMATCH, paid, expected, (note,))


# --- student and postgraduate loans ------------------------------------------------------------


def loan_findings(ey: EmployerYear, item: SlipPeriod) -> list[Finding]:
    slip = item.slip
    findings = []
    if slip.student_loan or slip.student_loan_plan:
        findings.append(_student_loan(ey, item))
    if slip.postgraduate_loan:
        findings.append(_loan_check(ey, item, "postgraduate", slip.postgraduate_loan))
    return findings


def _loan_due(ey: EmployerYear, item: SlipPeriod, plan: str) -> Decimal:
    if item.slip.paid_after_leaving:
        return ZERO  # no student-loan deduction from a payment after the P45
    return student_loan_for_period(ey.tax_year, plan, item.frequency, max(item.slip.ni_basis, ZERO))


def _loan_check(ey: EmployerYear, item: SlipPeriod, plan: str, deducted: Decimal) -> Finding:
    metric = Metric.POSTGRADUATE_LOAN if plan == "postgraduate" else Metric.STUDENT_LOAN
    name = PLAN_NAMES[plan]
    try:
        expected = _loan_due(ey, item, plan)
    except PayeInputError as exc:
        note = Explanation(
            Code.STUDENT_LOAN_PLAN,
            f"{money(deducted)} was deducted for a {name} loan, but {exc}. {ASK_PAYROLL}",
        )
        return slip_finding(ey, item, metric, Status.MISMATCH, deducted, None, (note,))
    if expected == deducted:
        return slip_finding(ey, item, metric, Status.MATCH, deducted, expected, ())
    note = Explanation(
        None,
        f"{name} repayments are 9% (6% for a postgraduate loan) of NI-able pay above the "
        f"{ey.tax_year.hmrc} threshold, in whole pounds: {money(expected)} on "
        f"{money(item.slip.ni_basis)} this period; the payslip shows {money(deducted)}. "
        f"{ASK_PAYROLL} (a stale threshold or the wrong plan are common causes)",
    )
    return slip_finding(ey, item, metric, Status.MISMATCH, deducted, expected, (note,))


def _student_loan(ey: EmployerYear, item: SlipPeriod) -> Finding:
    slip = item.slip
    if slip.student_loan_plan:
        return _loan_check(ey, item, slip.student_loan_plan, slip.student_loan)
    fits = []
    for plan in STUDENT_LOAN_PLANS:
        try:
            if _loan_due(ey, item, plan) == slip.student_loan:
                fits.append(PLAN_NAMES[plan])
        except PayeInputError:
            continue
    deducted = slip.student_loan
    if not fits:
        note = Explanation(
            None,
            f"the {money(deducted)} student-loan deduction fits no plan's rules for "
            f"{ey.tax_year.hmrc} on {money(slip.ni_basis)} NI-able pay. {ASK_PAYROLL}, and "
            "check your plan with the Student Loans Company",
        )
        return slip_finding(ey, item, Metric.STUDENT_LOAN, Status.MISMATCH, deducted, None, (note,))
    note = Explanation(
        Code.STUDENT_LOAN_PLAN,
        f"the deduction fits {' or '.join(fits)}, but the payslip does not say which plan: "
        "check your plan with the Student Loans Company",
        inferred=True,
    )
    return slip_finding(ey, item, Metric.STUDENT_LOAN, Status.REVIEW, deducted, deducted, (note,))


# --- net pay -----------------------------------------------------------------------------------


def net_pay_finding(
    ey: EmployerYear, options: ReconcileOptions, item: SlipPeriod
) -> Finding | None:
    """Gross less every deduction on the payslip, against the net pay it shows."""
    slip = item.slip
    if slip.net_pay is None:
        return None
    pension = ZERO if slip.pension_type == "salary_sacrifice" else slip.pension_employee
    deductions = (
        slip.income_tax
        + slip.national_insurance
        + slip.student_loan
        + slip.postgraduate_loan
        + pension
        + slip.rsu_offset
        + sum((amount for _, amount in slip.other_deductions), ZERO)
    )
    expected = slip.gross_pay - deductions
    layouts = (expected, expected - slip.pension_sacrifice)  # gross before the sacrifice too
    fit = next((e for e in layouts if abs(e - slip.net_pay) <= options.tolerance), None)
    if fit is not None:
        return slip_finding(ey, item, Metric.NET_PAY, Status.MATCH, slip.net_pay, fit, ())
    note = Explanation(
        None,
        f"gross pay {money(slip.gross_pay)} less the deductions on the payslip "
        f"({money(deductions)}) is {money(expected)}, but the payslip pays "
        f"{money(slip.net_pay)}: a deduction or payment is missing from the payslip's lines. "
        f"{ASK_PAYROLL}",
    )
    return slip_finding(ey, item, Metric.NET_PAY, Status.MISMATCH, slip.net_pay, expected, (note,))
