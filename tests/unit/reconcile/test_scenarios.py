"""Reconciliation scenarios: one per kind of explanation, each built from a simulated
payroll with the one thing that creates the gap, plus a year where nothing explains it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import replace
from decimal import Decimal

from hmrc_sync.errors import ExitCode
from hmrc_sync.paye import ni_for_period, tax_for_period
from hmrc_sync.payslips import P60, Payslip
from hmrc_sync.reconcile import (
    Basis,
    Finding,
    HmrcEmployment,
    Metric,
    ReconcileInput,
    ReconcileOptions,
    ReconcileResult,
    Scope,
    Status,
    YearAvailability,
    reconcile,
)
from tests.unit.reconcile.payroll import YEAR, Payroll, pay_day, run_payroll, slip

D = Decimal


def run(
    payslips: Sequence[Payslip],
    hmrc: Iterable[HmrcEmployment] = (),
    p60s: Iterable[P60] = (),
    availability: YearAvailability = YearAvailability.AVAILABLE,
    **options: object,
) -> ReconcileResult:
    return reconcile(
        ReconcileInput(
            tax_years=(YEAR,),
            hmrc=tuple(hmrc),
            availability={YEAR: availability},
            payslips=tuple(payslips),
            p60s=tuple(p60s),
            options=ReconcileOptions(**options),  # type: ignore[arg-type]
        )
    )


def year_row(
    result: ReconcileResult, metric: Metric, basis: Basis, employer: str | None = None
) -> Finding:
    (row,) = [
        f
        for f in result.findings
        if f.scope is Scope.YEAR
        and f.metric is metric
        and f.basis is basis
        and (employer is None or f.employer == employer)
    ]
    return row


def slip_rows(result: ReconcileResult, metric: Metric) -> dict[int, Finding]:
    return {
        f.tax_period: f
        for f in result.findings
        if f.scope is Scope.PAYSLIP and f.metric is metric and f.tax_period is not None
    }


def statuses(rows: dict[int, Finding]) -> dict[int, str]:
    return {period: f"{f.status.value}:{f.explanation_code}" for period, f in rows.items()}


def p60_of(payroll: Payroll, code: str) -> P60:
    return P60(YEAR, payroll.employer, payroll.taxable, payroll.tax, payroll.ni, tax_code=code)


def test_a_clean_year_matches_everywhere() -> None:
    payroll = run_payroll()
    result = run(payroll.payslips(), [payroll.hmrc()], [p60_of(payroll, "1257L")])
    assert {f.status for f in result.findings} == {Status.MATCH}
    assert len(slip_rows(result, Metric.TAX)) == len(slip_rows(result, Metric.NI)) == 12
    pay = year_row(result, Metric.TAXABLE_PAY, Basis.HMRC)
    assert (pay.hmrc_value, pay.payslip_value, pay.difference) == (
        payroll.taxable,
        payroll.taxable,
        D(0),
    )
    assert result.exit_code == 0


def test_missing_month_assumed_at_the_usual_amount_is_review() -> None:
    payroll = run_payroll()
    result = run(payroll.payslips(skip=[5]), [payroll.hmrc()])
    pay = year_row(result, Metric.TAXABLE_PAY, Basis.HMRC)
    assert (pay.status, pay.explanation_code) == (Status.REVIEW, "missing_period")
    assert pay.difference == payroll.month(5).taxable
    assert "tax month 5" in (pay.explanation_text or "")
    tax = year_row(result, Metric.TAX, Basis.HMRC)
    assert (tax.status, tax.difference) == (Status.REVIEW, payroll.month(5).tax)
    audit = statuses(slip_rows(result, Metric.TAX))
    assert audit == {
        **dict.fromkeys((1, 2, 3, 4), "match:None"),
        **dict.fromkeys(range(6, 13), "review:missing_period"),
    }
    assert result.exit_code == ExitCode.REVIEW


def test_missing_month_measured_from_the_year_to_date_figures() -> None:
    payroll = run_payroll(extra={5: D("3000.00")})  # an unusual month goes missing
    slips = [
        slip(payroll, m, ytd_taxable_pay=m.ytd_taxable, ytd_tax_paid=m.ytd_tax)
        for m in payroll.months
        if m.month != 5
    ]
    result = run(slips, [payroll.hmrc()])
    pay = year_row(result, Metric.TAXABLE_PAY, Basis.HMRC)
    assert pay.status is Status.EXPLAINED
    assert pay.difference == D("8000.00")
    assert "year-to-date" in (pay.explanation_text or "")
    assert year_row(result, Metric.TAX, Basis.HMRC).status is Status.EXPLAINED
    assert set(statuses(slip_rows(result, Metric.TAX)).values()) <= {
        "match:None",
        "explained:missing_period",
    }


def test_duplicate_payslip() -> None:
    payroll = run_payroll()
    slips = payroll.payslips()
    copy = replace(slips[6], source_ref="scanned twice")
    result = run([*slips, copy], [payroll.hmrc()], [p60_of(payroll, "1257L")])
    for basis in (Basis.HMRC, Basis.P60):
        pay = year_row(result, Metric.TAXABLE_PAY, basis)
        assert (pay.status, pay.explanation_code) == (Status.EXPLAINED, "duplicate_period")
        assert pay.payslip_value == payroll.taxable + payroll.month(7).taxable
        assert pay.difference == -payroll.month(7).taxable
    duplicate_rows = [f for f in result.findings if f.payslip_ref == "scanned twice"]
    assert [(f.metric, f.status, f.explanation_code) for f in duplicate_rows] == [
        (Metric.TAX, Status.EXPLAINED, "duplicate_period"),
        (Metric.NI, Status.EXPLAINED, "duplicate_period"),
    ]
    others = [f for f in result.findings if f.scope is Scope.PAYSLIP and f not in duplicate_rows]
    assert {f.status for f in others} == {Status.MATCH}, "the copy stays out of the PAYE path"
    assert result.ok


def test_pension_salary_sacrifice() -> None:
    payroll = run_payroll(pay=D("4700.00"))  # £5,000 salary less £300 sacrificed
    slips = payroll.payslips(
        gross_pay=D("5000.00"), taxable_pay=None, pension_sacrifice=D("300.00")
    )
    result = run(slips, [payroll.hmrc()])
    pay = year_row(result, Metric.TAXABLE_PAY, Basis.HMRC)
    assert (pay.status, pay.explanation_code) == (Status.EXPLAINED, "salary_sacrifice")
    assert pay.difference == D("-3600.00")
    assert set(statuses(slip_rows(result, Metric.TAX)).values()) == {"explained:salary_sacrifice"}
    assert set(statuses(slip_rows(result, Metric.NI)).values()) == {"explained:salary_sacrifice"}
    ni = year_row(result, Metric.NI, Basis.EXPECTED)
    assert (ni.status, ni.explanation_code) == (Status.EXPLAINED, "salary_sacrifice")
    assert result.ok


def test_rsu_notional_pay_counts_as_taxable_pay_not_gross() -> None:
    payroll = run_payroll(extra={8: D("20000.00")})
    slips = [
        slip(payroll, m, gross_pay=D("5000.00"), rsu_vest=D("20000.00") if m.month == 8 else D(0))
        for m in payroll.months
    ]
    result = run(slips, [payroll.hmrc()])
    assert year_row(result, Metric.TAXABLE_PAY, Basis.HMRC).status is Status.MATCH
    gross = year_row(result, Metric.GROSS, Basis.HMRC)
    assert (gross.status, gross.explanation_code) == (Status.EXPLAINED, "rsu_notional_pay")
    assert gross.difference == D("20000.00")
    assert set(statuses(slip_rows(result, Metric.TAX)).values()) == {"match:None"}


def test_rsu_on_a_payslip_without_taxable_pay() -> None:
    payroll = run_payroll(extra={8: D("20000.00")})
    slips = [
        slip(
            payroll,
            m,
            gross_pay=D("5000.00"),
            taxable_pay=None,
            rsu_vest=D("20000.00") if m.month == 8 else D(0),
        )
        for m in payroll.months
    ]
    result = run(slips, [payroll.hmrc()])
    pay = year_row(result, Metric.TAXABLE_PAY, Basis.HMRC)
    assert (pay.status, pay.explanation_code, pay.difference) == (
        Status.EXPLAINED,
        "rsu_notional_pay",
        D("20000.00"),
    )
    audit = statuses(slip_rows(result, Metric.TAX))
    assert audit[7] == "match:None"
    assert {audit[m] for m in range(8, 13)} == {"explained:rsu_notional_pay"}
    assert result.ok


def test_tax_code_change_during_the_year() -> None:
    codes = {m: "1100L" if m <= 6 else "1257L" for m in range(1, 13)}
    payroll = run_payroll(codes=codes)
    result = run(payroll.payslips(), [payroll.hmrc()], [p60_of(payroll, "1257L")])
    rows = slip_rows(result, Metric.TAX)
    assert {m: rows[m].status for m in range(1, 7)} == dict.fromkeys(range(1, 7), Status.REVIEW)
    assert {rows[m].explanation_code for m in range(1, 7)} == {"tax_code_change"}
    assert any(code in (rows[3].explanation_text or "") for code in ("1099L", "1100L", "1101L"))
    assert {rows[m].status for m in range(7, 13)} == {Status.MATCH}, "the catch-up is reproduced"
    assert year_row(result, Metric.TAX, Basis.P60).status is Status.MATCH
    assert result.exit_code == ExitCode.REVIEW, "no code printed: the earlier code is inferred"


def test_code_on_the_payslip_wins_over_the_p60() -> None:
    codes = {m: "1100L" if m <= 6 else "1257L" for m in range(1, 13)}
    payroll = run_payroll(codes=codes)
    slips = [slip(payroll, m, tax_code=codes[m.month]) for m in payroll.months]
    result = run(slips, [payroll.hmrc()], [p60_of(payroll, "1257L")])
    assert {f.status for f in slip_rows(result, Metric.TAX).values()} == {Status.MATCH}


def test_emergency_code_on_the_month_1_basis() -> None:
    codes = {m: "1257L" if m <= 3 else "1100L" for m in range(1, 13)}
    payroll = run_payroll(codes=codes, month1=(1, 2, 3), extra={2: D("2500.00")})
    result = run(payroll.payslips(), [payroll.hmrc()], [p60_of(payroll, "1100L")])
    audit = statuses(slip_rows(result, Metric.TAX))
    assert {audit[m] for m in (1, 2, 3)} == {"review:emergency_code"}
    assert {audit[m] for m in range(4, 13)} == {"match:None"}
    assert "1257L" in (slip_rows(result, Metric.TAX)[2].explanation_text or "")
    assert result.exit_code == ExitCode.REVIEW


def test_previous_employment_on_a_p45() -> None:
    old = run_payroll(employer="OldCo Ltd", months=range(1, 7), pay=D("5000.00"))
    new = run_payroll(
        employer="NewCo Ltd",
        months=range(7, 13),
        pay=D("6000.00"),
        previous_pay=old.taxable,
        previous_tax=old.tax,
    )
    slips = [
        slip(new, m, ytd_taxable_pay=m.ytd_taxable, ytd_tax_paid=m.ytd_tax) for m in new.months
    ]
    result = run(slips, [old.hmrc("111/OLD"), new.hmrc("222/NEW")])
    assert year_row(result, Metric.TAXABLE_PAY, Basis.HMRC, "NewCo Ltd").status is Status.MATCH
    old_row = year_row(result, Metric.TAXABLE_PAY, Basis.HMRC, "OLDCO LTD")
    assert (old_row.status, old_row.explanation_code) == (Status.EXPLAINED, "previous_employment")
    assert old_row.hmrc_value == old.taxable
    assert set(statuses(slip_rows(result, Metric.TAX)).values()) == {
        "explained:previous_employment"
    }
    assert result.ok


def test_hmrc_not_yet_available() -> None:
    payroll = run_payroll()
    result = run(payroll.payslips(), availability=YearAvailability.NOT_YET_AVAILABLE)
    pay = year_row(result, Metric.TAXABLE_PAY, Basis.HMRC)
    assert (pay.status, pay.explanation_code, pay.hmrc_value) == (
        Status.EXPLAINED,
        "hmrc_not_yet_available",
        None,
    )
    assert pay.availability is YearAvailability.NOT_YET_AVAILABLE
    assert result.ok


def test_hmrc_withdrawn_with_and_without_a_kept_snapshot() -> None:
    payroll = run_payroll()
    gone = run(payroll.payslips(), availability=YearAvailability.WITHDRAWN)
    assert year_row(gone, Metric.TAX, Basis.HMRC).explanation_code == "hmrc_withdrawn"
    kept = run(payroll.payslips(), [payroll.hmrc()], availability=YearAvailability.WITHDRAWN)
    row = year_row(kept, Metric.TAX, Basis.HMRC)
    assert (row.status, row.availability) == (Status.MATCH, YearAvailability.WITHDRAWN)


def test_employer_on_one_side_only() -> None:
    acme = run_payroll(employer="Acme Ltd")
    side = run_payroll(employer="Side Gig Ltd", pay=D("500.00"))
    hmrc_only = run(acme.payslips(), [acme.hmrc("1/A"), side.hmrc("2/S")])
    row = year_row(hmrc_only, Metric.TAXABLE_PAY, Basis.HMRC, "SIDE GIG LTD")
    assert (row.status, row.explanation_code, row.difference) == (
        Status.REVIEW,
        "employer_hmrc_only",
        side.taxable,
    )
    slips_only = run([*acme.payslips(), *side.payslips()], [acme.hmrc("1/A")])
    row = year_row(slips_only, Metric.TAXABLE_PAY, Basis.HMRC, "Side Gig Ltd")
    assert (row.status, row.explanation_code) == (Status.REVIEW, "employer_payslips_only")
    p60_only = run(acme.payslips(), [acme.hmrc("1/A")], [p60_of(side, "1257L")])
    row = year_row(p60_only, Metric.TAXABLE_PAY, Basis.P60, "Side Gig Ltd")
    assert row.explanation_code == "employer_p60_only"
    assert hmrc_only.exit_code == ExitCode.REVIEW
    assert slips_only.exit_code == ExitCode.REVIEW
    assert p60_only.ok


def test_a_gap_nothing_explains_is_a_mismatch() -> None:
    payroll = run_payroll()
    hmrc = payroll.hmrc(income_tax=payroll.tax + D("250.00"))
    result = run(payroll.payslips(), [hmrc])
    tax = year_row(result, Metric.TAX, Basis.HMRC)
    assert (tax.status, tax.explanation_code) == (Status.MISMATCH, None)
    assert "£250.00 higher than the payslips" in (tax.explanation_text or "")
    assert "Ask your payroll team" in (tax.explanation_text or "")
    assert result.exit_code == ExitCode.MISMATCH
    assert result.mismatches == (tax,)


def test_an_odd_deduction_is_not_explained_by_an_invented_code() -> None:
    payroll = run_payroll()
    slips = payroll.payslips()
    slips[4] = replace(slips[4], income_tax=slips[4].income_tax + D("250.00"))
    result = run(slips, [payroll.hmrc(income_tax=payroll.tax + D("250.00"))])
    audit = slip_rows(result, Metric.TAX)
    assert audit[5].status is Status.MISMATCH
    assert audit[5].difference == D("-250.00")
    assert result.exit_code == ExitCode.MISMATCH


def test_tolerance() -> None:
    payroll = run_payroll()
    hmrc = payroll.hmrc(income_tax=payroll.tax + D("0.80"))
    assert run(payroll.payslips(), [hmrc]).ok
    strict = run(payroll.payslips(), [hmrc], tolerance=D("0.50"))
    assert year_row(strict, Metric.TAX, Basis.HMRC).status is Status.MISMATCH


def test_in_year_figures_compare_with_the_payslips_paid_so_far() -> None:
    payroll = run_payroll()
    first_half = run_payroll(months=range(1, 7))
    hmrc = first_half.hmrc(figures_to=pay_day(6))
    result = run(payroll.payslips(skip=range(9, 13)), [hmrc], as_of=dt.date(2024, 12, 1))
    pay = year_row(result, Metric.TAXABLE_PAY, Basis.HMRC)
    assert (pay.status, pay.payslip_value) == (Status.MATCH, first_half.taxable)


def test_ni_category_and_net_pay_pension() -> None:
    deferred = run_payroll(ni_category="J")
    result = run(deferred.payslips(), [deferred.hmrc()])
    assert set(statuses(slip_rows(result, Metric.NI)).values()) == {"review:ni_category"}
    payroll = run_payroll()
    # Net-pay pension: taxable pay is after it, NI is due on the pay before it.
    slips = [
        slip(payroll, m, taxable_pay=m.taxable - D("400.00"), pension_employee=D("400.00"))
        for m in payroll.months
    ]
    hmrc = payroll.hmrc(taxable_pay=payroll.taxable - D("4800.00"))
    result = run(slips, [hmrc])
    ni_rows = slip_rows(result, Metric.NI)
    assert {f.explanation_code for f in ni_rows.values()} == {"net_pay_pension"}
    assert {f.status for f in ni_rows.values()} == {Status.REVIEW}, "the kind is not recorded"
    recorded = [replace(s, pension_type="net_pay") for s in slips]
    result = run(recorded, [hmrc])
    assert {f.status for f in slip_rows(result, Metric.NI).values()} == {Status.MATCH}


def test_duplicate_and_missing_months_against_gross() -> None:
    payroll = run_payroll(pay=D("4700.00"), extra={8: D("8000.00")})
    slips = [
        slip(
            payroll,
            m,
            gross_pay=D("5000.00"),
            pension_sacrifice=D("300.00"),
            rsu_vest=D("8000.00") if m.month == 8 else D(0),
        )
        for m in payroll.months
        if m.month != 5
    ]
    result = run([*slips, replace(slips[0], source_ref="again")], [payroll.hmrc()])
    gross = year_row(result, Metric.GROSS, Basis.HMRC)
    assert gross.status is Status.REVIEW, "the missing month's pay is only assumed"
    assert set((gross.explanation_code or "").split("+")) == {
        "missing_period",
        "duplicate_period",
        "rsu_notional_pay",
        "salary_sacrifice",
    }


def test_weekly_payroll_with_a_missing_week() -> None:
    pay_to_date = paid = D(0)
    slips, total_tax = [], D(0)
    for week in range(1, 53):
        day = YEAR.first_day + dt.timedelta(days=7 * (week - 1) + 3)
        pay_to_date += D("900.00")
        tax = tax_for_period(YEAR, "1257L", "weekly", week, D("900.00"), pay_to_date, paid)
        paid += tax
        total_tax += tax
        if week == 10:
            continue
        slips.append(
            Payslip(
                day,
                YEAR,
                "Acme Ltd",
                D("900.00"),
                tax,
                ni_for_period(day, "A", "weekly", D("900.00"))[0],
                pay_frequency="weekly",
                source_ref=f"w{week}",
            )
        )
    hmrc = HmrcEmployment(YEAR, "1/A", "ACME LTD", D("900.00") * 52, total_tax)
    result = run(slips, [hmrc])
    pay = year_row(result, Metric.TAXABLE_PAY, Basis.HMRC)
    assert (pay.status, pay.difference) == (Status.REVIEW, D("900.00"))
    assert "tax period 10" in (pay.explanation_text or "")
    audit = statuses(slip_rows(result, Metric.TAX))
    assert {audit[w] for w in range(1, 10)} == {"match:None"}
    assert {audit[w] for w in range(11, 53)} == {"review:missing_period"}
    assert set(statuses(slip_rows(result, Metric.NI)).values()) == {"match:None"}
