"""The scenario suite: payslip years with every line, each built the way a payroll produces it
(``full_payroll``), with the expected status of every finding and the exit code.

Correct years must never raise a ``mismatch`` (no false alarm); years with an employer's
error must never exit 0 (no false reassurance). Expectations name a finding by
``scope:metric`` for payslips (``slip:tax``) and ``year:metric:basis`` for the year's sums;
every finding not named must be a ``match``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

import pytest

from hmrc_sync.errors import ExitCode
from hmrc_sync.reconcile import (
    Finding,
    ReconcileInput,
    ReconcileResult,
    Status,
    YearAvailability,
    reconcile,
)
from hmrc_sync.taxyear import TaxYear
from tests.unit.reconcile.full_payroll import Job, Year, run_year

D = Decimal
M, E, R, X = Status.MATCH, Status.EXPLAINED, Status.REVIEW, Status.MISMATCH
Expect = Mapping[str, Status | Mapping[int, Status]]


@dataclass(frozen=True)
class Scenario:
    name: str
    jobs: tuple[Job, ...]
    expect: Expect = field(default_factory=dict)
    exit: ExitCode = ExitCode.OK
    with_p60: bool = False
    hmrc: bool = True


def _key(finding: Finding) -> str:
    if finding.scope.value == "payslip":
        return f"slip:{finding.metric.value}"
    return f"year:{finding.metric.value}:{finding.basis.value}"


def _run(scenario: Scenario) -> tuple[ReconcileResult, list[Year]]:
    years = [run_year(job) for job in scenario.jobs]
    tax_year = scenario.jobs[0].year
    refs = [f"{i}/AB{i}" for i in range(len(years))]
    result = reconcile(
        ReconcileInput(
            tax_years=(tax_year,),
            hmrc=tuple(y.hmrc(ref) for y, ref in zip(years, refs, strict=True))
            if scenario.hmrc
            else (),
            availability={tax_year: YearAvailability.AVAILABLE},
            payslips=tuple(s for y in years for s in y.payslips),
            p60s=tuple(y.p60() for y in years if scenario.with_p60),
        )
    )
    return result, years


def _expected(scenario: Scenario, finding: Finding) -> Status:
    wanted = scenario.expect.get(_key(finding), M)
    if isinstance(wanted, Status):
        return wanted
    return wanted.get(finding.tax_period or 0, M)


Y22, Y23, Y24, Y25, Y26 = (TaxYear(y) for y in (2022, 2023, 2024, 2025, 2026))
HIGH = D("4200.00")
NI_ALL_X = {"slip:ni": X, "year:ni:expected": X}
NI_ALL_R = {"slip:ni": R, "year:ni:expected": R}

OLD_JOB = Job(employer="OldCo Ltd", last=6, pay=HIGH)

CORRECT = [
    Scenario("monthly 2024-25", (Job(),)),
    Scenario("weekly 2024-25", (Job(frequency="weekly", pay=D("700.00")),)),
    Scenario("monthly 2022-23 (three NI regimes)", (Job(year=Y22, pay=HIGH),)),
    Scenario("monthly 2023-24 (NI cut in January)", (Job(year=Y23, pay=HIGH),)),
    Scenario("monthly 2025-26", (Job(year=Y25),)),
    Scenario("monthly 2026-27", (Job(year=Y26, pay=HIGH),)),
    Scenario("fortnightly 2025-26", (Job(year=Y25, frequency="fortnightly", pay=D("1500.00")),)),
    Scenario("four-weekly 2025-26", (Job(year=Y25, frequency="four_weekly", pay=D("2800.00")),)),
    Scenario("weekly with a week 53", (Job(frequency="weekly", pay=D("700.00"), last=53),)),
    Scenario(
        "fortnightly with a week 54",
        (Job(year=Y25, frequency="fortnightly", pay=D("1500.00"), last=27),),
    ),
    Scenario(
        "four-weekly with a week 56",
        (Job(year=Y25, frequency="four_weekly", pay=D("2800.00"), last=14),),
    ),
    Scenario("Plan 1 loan printed", (Job(plan="plan1"),)),
    Scenario(
        "Plan 2 loan, weekly 2023-24",
        (Job(year=Y23, frequency="weekly", pay=D("800.00"), plan="plan2"),),
    ),
    Scenario("Plan 4 loan 2025-26", (Job(year=Y25, pay=HIGH, plan="plan4"),)),
    Scenario("Plan 5 loan 2026-27", (Job(year=Y26, plan="plan5"),)),
    Scenario("Plan 2 and postgraduate loans", (Job(pay=HIGH, plan="plan2", postgraduate=True),)),
    Scenario(
        "net-pay pension without a taxable-pay line",
        (Job(pension=D("200.00"), pension_type="net_pay", show_taxable=False),),
        expect={"year:gross:hmrc": E},
    ),
    Scenario(
        "net-pay pension with taxable pay and a loan",
        (Job(pension=D("200.00"), pension_type="net_pay", plan="plan1"),),
        expect={"year:gross:hmrc": E},
    ),
    Scenario(
        "salary-sacrifice pension",
        (Job(pension=D("250.00"), pension_type="salary_sacrifice", plan="plan2", pay=HIGH),),
    ),
    Scenario(
        "relief-at-source pension", (Job(pension=D("160.00"), pension_type="relief_at_source"),)
    ),
    Scenario(
        "payrolled benefits, no taxable-pay line",
        (Job(benefits=D("150.00"), show_taxable=False),),
        expect={"year:gross:hmrc": E},
    ),
    Scenario(
        "payrolled benefits with taxable and NIable pay printed",
        (Job(benefits=D("150.00"), print_niable=True, plan="plan1"),),
        expect={"year:gross:hmrc": E},
    ),
    Scenario(
        "payrolled benefits with a taxable-pay line only",
        (Job(benefits=D("150.00")),),
        expect={"year:gross:hmrc": E},
    ),
    Scenario(
        "net-pay pension whose kind the payslip does not say",
        (
            Job(
                pension=D("200.00"),
                pension_type="net_pay",
                print_pension_type=False,
                show_taxable=False,
            ),
        ),
        expect={"slip:tax": R, "year:taxable_pay:hmrc": R, "year:gross:hmrc": R},
        exit=ExitCode.REVIEW,
    ),
    Scenario("director, standard annual method", (Job(pay=HIGH, director="standard_annual"),)),
    Scenario("director, alternative method", (Job(pay=HIGH, director="alternative"),)),
    Scenario(
        "director 2022-23 (blended annual rates)",
        (Job(year=Y22, pay=HIGH, director="standard_annual"),),
    ),
    Scenario(
        "director appointed in month 7 (pro-rata)",
        (Job(pay=HIGH, director="standard_annual", director_from=7),),
    ),
    Scenario(
        "payment after leaving",
        (Job(last=6, after_leaving=8),),
        hmrc=True,
    ),
    Scenario("Scottish code", (Job(code="S1257L", pay=HIGH),)),
    Scenario("category C printed (over State Pension age)", (Job(category="C"),)),
    Scenario("category J printed (deferred)", (Job(category="J", pay=HIGH),)),
    Scenario("K code", (Job(code="K100", pay=HIGH),)),
    Scenario(
        "printed code change in month 7",
        (Job(code={p: "1100L" if p < 7 else "1257L" for p in range(1, 13)}),),
    ),
    Scenario(
        "job change: YTD excludes the P45, P60 records previous pay",
        (Job(first=7, previous_pay=D("18000.00"), previous_tax=D("2500.00"), pay=HIGH),),
        expect={"slip:tax": E, "year:taxable_pay:p60": E, "year:tax:p60": E},
        with_p60=True,
    ),
    Scenario(
        "job change: the previous job's payslips are on record",
        (
            OLD_JOB,
            Job(
                employer="NewCo Ltd",
                first=7,
                pay=HIGH,
                previous_pay=run_year(OLD_JOB).taxable,
                previous_tax=run_year(OLD_JOB).tax,
            ),
        ),
        expect={"slip:tax": dict.fromkeys(range(7, 13), E)},
    ),
]

ERRORS = [
    Scenario(
        "old code kept although the payslips print the new one",
        (
            Job(
                code={p: "1257L" if p < 4 else "1100L" for p in range(1, 13)},
                code_used="1257L",
            ),
        ),
        expect={"slip:tax": dict.fromkeys(range(4, 13), X)},
        exit=ExitCode.MISMATCH,
    ),
    Scenario(
        "emergency code on month 1 although the payslips print 1100L",
        (Job(code="1100L", code_used="1257L", month1_used=True, pay=HIGH),),
        expect={"slip:tax": X},
        exit=ExitCode.MISMATCH,
    ),
    Scenario(
        "tax on pay before the salary sacrifice (code printed)",
        (
            Job(
                pension=D("300.00"),
                pension_type="salary_sacrifice",
                tax_on_pay_before_sacrifice=True,
            ),
        ),
        expect={"slip:tax": X},
        exit=ExitCode.MISMATCH,
    ),
    Scenario(
        "tax on pay before the salary sacrifice (no code printed)",
        (
            Job(
                pension=D("300.00"),
                pension_type="salary_sacrifice",
                tax_on_pay_before_sacrifice=True,
                print_code=False,
            ),
        ),
        expect={"slip:tax": R},
        exit=ExitCode.REVIEW,
    ),
    Scenario(
        "category C applied to a 35-year-old (A printed)",
        (Job(category_used="C"),),
        expect=NI_ALL_X,
        exit=ExitCode.MISMATCH,
    ),
    Scenario(
        "J rate under a printed A",
        (Job(category_used="J", pay=HIGH),),
        expect=NI_ALL_X,
        exit=ExitCode.MISMATCH,
    ),
    Scenario(
        "J rate with no category printed",
        (Job(category_used="J", pay=HIGH, print_category=False),),
        expect=NI_ALL_R,
        exit=ExitCode.REVIEW,
    ),
    Scenario(
        "Plan 5 deducted a year early",
        (Job(year=Y25, pay=HIGH, plan="plan5", plan_used="plan2"),),
        expect={"slip:student_loan": X},
        exit=ExitCode.MISMATCH,
    ),
    Scenario(
        "stale Plan 1 threshold",
        (Job(plan="plan1", loan_threshold_shift=D("248.00")),),
        expect={"slip:student_loan": X},
        exit=ExitCode.MISMATCH,
    ),
    Scenario(
        "Plan 2 deducted although the payslip says Plan 1",
        (Job(plan="plan1", plan_used="plan2", pay=HIGH),),
        expect={"slip:student_loan": X},
        exit=ExitCode.MISMATCH,
    ),
    Scenario(
        "loan with no plan printed fits one plan",
        (Job(plan="plan1", print_plan=False),),
        expect={"slip:student_loan": R},
        exit=ExitCode.REVIEW,
    ),
    Scenario(
        "NI worked on pay including payrolled benefits",
        (Job(benefits=D("400.00"), ni_on_benefits=True),),
        expect={**NI_ALL_X, "year:gross:hmrc": E},
        exit=ExitCode.MISMATCH,
    ),
    Scenario(
        "net pay short of gross less deductions",
        (Job(net_short=D("25.00")),),
        expect={"slip:net_pay": X},
        exit=ExitCode.MISMATCH,
    ),
    Scenario(
        "missing payslip with no year-to-date figures",
        (Job(skip=(5,), extra={"ytd_taxable_pay": None, "ytd_tax_paid": None}),),
        expect={
            "slip:tax": dict.fromkeys(range(6, 13), R),
            "year:taxable_pay:hmrc": R,
            "year:gross:hmrc": R,
            "year:tax:hmrc": R,
            "year:ni:ytd": E,
        },
        exit=ExitCode.REVIEW,
    ),
    Scenario(
        "director's NI worked as an ordinary employee's",
        (Job(pay=D("6000.00"), director="standard_annual", director_as_employee=True),),
        expect={"slip:ni": dict.fromkeys(range(1, 12), X), "year:ni:expected": X},
        exit=ExitCode.MISMATCH,
    ),
    Scenario(
        "payment after leaving taxed cumulatively",
        (Job(last=6, after_leaving=8, after_leaving_cumulative=True),),
        expect={"slip:tax": {8: X}},
        exit=ExitCode.MISMATCH,
    ),
]


def test_a_p60_student_loan_box_that_disagrees_is_a_mismatch() -> None:
    year = run_year(Job(plan="plan1"))
    p60 = year.p60(student_loan=year.p60().student_loan + D("120.00"))  # type: ignore[operator]
    result = reconcile(
        ReconcileInput(
            tax_years=(year.job.year,),
            availability={year.job.year: YearAvailability.AVAILABLE},
            payslips=year.payslips,
            p60s=(p60,),
        )
    )
    (box,) = [f for f in result.mismatches if _key(f) == "year:student_loan:p60"]
    assert box.difference == D("120.00")
    assert "£120.00 higher than the payslips" in (box.explanation_text or "")


def test_an_employer_only_hmrc_knows_is_review() -> None:
    year = run_year(Job())
    other = run_year(Job(employer="Side Gig Ltd", pay=D("400.00")))
    result = reconcile(
        ReconcileInput(
            tax_years=(year.job.year,),
            hmrc=(year.hmrc("1/A"), other.hmrc("2/B")),
            availability={year.job.year: YearAvailability.AVAILABLE},
            payslips=year.payslips,
        )
    )
    assert result.exit_code == ExitCode.REVIEW
    assert {f.status for f in result.findings if f.employer == "SIDE GIG LTD"} == {R}


def _ids(scenarios: list[Scenario]) -> list[str]:
    return [s.name for s in scenarios]


@pytest.mark.parametrize("scenario", CORRECT + ERRORS, ids=_ids(CORRECT + ERRORS))
def test_every_finding_has_its_expected_status(scenario: Scenario) -> None:
    result, _ = _run(scenario)
    wrong = [
        (_key(f), f.tax_period, f.status.value, f.explanation_text)
        for f in result.findings
        if f.status is not _expected(scenario, f)
    ]
    assert not wrong
    assert result.exit_code == scenario.exit


@pytest.mark.parametrize("scenario", CORRECT, ids=_ids(CORRECT))
def test_no_false_alarm(scenario: Scenario) -> None:
    result, _ = _run(scenario)
    assert not result.mismatches


@pytest.mark.parametrize("scenario", ERRORS, ids=_ids(ERRORS))
def test_no_false_reassurance(scenario: Scenario) -> None:
    result, _ = _run(scenario)
    assert result.exit_code is not ExitCode.OK


def test_the_suite_is_big_enough() -> None:
    assert len(CORRECT) + len(ERRORS) >= 40


def test_a_printed_code_contradicted_names_both_codes() -> None:
    result, _ = _run(ERRORS[0])
    texts = [f.explanation_text or "" for f in result.mismatches if f.tax_period == 5]
    assert any("deducted at tax code 1257L" in t and "payslip says 1100L" in t for t in texts)
    assert all("Ask your payroll team" in t for t in texts)


def test_a_wrong_category_is_named_in_plain_words() -> None:
    result, _ = _run(ERRORS[4])
    text = next(f.explanation_text or "" for f in result.mismatches if f.tax_period == 1)
    assert "NI category C (over State Pension age)" in text
    assert "NI category A (standard)" in text


@pytest.mark.parametrize("scenario", CORRECT + ERRORS, ids=_ids(CORRECT + ERRORS))
def test_explanations_are_plain_and_say_what_to_do(scenario: Scenario) -> None:
    result, _ = _run(scenario)
    for finding in result.findings:
        text = finding.explanation_text or ""
        assert "#" not in text, "no internal references such as payslip#3"
        assert "_" not in text.replace("ytd_", ""), f"no internal names: {text}"
        if finding.status in (R, X):
            assert re.search(r"\b(ask|check|tell)\b", text, re.IGNORECASE), text
