from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hmrc_sync.taxyear import TaxYear, TaxYearError, uk_today


@pytest.mark.parametrize(
    "text", ["2024-25", "2024/25", "2024-2025", "2024/2025", "2024", " 2024-25 "]
)
def test_every_accepted_form_parses_to_the_same_year(text: str) -> None:
    assert TaxYear.parse(text) == TaxYear(2024)


def test_renders_hmrc_and_storage_forms() -> None:
    year = TaxYear(2024)
    assert year.hmrc == "2024-25"
    assert year.storage == "2024/25"
    assert str(year) == "2024-25"


def test_century_turn_renders_two_digits() -> None:
    assert TaxYear(1999).hmrc == "1999-00"
    assert TaxYear.parse("1999-00") == TaxYear(1999)
    assert TaxYear(2009).storage == "2009/10"


@pytest.mark.parametrize(
    ("today", "current", "previous"),
    [
        (dt.date(2025, 4, 5), 2024, 2023),
        (dt.date(2025, 4, 6), 2025, 2024),
        (dt.date(2026, 1, 1), 2025, 2024),
    ],
)
def test_current_and_previous_turn_on_6_april(today: dt.date, current: int, previous: int) -> None:
    assert TaxYear.parse("current", today=today) == TaxYear(current)
    assert TaxYear.parse("CURRENT", today=today) == TaxYear(current)
    assert TaxYear.parse("previous", today=today) == TaxYear(previous)


def test_current_follows_the_uk_date_not_utc() -> None:
    # 23:30 UTC on 5 April 2025 is 00:30 BST on 6 April: the new year in the UK.
    late = dt.datetime(2025, 4, 5, 23, 30, tzinfo=dt.UTC)
    assert uk_today(late) == dt.date(2025, 4, 6)
    assert TaxYear.current(late) == TaxYear(2025)
    # In winter the UK is on GMT: 23:30 UTC on 5 Jan is still 5 Jan.
    assert uk_today(dt.datetime(2025, 1, 5, 23, 30, tzinfo=dt.UTC)) == dt.date(2025, 1, 5)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2024-26", "ends in 2025, so write 2024-25"),
        ("2024/2026", "ends in 2025"),
        ("24/25x", "is not a tax year"),
        ("1899", "out of range"),
        ("", "empty tax year"),
        ("last", "is not a tax year"),
        ("20245", "is not a tax year"),
    ],
)
def test_rejected_forms_say_why(text: str, message: str) -> None:
    with pytest.raises(TaxYearError, match=message) as info:
        TaxYear.parse(text)
    if text.strip():
        assert (
            "use 'current'" in str(info.value)
            or "ends in" in str(info.value)
            or "range" in str(info.value)
        )


def test_first_and_last_day_and_membership() -> None:
    year = TaxYear(2024)
    assert year.first_day == dt.date(2024, 4, 6)
    assert year.last_day == dt.date(2025, 4, 5)
    assert dt.date(2024, 4, 6) in year
    assert dt.date(2025, 4, 5) in year
    assert dt.date(2024, 4, 5) not in year
    assert dt.date(2025, 4, 6) not in year


@pytest.mark.parametrize(
    ("day", "month"),
    [
        (dt.date(2024, 4, 6), 1),
        (dt.date(2024, 5, 5), 1),
        (dt.date(2024, 5, 6), 2),
        (dt.date(2024, 12, 25), 9),
        (dt.date(2025, 1, 5), 9),
        (dt.date(2025, 1, 6), 10),
        (dt.date(2025, 3, 6), 12),
        (dt.date(2025, 4, 5), 12),
    ],
)
def test_tax_month(day: dt.date, month: int) -> None:
    assert TaxYear(2024).tax_month(day) == month


@pytest.mark.parametrize(
    ("day", "week"),
    [
        (dt.date(2024, 4, 6), 1),
        (dt.date(2024, 4, 12), 1),
        (dt.date(2024, 4, 13), 2),
        (dt.date(2025, 3, 28), 51),
        (dt.date(2025, 4, 4), 52),
        (dt.date(2025, 4, 5), 53),
    ],
)
def test_tax_week(day: dt.date, week: int) -> None:
    assert TaxYear(2024).tax_week(day) == week


def test_week_53_has_two_days_in_a_leap_year() -> None:
    # 2023-24 contains 29 February 2024: 366 days, so weeks 53 holds 4 and 5 April.
    assert TaxYear(2023).tax_week(dt.date(2024, 4, 4)) == 53
    assert TaxYear(2023).tax_week(dt.date(2024, 4, 3)) == 52


def test_period_of_a_date_outside_the_year_is_refused() -> None:
    with pytest.raises(TaxYearError, match="not in tax year 2024-25"):
        TaxYear(2024).tax_month(dt.date(2025, 4, 6))


def test_ordering_and_navigation() -> None:
    assert TaxYear(2023) < TaxYear(2024)
    assert TaxYear(2024).previous() == TaxYear(2023)
    assert TaxYear(2024).next() == TaxYear(2025)
    assert TaxYear(2024).last(3) == [TaxYear(2024), TaxYear(2023), TaxYear(2022)]


@given(st.dates(min_value=dt.date(1946, 1, 1), max_value=dt.date(2098, 1, 1)))
def test_every_date_lies_in_exactly_its_tax_year(day: dt.date) -> None:
    year = TaxYear.containing(day)
    assert day in year
    assert day not in year.previous()
    assert day not in year.next()
    assert 1 <= year.tax_month(day) <= 12
    assert 1 <= year.tax_week(day) <= 53
    assert TaxYear.parse(year.hmrc) == year
    assert TaxYear.parse(year.storage) == year
