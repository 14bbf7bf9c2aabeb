"""Per employer and tax year: HMRC's and the P60's figures against the payslips' sums.

Comparisons (``difference`` = reference - payslips):

* HMRC pay vs the payslips' taxable pay (``COALESCE(taxable_pay, gross_pay)``) and vs their
  gross; HMRC tax vs the tax deducted;
* the P60's pay, tax and NI vs the payslips';
* the payslips' NI vs the NI recomputed for each payslip (HMRC gives no Class 1 NI at all).

The candidate explanations for a gap: missing payslips (each run of missing tax periods;
amounts from the payslips' own YTD figures where they allow, else the usual period's
amount), duplicated payslips, salary sacrifice, RSU notional pay and other pay-basis
differences between taxable pay and gross, and pay from a previous employment (P45).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, Final

from hmrc_sync.reconcile.candidates import NAMES, VALUES, candidates
from hmrc_sync.reconcile.explain import decide, gap_words, money
from hmrc_sync.reconcile.model import (
    Basis,
    Code,
    Explanation,
    Finding,
    Metric,
    ReconcileOptions,
    Scope,
    Status,
    YearAvailability,
)
from hmrc_sync.reconcile.periods import (
    EmployerYear,
    SlipPeriod,
    find_gaps,
    last_expected_period,
)

_UNAVAILABLE = {
    YearAvailability.NOT_YET_AVAILABLE: (
        Code.HMRC_NOT_YET_AVAILABLE,
        "HMRC has not published this year yet (it does after its end-of-year PAYE "
        "reconciliation, June to November)",
    ),
    YearAvailability.WITHDRAWN: (
        Code.HMRC_WITHDRAWN,
        "HMRC withdrew this year's data (the Self Assessment return was processed) and no "
        "snapshot of this employer was kept",
    ),
    YearAvailability.FORBIDDEN: (
        Code.HMRC_FORBIDDEN,
        "HMRC refused access to this year's data for this user",
    ),
    YearAvailability.NOT_FETCHED: (
        Code.HMRC_NOT_FETCHED,
        "hmrc-sync has not fetched this year from HMRC yet (run `hmrc-sync sync`)",
    ),
    YearAvailability.AVAILABLE: (
        Code.EMPLOYER_PAYSLIPS_ONLY,
        "HMRC's figures for this year do not include this employer, although the payslips "
        "do: check your personal tax account, and ask the employer whether it reported your "
        "pay to HMRC",
    ),
}


@dataclass(frozen=True)
class YearContext:
    options: ReconcileOptions
    availability: YearAvailability
    leading_is_p45: bool
    previous_pay: Decimal | None  # P45 pay carried in this employer's YTD figures
    previous_tax: Decimal | None
    p45_elsewhere: tuple[tuple[str, Decimal], ...]  # (employer, P45 pay) of other employers


def year_findings(ey: EmployerYear, ctx: YearContext, audit: Sequence[Finding]) -> list[Finding]:
    findings: list[Finding] = []
    if ey.slips:
        findings += _hmrc_side(ey, ctx)
        if ey.p60 is not None:
            findings += _p60_side(ey, ctx)
        ni = _ni_expected(ey, ctx, audit)
        if ni is not None:
            findings.append(ni)
        findings += _ytd_findings(ey, ctx)
    elif ey.hmrc is not None:
        findings += _hmrc_only(ey, ctx)
    if not ey.slips and ey.p60 is not None:
        findings += _p60_only(ey, ctx)
    return findings


def _finding(ey: EmployerYear, ctx: YearContext, **values: Any) -> Finding:
    return Finding(
        tax_year=ey.tax_year,
        employer=ey.employer,
        employer_paye_ref=ey.employer_paye_ref,
        scope=Scope.YEAR,
        availability=ctx.availability,
        **values,
    )


def _hmrc_side(ey: EmployerYear, ctx: YearContext) -> list[Finding]:
    hmrc = ey.hmrc
    metrics = (Metric.TAXABLE_PAY, Metric.GROSS, Metric.TAX)
    if hmrc is None:
        code, text = _UNAVAILABLE[ctx.availability]
        unknown_to_hmrc = ctx.availability is YearAvailability.AVAILABLE
        return [
            _finding(
                ey,
                ctx,
                metric=metric,
                basis=Basis.HMRC,
                status=Status.REVIEW if unknown_to_hmrc else Status.EXPLAINED,
                payslip_value=_sum(ey.periods, metric),
                explanations=(Explanation(code, text),),
            )
            for metric in (Metric.TAXABLE_PAY, Metric.TAX)
        ]
    slips = ey.up_to(hmrc.figures_to)
    last = last_expected_period(ey.frequency, ey.tax_year, hmrc.figures_to or ctx.options.as_of)
    findings = []
    for metric in metrics:
        reference = hmrc.income_tax if metric is Metric.TAX else hmrc.taxable_pay
        paid = _sum(ey.recorded_up_to(hmrc.figures_to), metric)
        if reference is None:
            missing = Explanation(
                Code.HMRC_NOT_YET_AVAILABLE,
                f"HMRC gave no {NAMES[metric]} figure for this employer",
            )
            findings.append(
                _finding(
                    ey,
                    ctx,
                    metric=metric,
                    basis=Basis.HMRC,
                    status=Status.EXPLAINED,
                    payslip_value=paid,
                    explanations=(missing,),
                )
            )
            continue
        found = candidates(ey, ctx.leading_is_p45, metric, slips, last, hmrc.figures_to)
        note = (
            Explanation(None, f"HMRC's figures run to the payment of {hmrc.figures_to}")
            if hmrc.figures_to is not None
            else None
        )
        findings.append(_compared(ey, ctx, metric, Basis.HMRC, reference, paid, found, note))
    return findings


def _p60_side(ey: EmployerYear, ctx: YearContext) -> list[Finding]:
    p60 = ey.p60
    assert p60 is not None
    last = last_expected_period(ey.frequency, ey.tax_year, None)
    findings = []
    for metric, reference in (
        (Metric.TAXABLE_PAY, p60.gross_pay),
        (Metric.TAX, p60.income_tax),
        (Metric.NI, p60.national_insurance),
    ):
        paid = _sum(ey.periods, metric)
        found = candidates(ey, ctx.leading_is_p45, metric, ey.slips, last, None)
        previous = _previous(ey, ctx, metric)
        if previous:
            found.append(
                Explanation(
                    Code.PREVIOUS_EMPLOYMENT,
                    f"the P60 total includes {money(previous)} {NAMES[metric]} from a previous "
                    "employment (P45)",
                    previous,
                )
            )
        findings.append(_compared(ey, ctx, metric, Basis.P60, reference, paid, found))
    for metric, box, line in (
        (Metric.STUDENT_LOAN, p60.student_loan, "student_loan"),
        (Metric.POSTGRADUATE_LOAN, p60.postgraduate_loan, "postgraduate_loan"),
    ):
        if box is not None:
            loans = sum((getattr(p.slip, line) for p in ey.slips), Decimal("0.00"))
            findings.append(_compared(ey, ctx, metric, Basis.P60, box, loans, []))
    return findings


_YTD_LINES: Final = (
    (Metric.NI, "ytd_national_insurance", "national_insurance"),
    (Metric.STUDENT_LOAN, "ytd_student_loan", "student_loan"),
)


def _ytd_findings(ey: EmployerYear, ctx: YearContext) -> list[Finding]:
    """The last payslip's NI and student-loan year-to-date figures against the payslips'
    sums. These figures cover this employment only, so a gap is missing payslips."""
    findings = []
    last = ey.slips[-1]
    leading, inner, _ = find_gaps(ey.slips, last.period)
    for metric, ytd_field, value_field in _YTD_LINES:
        stated = getattr(last.slip, ytd_field)
        if stated is None:
            continue
        paid = sum((getattr(p.slip, value_field) for p in ey.slips), Decimal("0.00"))
        found = []
        gaps = [g.describe(ey.frequency) for g in (leading, *inner) if g is not None]
        if gaps:
            found.append(
                Explanation(
                    Code.MISSING_PERIOD,
                    f"the year-to-date figure includes {money(stated - paid)} from the payslips "
                    f"missing for {', '.join(gaps)}",
                    stated - paid,
                )
            )
        finding = _compared(ey, ctx, metric, Basis.YEAR_TO_DATE, stated, paid, found)
        findings.append(replace(finding, expected_value=stated))
    return findings


def _compared(
    ey: EmployerYear,
    ctx: YearContext,
    metric: Metric,
    basis: Basis,
    reference: Decimal,
    paid: Decimal,
    found: list[Explanation],
    note: Explanation | None = None,
) -> Finding:
    """A reference figure (HMRC's or the P60's) against the payslips' sum, with the candidate
    explanations decided into a status; ``note`` is added when they do not simply match."""
    status, why = decide(reference - paid, found, ctx.options.tolerance)
    if note is not None and status is not Status.MATCH:
        why += (note,)
    reference_field = "hmrc_value" if basis is Basis.HMRC else "p60_value"
    return _finding(
        ey,
        ctx,
        metric=metric,
        basis=basis,
        status=status,
        payslip_value=paid,
        difference=reference - paid,
        explanations=why,
        **{reference_field: reference},
    )


def _previous(ey: EmployerYear, ctx: YearContext, metric: Metric) -> Decimal | None:
    p60 = ey.p60
    if metric is Metric.TAXABLE_PAY:
        return (p60.previous_pay if p60 else None) or ctx.previous_pay
    if metric is Metric.TAX:
        return (p60.previous_tax if p60 else None) or ctx.previous_tax
    return None


def _hmrc_only(ey: EmployerYear, ctx: YearContext) -> list[Finding]:
    hmrc = ey.hmrc
    assert hmrc is not None
    carried = next(
        (
            name
            for name, pay in ctx.p45_elsewhere
            if hmrc.taxable_pay is not None and abs(pay - hmrc.taxable_pay) <= ctx.options.tolerance
        ),
        None,
    )
    if carried is not None:
        note = Explanation(
            Code.PREVIOUS_EMPLOYMENT,
            f"no payslips from this employer: its pay is the previous-employment (P45) pay in "
            f"{carried}'s year-to-date figures",
        )
    else:
        note = Explanation(
            Code.EMPLOYER_HMRC_ONLY,
            "HMRC records pay from this employer, but there are no payslips or P60 from it: "
            "if you did not work there, tell HMRC through your personal tax account; if you "
            "did, add its payslips",
            inferred=True,
        )
    return [
        _finding(
            ey,
            ctx,
            metric=metric,
            basis=Basis.HMRC,
            status=Status.REVIEW if note.inferred else Status.EXPLAINED,
            hmrc_value=value,
            difference=value,
            explanations=(note,),
        )
        for metric, value in ((Metric.TAXABLE_PAY, hmrc.taxable_pay), (Metric.TAX, hmrc.income_tax))
    ]


def _p60_only(ey: EmployerYear, ctx: YearContext) -> list[Finding]:
    p60 = ey.p60
    assert p60 is not None
    note = Explanation(Code.EMPLOYER_P60_ONLY, "a P60 from this employer but no payslips")
    return [
        _finding(
            ey,
            ctx,
            metric=metric,
            basis=Basis.P60,
            status=Status.EXPLAINED,
            p60_value=value,
            difference=value,
            explanations=(note,),
        )
        for metric, value in (
            (Metric.TAXABLE_PAY, p60.gross_pay),
            (Metric.TAX, p60.income_tax),
            (Metric.NI, p60.national_insurance),
        )
    ]


def _ni_expected(ey: EmployerYear, ctx: YearContext, audit: Sequence[Finding]) -> Finding | None:
    """The payslips' NI against the NI recomputed for each of them."""
    rows = [
        f
        for f in audit
        if f.metric is Metric.NI
        and f.expected_value is not None
        and not any(e.code is Code.DUPLICATE_PERIOD for e in f.explanations)
    ]
    if not rows:
        return None
    paid = sum((f.payslip_value or Decimal(0) for f in rows), Decimal(0))
    expected = sum((f.expected_value or Decimal(0) for f in rows), Decimal(0))
    off = [f for f in rows if f.status is not Status.MATCH]
    unexplained = [f for f in off if f.status is Status.MISMATCH]
    to_review = [f for f in off if f.status is Status.REVIEW]
    notes: tuple[Explanation, ...] = ()
    if abs(expected - paid) <= ctx.options.tolerance and not off:
        status = Status.MATCH
    elif unexplained or not off:
        status = Status.MISMATCH
        what = (
            f"{len(unexplained)} payslip(s) with NI that nothing on record accounts for"
            if unexplained
            else f"{gap_words(expected - paid)}, a difference nothing on record accounts for"
        )
        notes = (Explanation(None, what + ": ask your payroll team to explain them"),)
    else:
        status = Status.REVIEW if to_review else Status.EXPLAINED
        codes = list(dict.fromkeys(e.code for f in off for e in f.explanations if e.code))
        notes = tuple(
            Explanation(code, f"{_count_with(off, code)} payslip(s): {_first_text(off, code)}")
            for code in codes
        )
    return _finding(
        ey,
        ctx,
        metric=Metric.NI,
        basis=Basis.EXPECTED,
        status=status,
        payslip_value=paid,
        expected_value=expected,
        difference=expected - paid,
        explanations=notes,
    )


def _first_text(findings: Sequence[Finding], code: Code) -> str:
    return next(e.text for f in findings for e in f.explanations if e.code is code)


def _count_with(findings: Sequence[Finding], code: Code) -> int:
    return sum(1 for f in findings if any(e.code is code for e in f.explanations))


def _sum(slips: Sequence[SlipPeriod], metric: Metric) -> Decimal:
    value = VALUES[metric]
    return sum((value(p.slip) for p in slips), Decimal("0.00"))
