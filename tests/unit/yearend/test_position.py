"""The year-end position: worked scenarios, each computed by hand in its docstring (2025-26
rUK figures: personal allowance £12,570, basic-rate band £37,700 at 20%, higher rate 40%;
Plan 2 threshold £28,470 a year, £2,372.50 a month)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from hmrc_sync.paye import StudentLoanPlan, student_loan_for_period
from hmrc_sync.paye.taxcode import Region
from hmrc_sync.payslips.model import P60, Payslip
from hmrc_sync.reconcile.model import HmrcEmployment
from hmrc_sync.taxyear import TaxYear
from hmrc_sync.yearend import income_tax_liability
from hmrc_sync.yearend.evidence import Basis, EmploymentYear, employments_for_year
from hmrc_sync.yearend.marriage_allowance import MarriageAllowance
from hmrc_sync.yearend.position import Driver, Outcome, project_year, year_position
from hmrc_sync.yearend.profile import YearProfile, profiles_from_json, profiles_to_json

YEAR = TaxYear(2025)


def _job(name: str, pay: str, tax: str, basis: Basis = Basis.P60) -> EmploymentYear:
    return EmploymentYear(name, D(pay), D(tax), D(0), basis)


def _slip(day: dt.date, pay: str, tax: str, **extra: object) -> Payslip:
    return Payslip(
        pay_date=day,
        tax_year=TaxYear.containing(day),
        employer=str(extra.pop("employer", "Acme Ltd")),
        gross_pay=D(pay),
        income_tax=D(tax),
        national_insurance=D(0),
        **extra,  # type: ignore[arg-type]
    )


def _codes(drivers: tuple[Driver, ...]) -> set[str]:
    return {driver.code for driver in drivers}


def test_a_bonus_into_the_taper_leaves_a_bill() -> None:
    """£110,000 on the P60, PAYE on 1257L all year (the code never reflected the taper):
    PAYE: 110,000 - 12,570 = 97,430 taxable; 37,700 x 20% = 7,540 + 59,730 x 40% = 23,892;
    deducted 31,432. Owed: allowance 12,570 - (110,000 - 100,000) / 2 = 7,570; taxable 102,430;
    7,540 + 64,730 x 40% = 25,892; 33,432. A bill of £2,000."""
    position = year_position(YEAR, [_job("Acme", "110000", "31432")])
    assert position.liability.personal_allowance == D("7570")
    assert position.liability.income_tax == D("33432")
    assert position.expected_refund == D("-2000")
    assert position.outcome is Outcome.BILL
    assert "taper" in _codes(position.drivers)
    assert "owe about £2,000.00" in position.headline()


def test_two_jobs_both_on_the_full_allowance_leave_a_bill_and_say_why() -> None:
    """Job A £30,000 on 1257L: (30,000 - 12,570) x 20% = 3,486. Job B £20,000 wrongly on 1257L
    too: (20,000 - 12,570) x 20% = 1,486. Owed on £50,000: 37,430 x 20% = 7,486. Deducted
    4,972: a bill of £2,514."""
    position = year_position(YEAR, [_job("A", "30000", "3486"), _job("B", "20000", "1486")])
    assert position.liability.income_tax == D("7486")
    assert position.expected_refund == D("-2514")
    assert "two_jobs" in _codes(position.drivers)


def test_two_jobs_with_a_br_second_job_are_about_right() -> None:
    """Job B on BR: 20,000 x 20% = 4,000; with job A's 3,486 that is 7,486, as owed."""
    position = year_position(YEAR, [_job("A", "30000", "3486"), _job("B", "20000", "4000")])
    assert position.expected_refund == 0
    assert position.outcome is Outcome.ABOUT_RIGHT


def test_relief_at_source_restores_the_allowance_and_is_claimed_back() -> None:
    """£110,000 with £10,000 gross relief-at-source contributions: adjusted net income
    100,000, so the full 12,570 allowance; basic band 37,700 + 10,000 = 47,700.
    Taxable 97,430: 47,700 x 20% = 9,540 + 49,730 x 40% = 19,892; owed 29,432. PAYE deducted
    31,432 (no relief through payroll): a refund of £2,000. Without the contributions the
    year would owe 33,432, so the relief is worth £4,000."""
    profile = YearProfile(YEAR, relief_at_source_contributions=D("10000"))
    position = year_position(YEAR, [_job("Acme", "110000", "31432")], profile)
    assert position.liability.income_tax == D("29432")
    assert position.expected_refund == D("2000")
    assert position.outcome is Outcome.REFUND
    (relief,) = [d for d in position.drivers if d.code == "relief_at_source"]
    assert "£4,000.00" in relief.text
    assert relief.action is not None
    assert "Self Assessment" in relief.action


def test_gift_aid_beyond_the_tax_paid_brings_the_charge() -> None:
    """£15,000 pay, £4,000 Gift Aid paid (gross 5,000). Tax: (15,000 - 12,570) x 20% = 486.
    The charities reclaimed 5,000 x 20% = 1,000, so 1,000 - 486 = 514 is charged: owed 1,000.
    PAYE deducted 486: a bill of £514."""
    profile = YearProfile(YEAR, gift_aid_payments=D("4000"))
    position = year_position(YEAR, [_job("Acme", "15000", "486")], profile)
    assert position.liability.gift_aid_charge == D("514")
    assert position.expected_refund == D("-514")


def test_marriage_allowance_recipient() -> None:
    """£30,000: 17,430 x 20% = 3,486, less the reducer 20% x 1,260 = 252: owed 3,234, which a
    1257M code deducts. About right."""
    profile = YearProfile(YEAR, marriage_allowance=MarriageAllowance.RECIPIENT)
    position = year_position(YEAR, [_job("Acme", "30000", "3234")], profile)
    assert position.liability.income_tax == D("3234")
    assert position.outcome is Outcome.ABOUT_RIGHT


def test_the_region_comes_from_a_printed_scottish_code() -> None:
    slips = [_slip(dt.date(2025, 4, 25), "3000", "300", tax_code="S1257L")]
    jobs = employments_for_year(YEAR, slips, [], [])
    position = year_position(YEAR, jobs)
    assert position.liability.region is Region.SCOTLAND
    scottish = income_tax_liability(YEAR, "scotland", D("3000"))
    assert position.liability.income_tax == scottish.income_tax
    assert any("from the tax code S1257L" in note for note in position.assumptions)


def test_a_welsh_profile_wins_over_an_unprefixed_code() -> None:
    slips = [_slip(dt.date(2025, 4, 25), "3000", "300", tax_code="1257L")]
    profile = YearProfile(YEAR, region=Region.WALES)
    position = year_position(YEAR, employments_for_year(YEAR, slips, [], []), profile)
    assert position.liability.region is Region.WALES


def test_a_plan_2_loan_over_collected_by_per_period_thresholds() -> None:
    """Eleven months at £2,000 (under the £2,372.50 monthly threshold: nothing deducted) and
    one at £10,000: floor((10,000 - 2,372.50) x 9%) = £686. On the year's £32,000 only
    floor((32,000 - 28,470) x 9%) = £317 is due: £369 too much."""
    assert student_loan_for_period(YEAR, "plan2", "monthly", D("10000")) == D("686")
    slips = [_slip(dt.date(2025, month, 25), "2000", "0") for month in range(4, 13)] + [
        _slip(dt.date(2026, month, 25), "2000", "0") for month in (1, 2)
    ]
    slips.append(_slip(dt.date(2026, 3, 25), "10000", "0", student_loan=D("686")))
    profile = YearProfile(YEAR, student_loan_plans=(StudentLoanPlan.PLAN2,))
    position = year_position(YEAR, employments_for_year(YEAR, slips, [], []), profile)
    (loan,) = position.loans
    assert (loan.due, loan.deducted, loan.difference) == (D("317"), D("686"), D("369"))
    assert "student_loan_plan2" in _codes(position.drivers)


def test_a_code_that_changed_is_named() -> None:
    slips = [
        _slip(dt.date(2025, 4, 25), "3000", "300", tax_code="1257L"),
        _slip(dt.date(2025, 5, 25), "3000", "300", tax_code="1257L"),
        _slip(dt.date(2025, 6, 25), "3000", "400", tax_code="1100L"),
    ]
    position = year_position(YEAR, employments_for_year(YEAR, slips, [], []))
    (changed,) = [d for d in position.drivers if d.code == "code_changed"]
    assert "1257L → 1100L" in changed.text


def test_the_p60_is_preferred_then_hmrc_then_the_payslips() -> None:
    slips = [_slip(dt.date(2025, 4, 25), "1000", "100", employer="Acme Ltd")]
    p60 = P60(YEAR, "Acme Ltd", D("12000"), D("1200"), D("0"))
    hmrc = HmrcEmployment(YEAR, "123/A", "Acme Ltd", D("11000"), D("1100"))
    assert employments_for_year(YEAR, slips, [p60], [hmrc])[0].basis is Basis.P60
    assert employments_for_year(YEAR, slips, [], [hmrc])[0].basis is Basis.HMRC
    assert employments_for_year(YEAR, slips, [], [])[0].basis is Basis.PAYSLIPS
    (only_hmrc,) = employments_for_year(YEAR, [], [], [hmrc])
    assert (only_hmrc.pay, only_hmrc.tax) == (D("11000"), D("1100"))


def test_the_current_year_is_projected_to_5_april() -> None:
    """Eight monthly payslips (April to November) of £5,000 with £790 tax: four paydays left,
    so £60,000 pay and 12 x 790 = £9,480 tax. Owed on £60,000: 47,430 taxable; 7,540 +
    9,730 x 40% = 3,892; 11,432. A bill of about £1,952 if pay stays as it is."""
    slips = [_slip(dt.date(2025, month, 25), "5000", "790") for month in range(4, 12)]
    position = project_year(YEAR, employments_for_year(YEAR, slips, [], []))
    assert position.projected
    assert position.employment_income == D("60000")
    assert position.tax_deducted == D("9480")
    assert position.expected_refund == D("-1952")
    assert "if your pay stays as it is" in position.headline()


def test_a_stated_bonus_is_projected_at_paye_s_marginal_rate() -> None:
    """As above plus a £20,000 bonus: £80,000 leaves 67,430 taxable, in the 40% band, so PAYE
    takes 8,000 of the bonus. Owed on £80,000: 7,540 + 29,730 x 40% = 11,892; 19,432.
    Deducted 9,480 + 8,000 = 17,480: still a bill of £1,952."""
    slips = [_slip(dt.date(2025, month, 25), "5000", "790") for month in range(4, 12)]
    profile = YearProfile(YEAR, expected_bonus=D("20000"))
    position = project_year(YEAR, employments_for_year(YEAR, slips, [], []), profile)
    assert position.employment_income == D("80000")
    assert position.liability.income_tax == D("19432")
    assert position.expected_refund == D("-1952")


def test_profiles_round_trip_and_refuse_bad_amounts() -> None:
    profile = YearProfile(
        YEAR,
        region=Region.SCOTLAND,
        gift_aid_payments=D("800"),
        student_loan_plans=(StudentLoanPlan.PLAN2, StudentLoanPlan.POSTGRADUATE),
    )
    assert profiles_from_json(profiles_to_json([profile])) == {YEAR: profile}
    from hmrc_sync.yearend.profile import ProfileError, money_of

    with pytest.raises(ProfileError, match="0 or more"):
        money_of("--gift-aid", "-5")
    with pytest.raises(ProfileError, match="not an amount"):
        money_of("--gift-aid", "lots")


def test_a_code_that_lagged_leaves_a_bill_and_is_named() -> None:
    """£10,000 a month (£120,000). HMRC's code for the taper (257L: 12,570 - 10,000 = 2,570
    of allowance) reached payroll only in month 10, on a month-1 basis, so months 1-9 were
    taxed on 1257L and the shortfall was never caught up. Owed for the year: taxable
    120,000 - 2,570 = 117,430; 37,700 x 20% = 7,540 + 79,730 x 40% = 31,892; 39,432.
    PAYE: months 1-9 on 1257L, each about (10,000 - 1,047.50 free pay): 3,141.67 x 20% =
    628.33 + 5,810.83 x 40% = 2,324.33, so £2,952.66 (the tables give £2,952.06-£2,952.47);
    months 10-12 on 257L month 1: free pay 214.92, 628.33 + 6,643.41 x 40% = 2,657.36, so
    about £3,285.69 each. Deducted about 26,572 + 9,857 = £36,429: a bill of about £3,003,
    and both the taper and the code change are named."""
    from hmrc_sync.paye import tax_for_period

    slips, paid = [], D(0)
    for month in range(1, 13):
        code, m1 = ("1257L", False) if month <= 9 else ("257L", True)
        tax = tax_for_period(YEAR, code, "monthly", month, D("10000"), D("10000") * month, paid, m1)
        paid += tax
        day = dt.date(2025 + (month > 9), (month + 2) % 12 + 1, 25)
        slips.append(_slip(day, "10000", str(tax), tax_code=f"{code} M1" if m1 else code))
    position = year_position(YEAR, employments_for_year(YEAR, slips, [], []))
    assert position.liability.income_tax == D("39432")
    assert position.tax_deducted == paid
    assert D("-3010") < position.expected_refund < D("-3000")
    assert position.outcome is Outcome.BILL
    assert {"taper", "code_changed"} <= _codes(position.drivers)


def test_a_plan_and_a_postgraduate_loan_are_each_compared_with_their_own_deductions() -> None:
    """Twelve months of £3,000 (£36,000). Plan 2 due: floor((36,000 - 28,470) x 9%) = 677;
    postgraduate due: floor((36,000 - 21,000) x 6%) = 900. Payroll took £56 and £75 a month
    (£672 and £900)."""
    slips = [
        _slip(
            dt.date(2025 + (m > 9), (m + 2) % 12 + 1, 25),
            "3000",
            "0",
            student_loan=D("56"),
            postgraduate_loan=D("75"),
        )
        for m in range(1, 13)
    ]
    plans = (StudentLoanPlan.PLAN2, StudentLoanPlan.POSTGRADUATE)
    position = year_position(
        YEAR, employments_for_year(YEAR, slips, [], []), YearProfile(YEAR, student_loan_plans=plans)
    )
    loans = {loan.plan: (loan.due, loan.deducted) for loan in position.loans}
    assert loans == {
        StudentLoanPlan.PLAN2: (D("677"), D("672")),
        StudentLoanPlan.POSTGRADUATE: (D("900"), D("900")),
    }
