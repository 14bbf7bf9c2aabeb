"""Class 1 NI: categories, regimes by payment date, per-band rounding.

Expected figures are worked by hand from paye-domain.md 3.1 (rates and thresholds) and 3.3
(method and rounding); the working is in the comments.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from hmrc_sync.paye import (
    AmountError,
    FrequencyError,
    NiCategoryError,
    PayeInputError,
    RatesNotFoundError,
    ni_for_period,
)

D = Decimal


def ni(day: str, category: str, frequency: str, pay: str) -> tuple[D, D]:
    return ni_for_period(dt.date.fromisoformat(day), category, frequency, D(pay))


def test_hmrcs_2020_21_worked_example() -> None:
    # paye-domain.md 3.3 [EOI-NI]: £1,000 a week, category A: employee 94.24 =
    # (962 - 183) x 12% + (1,000 - 962) x 2%; employer 114.67 = 109.43 + 5.24, the part
    # above the UEL rounded on its own (one multiplication would give 114.68).
    assert ni("2020-06-01", "A", "weekly", "1000") == (D("94.24"), D("114.67"))


@pytest.mark.parametrize(("pay", "employee"), [("1048.07", "0.00"), ("1048.08", "0.01")])
def test_third_decimal_of_five_or_less_rounds_down(pay: str, employee: str) -> None:
    # paye-domain.md 3.3: 0.07 x 8% = 0.0056 -> 0.00; 0.08 x 8% = 0.0064 -> 0.01.
    assert ni("2025-05-06", "A", "monthly", pay)[0] == D(employee)


@pytest.mark.parametrize(
    ("day", "employee", "employer"),
    [
        # £500 a week. 6 Apr-5 Jul 2022: PT 190, 13.25%: 310 x 13.25% = 41.075 -> 41.07;
        # employer (500 - 175) x 15.05% = 48.9125 -> 48.91.
        ("2022-07-05", "41.07", "48.91"),
        # From 6 Jul 2022 the PT is 242: 258 x 13.25% = 34.185 -> 34.18.
        ("2022-07-06", "34.18", "48.91"),
        ("2022-11-05", "34.18", "48.91"),
        # From 6 Nov 2022 back to 12% / 13.8%: 258 x 12% = 30.96; 325 x 13.8% = 44.85.
        ("2022-11-06", "30.96", "44.85"),
        ("2024-01-05", "30.96", "44.85"),
        # From 6 Jan 2024, 10%: 25.80. 2024-25, 8%: 20.64.
        ("2024-01-06", "25.80", "44.85"),
        ("2024-04-06", "20.64", "44.85"),
        # 2025-26: ST 96, employer 15%: 404 x 15% = 60.60.
        ("2025-04-06", "20.64", "60.60"),
    ],
)
def test_in_year_changes_follow_the_payment_date(day: str, employee: str, employer: str) -> None:
    assert ni(day, "A", "weekly", "500") == (D(employee), D(employer))


@pytest.mark.parametrize(
    ("day", "employee"),
    [
        ("2022-05-06", "154.57"),  # (3,000 - 823) x 7.1% = 154.567
        ("2022-12-06", "114.19"),  # (3,000 - 1,048) x 5.85% = 114.192
        ("2024-02-06", "75.15"),  # x 3.85% = 75.152 (not Payetools' 5.85%)
        ("2024-05-06", "36.11"),  # x 1.85% = 36.112
    ],
)
def test_married_womens_reduced_rate_by_payment_date(day: str, employee: str) -> None:
    assert ni(day, "B", "monthly", "3000")[0] == D(employee)


# Monthly £5,000 in 2024-25 (PT 1,048, ST 758, UEL 4,189, 8% / 2%, employer 13.8%):
#   main rate to UEL (4,189 - 1,048) x 8% = 251.28; above UEL 811 x 2% = 16.22;
#   deferment (4,189 - 1,048) x 2% = 62.82; reduced (B) 3,141 x 1.85% = 58.1085 -> 58.11;
#   employer (4,189 - 758) x 13.8% = 473.478 -> 473.48 plus 811 x 13.8% = 111.918 -> 111.92.
@pytest.mark.parametrize(
    ("category", "employee", "employer"),
    [
        ("A", "267.50", "585.40"),
        ("B", "74.33", "585.40"),
        ("C", "0.00", "585.40"),
        ("H", "267.50", "111.92"),
        ("J", "79.04", "585.40"),
        ("M", "267.50", "111.92"),
        ("V", "267.50", "111.92"),
        ("Z", "79.04", "111.92"),
        ("X", "0.00", "0.00"),
        # Freeport / investment zone: employer 0% up to £2,083 a month, then 13.8%:
        # (4,189 - 2,083) x 13.8% = 290.628 -> 290.63, plus 111.92.
        ("F", "267.50", "402.55"),
        ("I", "74.33", "402.55"),
        ("L", "79.04", "402.55"),
        ("S", "0.00", "402.55"),
        ("N", "267.50", "402.55"),
        ("E", "74.33", "402.55"),
        ("D", "79.04", "402.55"),
        ("K", "0.00", "402.55"),
    ],
)
def test_each_category(category: str, employee: str, employer: str) -> None:
    assert ni("2024-06-06", category, "monthly", "5000") == (D(employee), D(employer))


def test_below_the_thresholds_nothing_is_due() -> None:
    assert ni("2024-06-06", "A", "monthly", "758") == (D("0.00"), D("0.00"))


def test_employer_pays_from_the_st_even_below_the_lel_from_2025_26() -> None:
    # Weekly £120: below the £125 LEL but above the £96 ST: 24 x 15% = 3.60.
    assert ni("2025-06-06", "A", "weekly", "120") == (D("0.00"), D("3.60"))


def test_two_and_four_weekly_use_hmrcs_rounded_thresholds() -> None:
    # 2025-26 four-weekly PT is £967 (not 4 x 242 = 968): £968 gives 1 x 8% = 0.08.
    assert ni("2025-06-06", "A", "four_weekly", "968")[0] == D("0.08")
    # Two-weekly ST is £193 (not 2 x 96 = 192): £193 gives no employer NI.
    assert ni("2025-06-06", "A", "fortnightly", "193")[1] == D("0.00")


def test_2016_17_rounds_the_pt_to_st_band_on_its_own() -> None:
    # 2016-17 is the one year here with the ST (676 a month) above the PT (672). Monthly
    # £676.04, category B: 4 x 5.85% = 0.234 -> 0.23 and 0.04 x 5.85% = 0.0023 -> 0.00,
    # total 0.23 (one band would give 4.04 x 5.85% = 0.2363 -> 0.24).
    assert ni("2016-06-06", "B", "monthly", "676.04") == (D("0.23"), D("0.00"))


@pytest.mark.parametrize(
    ("day", "category", "since"),
    [
        ("2022-04-05", "V", "2022-04-06"),
        ("2021-06-06", "F", "2022-04-06"),
        ("2023-06-06", "N", "2024-04-06"),
    ],
)
def test_letters_are_refused_before_they_existed(day: str, category: str, since: str) -> None:
    with pytest.raises(NiCategoryError, match=f"only used for payments from {since}"):
        ni(day, category, "monthly", "1000")


def test_letters_are_case_insensitive_and_datetimes_are_accepted() -> None:
    moment = dt.datetime(2024, 6, 6, 12, 0, tzinfo=dt.UTC)
    assert ni_for_period(moment, "a", "monthly", D(5000)) == (D("267.50"), D("585.40"))


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        (("2024-06-06", "Q", "monthly", "1"), NiCategoryError, "use one of A, B, C, H, J"),
        (("2024-06-06", "A", "yearly", "1"), FrequencyError, "use one of 'weekly'"),
        (("2024-06-06", "A", "monthly", "-1"), AmountError, "must not be negative"),
        (("2016-04-05", "A", "monthly", "1"), RatesNotFoundError, "2016-04-06 to 2027-04-05"),
    ],
)
def test_invalid_input_says_what_is_accepted(
    args: tuple[str, str, str, str], error: type[PayeInputError], message: str
) -> None:
    with pytest.raises(error, match=message) as raised:
        ni(*args)
    assert isinstance(raised.value, ValueError)


def test_pay_date_must_be_a_date() -> None:
    with pytest.raises(PayeInputError, match=r"must be a datetime\.date"):
        ni_for_period("2024-06-06", "A", "monthly", D(1))  # type: ignore[arg-type]
