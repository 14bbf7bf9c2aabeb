"""PAYE income tax: free pay, bands, codes, bases, limits and refunds.

Expected figures are worked by hand from the rules and rates in paye-domain.md (2.1, 2.4);
the working is in the comments.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from hmrc_sync.paye import (
    AmountError,
    Frequency,
    FrequencyError,
    PayeInputError,
    PeriodError,
    RatesNotFoundError,
    TaxCodeError,
    one_period_free_pay,
    tax_for_period,
)
from hmrc_sync.taxyear import TaxYear

D = Decimal
ZERO = D("0.00")


def monthly(
    code: str, period: int, pay: str, to_date: str, paid: str = "0", *, week1_month1: bool = False
) -> D:
    return tax_for_period(
        "2024-25", code, "monthly", period, D(pay), D(to_date), D(paid), week1_month1
    )


# ------------------------------------------------------------------------------ free pay
@pytest.mark.parametrize(
    ("number", "periods", "expected"),
    [
        (1257, 12, "1048.26"),  # 2 x 416.67 + ceil(2579 / 12 = 214.916..) = 214.92
        (1257, 52, "241.92"),  # 2 x 96.16 + ceil(2579 / 52 = 49.596..) = 49.60
        (585, 12, "488.26"),  # K585: 416.67 + ceil(859 / 12 = 71.583..) = 71.59
        (45, 12, "38.25"),  # ceil(459 / 12 = 38.25)
        (500, 12, "417.42"),  # r = 500: ceil(5009 / 12 = 417.416..)
        (501, 12, "418.26"),  # q = 1, r = 1: 416.67 + ceil(19 / 12 = 1.583..) = 1.59
        (0, 12, "0"),  # 0T
    ],
)
def test_one_period_free_pay_follows_hmrcs_formula(
    number: int, periods: int, expected: str
) -> None:
    assert one_period_free_pay(number, periods) == D(expected)


def test_first_month_on_1257l_is_the_documented_21_40() -> None:
    # paye-domain.md 2.4: £1,156.25 in month 1 on 1257L -> 107.99 taxable -> £107 x 20%.
    assert monthly("1257L", 1, "1156.25", "1156.25") == D("21.40")


# ------------------------------------------------------------------------------ bands
def test_cumulative_higher_rate_uses_prorated_band_limits() -> None:
    # Month 2, pay to date 10,000: U = 10,000 - 2 x 1,048.26 = 7,903.48 -> T = 7,903.
    # Basic limit 37,700 x 2/12 = 6,283.3333 (4 dp), tax at it 7,540 x 2/12 = 1,256.6666.
    # 1,256.6666 + (7,903 - 6,283.3333) x 40% = 1,904.5332... -> 1,904.53.
    assert monthly("1257L", 2, "5000", "10000", "0") == D("1904.53")


def test_additional_rate_applies_above_125140_from_2023_24_but_150000_before() -> None:
    # Month 1 on 0T, pay 11,000: T = 11,000. 2023-24: limits 3,141.6666 and 10,428.3333
    # (125,140 / 12); tax at the second = (7,540 + 87,440 x 40%) / 12 = 3,543.
    # 3,543 + (11,000 - 10,428.3333) x 45% = 3,800.2500... -> 3,800.25.
    later = tax_for_period("2023-24", "0T", "monthly", 1, D(11000), D(11000), ZERO)
    assert later == D("3800.25")
    # 2022-23: 150,000 / 12 = 12,500 > 11,000, so all above 3,141.6666 is at 40%:
    # 628.3333 + (11,000 - 3,141.6666) x 40% = 3,771.6666... -> 3,771.66.
    earlier = tax_for_period("2022-23", "0T", "monthly", 1, D(11000), D(11000), ZERO)
    assert earlier == D("3771.66")


def test_scottish_bands_2024_25() -> None:
    # S1257L month 1, pay 3,000: U = 1,951.74 -> T = 1,951. Monthly limits: starter
    # 2,306/12 = 192.1666, basic 13,991/12 = 1,165.9166, intermediate 31,092/12 = 2,591.
    # Tax at the basic limit: (2,306 x 19% + 11,685 x 20%) / 12 = 2,775.14 / 12 = 231.2616.
    # 231.2616 + (1,951 - 1,165.9166) x 21% = 396.1291... -> 396.12.
    assert monthly("S1257L", 1, "3000", "3000") == D("396.12")
    assert monthly("1257L", 1, "3000", "3000") == D("390.20")  # rUK: 1,951 x 20%


def test_scottish_starter_band_is_19_percent() -> None:
    # S1257L month 1, pay 1,148.26: U = 100 -> T = 100, inside the 192.1666 starter band.
    assert monthly("S1257L", 1, "1148.26", "1148.26") == D("19.00")


@pytest.mark.parametrize("year", ["2019-20", "2021-22", "2024-25", "2026-27"])
@pytest.mark.parametrize("pay", ["900", "3000", "9000", "15000"])
def test_welsh_codes_tax_like_the_rest_of_the_uk(year: str, pay: str) -> None:
    welsh = tax_for_period(year, "C1257L", "monthly", 3, D(pay), D(pay) * 3, D(0))
    english = tax_for_period(year, "1257L", "monthly", 3, D(pay), D(pay) * 3, D(0))
    assert welsh == english


def test_welsh_codes_do_not_exist_before_2019_20() -> None:
    with pytest.raises(TaxCodeError, match=r"Welsh \(C\) codes do not exist in 2018-19"):
        tax_for_period("2018-19", "C1185L", "monthly", 1, D(1000), D(1000), D(0))


# ------------------------------------------------------------------------------ fixed codes
@pytest.mark.parametrize(
    ("year", "code", "expected"),
    [
        # £99.99 on the month 1 basis: £99 x the code's rate (paye-domain.md 2.3).
        ("2024-25", "BR", "19.80"),
        ("2024-25", "D0", "39.60"),
        ("2024-25", "D1", "44.55"),
        ("2024-25", "CBR", "19.80"),
        ("2024-25", "CD1", "44.55"),
        ("2024-25", "SBR", "19.80"),  # basic 20%, not the 19% starter rate
        ("2024-25", "SD0", "20.79"),  # intermediate 21%
        ("2024-25", "SD1", "41.58"),  # higher 42%
        ("2024-25", "SD2", "44.55"),  # advanced 45%
        ("2024-25", "SD3", "47.52"),  # top 48%
        ("2023-24", "SD2", "46.53"),  # top 47% before the advanced band
        ("2018-19", "SD1", "40.59"),  # higher 41%
        ("2018-19", "SD2", "45.54"),  # top 46%
        ("2017-18", "SD0", "39.60"),  # no intermediate band yet: higher 40%
        ("2017-18", "SD1", "44.55"),  # top 45%
        ("2024-25", "NT", "0.00"),
    ],
)
def test_fixed_codes_tax_whole_pounds_at_one_rate(year: str, code: str, expected: str) -> None:
    assert tax_for_period(year, code, "monthly", 1, D("99.99"), D("99.99"), D(0), True) == D(
        expected
    )


def test_fixed_codes_are_cumulative_on_whole_pounds_to_date() -> None:
    # BR month 3: pay to date 3,000.99 -> £3,000 x 20% = 600; 400 paid -> 200.
    assert monthly("BR", 3, "1000.33", "3000.99", "400") == D("200.00")


@pytest.mark.parametrize(
    ("year", "code", "accepted"),
    [
        ("2024-25", "D2", "BR, D0, D1"),
        ("2023-24", "SD3", "SBR, SD0, SD1, SD2"),
        ("2017-18", "SD2", "SBR, SD0, SD1"),
        ("2024-25", "CD2", "CBR, CD0, CD1"),
    ],
)
def test_fixed_codes_the_year_lacks_are_refused(year: str, code: str, accepted: str) -> None:
    with pytest.raises(TaxCodeError, match=f"fixed codes are {accepted}$"):
        tax_for_period(year, code, "monthly", 1, D(100), D(100), D(0))


# ------------------------------------------------------------------------- K codes and the limit
def test_k_code_adds_pay_and_is_held_to_half_of_pay() -> None:
    # K1000: additional pay 416.67 + ceil(5009 / 12) = 834.09 a month. Month 1, pay 500:
    # U = 1,334.09 -> £1,334 x 20% = 266.80, but at most 50% x 500 = 250.
    assert monthly("K1000", 1, "500", "500") == D("250.00")


def test_tax_held_back_by_the_limit_is_collected_later() -> None:
    # Month 2, pay to date 5,500: U = 5,500 + 1,668.18 = 7,168.18 -> T = 7,168;
    # 1,256.6666 + (7,168 - 6,283.3333) x 40% = 1,610.53 due to date.
    after_limit = monthly("K1000", 2, "5000", "5500", "250")
    unlimited = monthly("K1000", 2, "5000", "5500", "266.80")
    assert unlimited == D("1610.53") - D("266.80")
    assert after_limit == unlimited + D("16.80")  # the 16.80 held back in month 1


def test_limit_applies_to_suffix_codes_too() -> None:
    # A change to 0T in month 6 after 5 months of 2,000 on 1257L (951.60 deducted):
    # due to date = 12,000 x 20% = 2,400, so 1,448.40 is owed, but only 1,000 may go.
    assert monthly("1257L", 5, "2000", "10000") == D("951.60")  # cross-check the 951.60
    assert monthly("0T", 6, "2000", "12000", "951.60") == D("1000.00")


def test_payrolled_benefits_are_excluded_from_the_limit() -> None:
    tax = tax_for_period(
        "2024-25",
        "K1000",
        "monthly",
        1,
        D(500),
        D(500),
        D(0),
        payrolled_benefits=D(200),
    )
    assert tax == D("150.00")  # 50% of the 300 of cash pay


def test_limit_is_rounded_down_to_the_penny() -> None:
    # 50% of 99.99 = 49.995 -> 49.99.
    assert tax_for_period("2024-25", "K500", "monthly", 1, D("99.99"), D(0), D(0)) == D("49.99")


# ------------------------------------------------------------------------------ refunds
def test_lower_pay_brings_a_cumulative_refund() -> None:
    # Month 2 with no pay: U = 3,000 - 2,096.52 = 903.48 -> 180.60 due; 390.20 paid.
    assert monthly("1257L", 2, "0", "3000", "390.20") == D("-209.60")


def test_refunds_are_not_limited_and_nt_refunds_everything() -> None:
    assert monthly("NT", 9, "100", "30000", "5000.55") == D("-5000.55")


def test_week1_month1_never_refunds() -> None:
    assert monthly("1257L", 2, "0", "3000", "390.20", week1_month1=True) == ZERO


# ------------------------------------------------------------------------------ bases
def test_month1_ignores_earlier_pay_and_tax() -> None:
    first = monthly("1257L", 1, "3000", "3000")
    assert monthly("1257L", 7, "3000", "50000", "9999", week1_month1=True) == first


@pytest.mark.parametrize("marker", ["M1", "W1", "X", "W1/M1"])
def test_a_marker_in_the_code_means_month1(marker: str) -> None:
    assert monthly(f"1257L {marker}", 7, "3000", "50000", "9999") == D("390.20")


def test_cumulative_catches_up_what_month1_leaves_behind() -> None:
    # Month 3 after two months without pay: three months of free pay cover the 3,000.
    assert monthly("1257L", 3, "3000", "3000") == ZERO
    assert monthly("1257L", 3, "3000", "3000", week1_month1=True) == D("390.20")


def test_fortnightly_and_four_weekly_use_the_weekly_tables_at_week_2n_and_4n() -> None:
    # 1150L in 2017-18: weekly free pay 2 x 96.16 + ceil(1509 / 52) = 221.34; a fortnight
    # is two weeks: 1,534.04 - 442.68 = 1,091.36 -> £1,091 x 20% = 218.20.
    fortnight = tax_for_period(
        "2017-18", "1150L", "fortnightly", 1, D("1534.04"), D("1534.04"), D(0)
    )
    assert fortnight == D("218.20")
    args = (D(3000), D(30000), D(4000))
    assert tax_for_period("2024-25", "1257L", "fortnightly", 5, *args) == tax_for_period(
        "2024-25", "1257L", "weekly", 10, *args
    )
    assert tax_for_period("2024-25", "1257L", "four_weekly", 5, *args) == tax_for_period(
        "2024-25", "1257L", "weekly", 20, *args
    )


@pytest.mark.parametrize(
    ("frequency", "extra_period"), [("weekly", 53), ("fortnightly", 27), ("four_weekly", 14)]
)
def test_the_extra_year_end_period_is_taxed_on_the_week1_basis(
    frequency: str, extra_period: int
) -> None:
    week1 = tax_for_period("2024-25", "1257L", frequency, 1, D(2000), D(2000), D(0), True)
    extra = tax_for_period("2024-25", "1257L", frequency, extra_period, D(2000), D(40000), D(5000))
    assert extra == week1
    assert extra > 0


def test_accepts_typed_year_and_frequency() -> None:
    assert tax_for_period(
        TaxYear(2024), "1257L", Frequency.MONTHLY, 1, D("1156.25"), D("1156.25"), D(0)
    ) == D("21.40")


# ------------------------------------------------------------------------------ bad input
@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"tax_code": "1257Q"}, TaxCodeError, "is not a tax code"),
        ({"frequency": "daily"}, FrequencyError, "use one of 'weekly', 'fortnightly'"),
        ({"period": 0}, PeriodError, "use 1 to 12"),
        ({"period": 13}, PeriodError, "use 1 to 12"),
        ({"frequency": "weekly", "period": 54}, PeriodError, "use 1 to 53"),
        ({"frequency": "four_weekly", "period": 15}, PeriodError, "use 1 to 14"),
        ({"tax_year": "2015-16"}, RatesNotFoundError, "2016-17 to 2026-27"),
        ({"tax_year": "2024-26"}, PayeInputError, "write 2024-25"),
        ({"tax_year": "2018-19", "tax_code": "CNT"}, TaxCodeError, r"Welsh \(C\) codes"),
        ({"gross_pay": 1000.0}, AmountError, "must be a Decimal"),
        ({"gross_pay_to_date": D("NaN")}, AmountError, "finite"),
        ({"payrolled_benefits": D(-1)}, AmountError, "must not be negative"),
    ],
)
def test_invalid_input_says_what_is_accepted(
    kwargs: dict[str, object], error: type[PayeInputError], message: str
) -> None:
    args: dict[str, object] = {
        "tax_year": "2024-25",
        "tax_code": "1257L",
        "frequency": "monthly",
        "period": 1,
        "gross_pay": D(1000),
        "gross_pay_to_date": D(1000),
        "tax_paid_to_date": D(0),
    }
    args.update(kwargs)
    with pytest.raises(error, match=message) as raised:
        tax_for_period(**args)  # type: ignore[arg-type]
    assert isinstance(raised.value, ValueError)
