"""The reconciler's parts: statuses from candidates, employer matching, periods and gaps."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from hmrc_sync.paye import Frequency
from hmrc_sync.reconcile import Code, Explanation, Status
from hmrc_sync.reconcile.explain import decide, money
from hmrc_sync.reconcile.matching import employer_key, names_match, pair_up, plausibly_same
from hmrc_sync.reconcile.periods import build_periods, find_gaps, last_expected_period, period_of
from hmrc_sync.taxyear import TaxYear
from tests.unit.reconcile.payroll import run_payroll

D = Decimal
YEAR = TaxYear(2024)


def _candidate(code: Code, amount: str) -> Explanation:
    return Explanation(code, code.value, D(amount))


def test_decide_matches_within_the_tolerance_and_explains_with_the_smallest_set() -> None:
    assert decide(D("0.99"), [], D("1.00")) == (Status.MATCH, ())
    candidates = [
        _candidate(Code.MISSING_PERIOD, "100.00"),
        _candidate(Code.DUPLICATE_PERIOD, "-40.00"),
        _candidate(Code.RSU_NOTIONAL_PAY, "60.00"),
    ]
    status, why = decide(D("60.50"), candidates, D("1.00"))
    assert status is Status.EXPLAINED
    assert [e.code for e in why] == [Code.RSU_NOTIONAL_PAY], "one candidate beats two"
    status, why = decide(D("120.00"), candidates, D("1.00"))
    assert {e.code for e in why} == {
        Code.MISSING_PERIOD,
        Code.DUPLICATE_PERIOD,
        Code.RSU_NOTIONAL_PAY,
    }


def test_decide_reports_a_mismatch_with_what_it_considered() -> None:
    status, why = decide(D("-25.00"), [_candidate(Code.MISSING_PERIOD, "100.00")], D("1.00"))
    assert status is Status.MISMATCH
    (note,) = why
    assert note.code is None
    assert note.text.startswith("the payslips are £25.00 higher than the reference figure")
    assert "(considered: missing_period" in note.text


def test_decide_merges_candidates_beyond_the_search_limit() -> None:
    many = [_candidate(Code.MISSING_PERIOD, "10.00") for _ in range(20)]
    status, why = decide(D("200.00"), [*many, _candidate(Code.SALARY_SACRIFICE, "-5")], D("1"))
    assert status is Status.EXPLAINED
    assert [e.code for e in why] == [Code.MISSING_PERIOD]


def test_money_formatting() -> None:
    assert (money(D("1234.5")), money(D("-0.01"))) == ("£1,234.50", "-£0.01")


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Meta", "META PLATFORMS IRELAND LTD", True),
        ("Acme Ltd", "ACME LIMITED", True),
        ("Marks & Spencer plc", "Marks and Spencer", True),
        ("Acme Ltd", "Acme Widgets Ltd", True),
        ("Acme Ltd", "Apex Ltd", False),
        ("Acme", None, False),
        ("Ltd", "Ltd", True),
    ],
)
def test_employer_names(a: str, b: str | None, same: bool) -> None:
    assert names_match(a, b) is same


def test_employer_key_prefers_the_paye_reference() -> None:
    assert employer_key("Acme", " 123/ab ") == "ref:123/AB"
    assert employer_key("ACME Limited", None) == employer_key("Acme Ltd.", None)


def test_pair_up_rules_in_order() -> None:
    left = ["ref:1", "Acme", "Renamed Co"]
    right = ["ref:1", "ACME LTD", "Old Name Co"]
    pairs, rest_left, rest_right = pair_up(
        left,
        right,
        lambda a, b: a.startswith("ref:") and a == b,
        names_match,
        lambda a, b: True,
    )
    assert pairs == [("ref:1", "ref:1"), ("Acme", "ACME LTD"), ("Renamed Co", "Old Name Co")]
    assert (rest_left, rest_right) == ([], [])
    _, rest_left, rest_right = pair_up(
        ["X"], ["Y"], lambda a, b: False, names_match, lambda a, b: False
    )
    assert (rest_left, rest_right) == (["X"], ["Y"])


def test_plausibly_same() -> None:
    assert plausibly_same("Facebook UK", "Meta Platforms", D("100000"), D("90000"))
    assert not plausibly_same("Facebook UK", "Meta Platforms", D("100000"), D("50000"))
    assert plausibly_same("Acme Widgets", "Acme Holdings", None, None)


@pytest.mark.parametrize(
    ("day", "frequency", "period"),
    [
        (dt.date(2024, 4, 6), Frequency.MONTHLY, 1),
        (dt.date(2024, 5, 5), Frequency.MONTHLY, 1),
        (dt.date(2024, 5, 6), Frequency.MONTHLY, 2),
        (dt.date(2025, 4, 5), Frequency.MONTHLY, 12),
        (dt.date(2024, 4, 12), Frequency.WEEKLY, 1),
        (dt.date(2024, 4, 13), Frequency.WEEKLY, 2),
        (dt.date(2024, 4, 19), Frequency.FORTNIGHTLY, 1),
        (dt.date(2024, 4, 20), Frequency.FORTNIGHTLY, 2),
        (dt.date(2024, 5, 3), Frequency.FOUR_WEEKLY, 1),
        (dt.date(2024, 5, 4), Frequency.FOUR_WEEKLY, 2),
        (dt.date(2025, 4, 5), Frequency.WEEKLY, 53),
    ],
)
def test_period_of(day: dt.date, frequency: Frequency, period: int) -> None:
    assert period_of(day, frequency, YEAR) == period


def test_gaps_duplicates_and_the_last_period_due() -> None:
    payroll = run_payroll()
    slips = payroll.payslips(skip=[1, 2, 5, 6, 7, 12])
    periods, usual = build_periods([*slips, slips[0]], YEAR, Frequency.MONTHLY)
    assert usual is Frequency.MONTHLY
    assert [p.duplicate_of is not None for p in periods].count(True) == 1
    unique = [p for p in periods if p.duplicate_of is None]
    leading, inner, trailing = find_gaps(unique, 12)
    assert leading is not None
    assert (leading.first, leading.last) == (1, 2)
    assert [(g.first, g.last, g.count) for g in inner] == [(5, 7, 3)]
    assert trailing is not None
    assert (trailing.first, trailing.last) == (12, 12)
    assert inner[0].describe(Frequency.MONTHLY) == "tax months 5-7"
    assert last_expected_period(Frequency.MONTHLY, YEAR, dt.date(2024, 9, 1)) == 5
    assert last_expected_period(Frequency.MONTHLY, YEAR, dt.date(2026, 1, 1)) == 12
    assert last_expected_period(Frequency.WEEKLY, YEAR, None) == 52
    _, _, none_due = find_gaps(unique, 5)
    assert none_due is None
