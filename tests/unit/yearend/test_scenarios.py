"""Worked scenarios, each computed by hand in its docstring from HMRC's rates and rules.

Rates used (income_tax_rates / paye-domain.md 2.1): rUK basic 20% to 37,700, higher 40% to
125,140, additional 45% (2023-24 on); 2016-17 basic to 32,000, higher to 150,000, PA 11,000;
2017-18 PA 11,500, rUK basic to 33,500, Scotland basic to 31,500; 2019-20 PA 12,500.
"""

from __future__ import annotations

from decimal import Decimal as D

from hmrc_sync.paye.taxcode import Region
from hmrc_sync.taxyear import TaxYear
from hmrc_sync.yearend import BandTax, MarriageAllowance, income_tax_liability


def _bands(*rows: tuple[str, str, str | None, str, str]) -> tuple[BandTax, ...]:
    return tuple(
        BandTax(name, D(rate), None if upper is None else D(upper), D(income), D(tax))
        for name, rate, upper, income, tax in rows
    )


# ------------------------------------------------------------------------------ the taper
def test_bonus_into_the_taper_rUK_2025_26() -> None:
    """£110,000 (salary plus bonus), rUK 2025-26.

    ANI 110,000; reduction = roundDown((110,000 - 100,000) / 2) = 5,000; PA 12,570 - 5,000
    = 7,570. Taxable 110,000 - 7,570 = 102,430.
    basic 37,700 x 20% = 7,540.00; higher 102,430 - 37,700 = 64,730 x 40% = 25,892.00.
    Income tax 33,432.00.
    """
    liability = income_tax_liability("2025-26", "rUK", D(110_000))
    assert liability.tax_year == TaxYear(2025)
    assert liability.region is Region.REST_OF_UK
    assert liability.adjusted_net_income == D("110000.00")
    assert liability.personal_allowance == D("7570.00")
    assert liability.taxable_income == D("102430.00")
    assert liability.bands == _bands(
        ("basic", "0.20", "37700", "37700", "7540.00"),
        ("higher", "0.40", "125140", "64730", "25892.00"),
    )
    assert liability.income_tax_charged == D("33432.00")
    assert liability.income_tax == D("33432.00")
    assert liability.gift_aid_charge == D("0.00")
    assert liability.notes == ()


def test_taper_reduction_is_rounded_down_to_a_pound() -> None:
    """£100,003 rUK 2024-25: reduction roundDown(3 / 2) = 1, so PA 12,569 (not 12,568.50).

    Taxable 100,003 - 12,569 = 87,434: 7,540.00 + (87,434 - 37,700) x 40% = 19,893.60;
    income tax 27,433.60. £100,001 gives roundDown(0.5) = 0: PA stays 12,570.
    """
    liability = income_tax_liability("2024-25", "rUK", D(100_003))
    assert liability.personal_allowance == D("12569.00")
    assert liability.income_tax == D("27433.60")
    assert income_tax_liability("2024-25", "rUK", D(100_001)).personal_allowance == D("12570.00")


def test_employment_income_is_rounded_down_to_whole_pounds() -> None:
    """£30,000.99 counts as £30,000: taxable 17,430 x 20% = 3,486.00 (2024-25 rUK)."""
    liability = income_tax_liability("2024-25", "rUK", D("30000.99"))
    assert liability.employment_income == D("30000.00")
    assert liability.income_tax == D("3486.00")


# ----------------------------------------------------------------- relief-at-source pensions
def test_relief_at_source_contributions_partly_restore_the_allowance() -> None:
    """£115,000 with £8,000 gross relief-at-source contributions, rUK 2024-25.

    ANI 115,000 - 8,000 = 107,000; reduction 3,500; PA 9,070. Taxable 115,000 - 9,070 =
    105,930. Bands extended by 8,000: basic to 45,700, higher to 133,140.
    basic 45,700 x 20% = 9,140.00; higher 105,930 - 45,700 = 60,230 x 40% = 24,092.00.
    Income tax 33,232.00.
    """
    liability = income_tax_liability(
        "2024-25", "rUK", D(115_000), relief_at_source_contributions=D(8_000)
    )
    assert liability.adjusted_net_income == D("107000.00")
    assert liability.personal_allowance == D("9070.00")
    assert liability.bands == _bands(
        ("basic", "0.20", "45700", "45700", "9140.00"),
        ("higher", "0.40", "133140", "60230", "24092.00"),
    )
    assert liability.income_tax == D("33232.00")


def test_relief_at_source_contributions_fully_restore_the_allowance() -> None:
    """£112,000 with £12,000 gross contributions, rUK 2025-26.

    ANI 100,000: full PA 12,570. Taxable 99,430; basic extended to 49,700.
    49,700 x 20% = 9,940.00; (99,430 - 49,700) = 49,730 x 40% = 19,892.00; total 29,832.00.
    Without the contributions the same pay would cost 7,540 + (112,000 - 6,570 - 37,700) x
    40% = 7,540 + 27,092 = 34,632.00, so the £12,000 gross saved £4,800 (40%) of tax here on
    top of the £2,400 basic-rate relief the scheme claimed.
    """
    liability = income_tax_liability(
        "2025-26", "rUK", D(112_000), relief_at_source_contributions=D(12_000)
    )
    assert liability.personal_allowance == D("12570.00")
    assert liability.income_tax == D("29832.00")
    assert income_tax_liability("2025-26", "rUK", D(112_000)).income_tax == D("34632.00")


# -------------------------------------------------------------------------------- Gift Aid
def test_gift_aid_extends_the_basic_rate_band() -> None:
    """£60,000, Gift Aid paid £2,000, rUK 2025-26.

    Gross gift 2,000 x 100/80 = 2,500. ANI 57,500; PA 12,570; taxable 47,430. Basic limit
    37,700 + 2,500 = 40,200: 40,200 x 20% = 8,040.00; 7,230 x 40% = 2,892.00; 10,932.00.
    Basic-rate tax on the gift 500 < 10,932: no charge.
    """
    liability = income_tax_liability("2025-26", "rUK", D(60_000), gift_aid_payments=D(2_000))
    assert liability.gross_gift_aid == D("2500.00")
    assert liability.adjusted_net_income == D("57500.00")
    assert liability.bands[0].upper_limit == D(40_200)
    assert liability.income_tax == D("10932.00")
    assert liability.gift_aid_tax == D("500.00")
    assert liability.gift_aid_charge == D("0.00")


def test_gift_aid_charge_when_tax_is_less_than_the_tax_on_the_gift() -> None:
    """£13,500, Gift Aid paid £1,000, rUK 2024-25.

    Gross 1,250; tax treated as deducted roundDown(1,250 x 20%) = 250. Taxable 13,500 -
    12,570 = 930 x 20% = 186.00. Charge 250 - 186 = 64.00; income tax 186 + 64 = 250.00.
    """
    liability = income_tax_liability("2024-25", "rUK", D(13_500), gift_aid_payments=D(1_000))
    assert liability.income_tax_charged == D("186.00")
    assert liability.gift_aid_tax == D("250.00")
    assert liability.gift_aid_charge == D("64.00")
    assert liability.income_tax == D("250.00")


def test_gift_aid_with_no_taxable_income_is_charged_in_full() -> None:
    """No pay, Gift Aid paid £100 (2024-25): gross 125, charge 25.00 = the whole liability."""
    liability = income_tax_liability("2024-25", "rUK", D(0), gift_aid_payments=D(100))
    assert liability.income_tax_charged == D("0.00")
    assert liability.gift_aid_charge == D("25.00")
    assert liability.income_tax == D("25.00")


def test_gift_aid_gross_up_rounds_up_and_its_tax_rounds_down() -> None:
    """Gift Aid paid £10.01: 10.01 x 100/80 = 12.5125 -> gross 13; tax roundDown(2.60) = 2.

    With no pay the charge is 2.00.
    """
    liability = income_tax_liability("2024-25", "rUK", D(0), gift_aid_payments=D("10.01"))
    assert liability.gross_gift_aid == D("13.00")
    assert liability.gift_aid_tax == D("2.00")
    assert liability.income_tax == D("2.00")


# ----------------------------------------------------------------------- Scotland and Wales
def test_scottish_taxpayer_2017_18() -> None:
    """£50,000 in Scotland 2017-18: PA 11,500; taxable 38,500.

    Scottish basic 31,500 x 20% = 6,300.00; higher 7,000 x 40% = 2,800.00; total 9,100.00.
    (rUK the same year: basic to 33,500: 6,700 + 5,000 x 40% = 8,700.00.)
    """
    assert income_tax_liability("2017-18", "scotland", D(50_000)).income_tax == D("9100.00")
    assert income_tax_liability("2017-18", "rUK", D(50_000)).income_tax == D("8700.00")


def test_welsh_taxpayer_before_welsh_rates_pays_rUK_rates() -> None:
    """Wales 2017-18 (before Welsh rates began in 2019-20) = rUK: £50,000 -> 8,700.00."""
    assert income_tax_liability("2017-18", "wales", D(50_000)).income_tax == D("8700.00")


def test_scottish_taxpayer_2019_20() -> None:
    """£40,000 in Scotland 2019-20: PA 12,500; taxable 27,500.

    starter 2,049 x 19% = 389.31; basic (12,444 - 2,049) = 10,395 x 20% = 2,079.00;
    intermediate (27,500 - 12,444) = 15,056 x 21% = 3,161.76. Total 5,630.07.
    """
    liability = income_tax_liability("2019-20", "scotland", D(40_000))
    assert liability.bands == _bands(
        ("starter", "0.19", "2049", "2049", "389.31"),
        ("basic", "0.20", "12444", "10395", "2079.00"),
        ("intermediate", "0.21", "30930", "15056", "3161.76"),
    )
    assert liability.income_tax == D("5630.07")


def test_welsh_taxpayer_2019_20() -> None:
    """£40,000 in Wales 2019-20 (Welsh rates = rUK): PA 12,500; 27,500 x 20% = 5,500.00."""
    liability = income_tax_liability("2019-20", "wales", D(40_000))
    assert liability.region is Region.WALES
    assert liability.income_tax == D("5500.00")


def test_scottish_taxpayer_2024_25() -> None:
    """£70,000 in Scotland 2024-25: PA 12,570; taxable 57,430.

    starter 2,306 x 19% = 438.14; basic 11,685 x 20% = 2,337.00; intermediate 17,101 x 21%
    = 3,591.21; higher (57,430 - 31,092) = 26,338 x 42% = 11,061.96. Total 17,428.31.
    """
    liability = income_tax_liability("2024-25", "scotland", D(70_000))
    assert [band.tax for band in liability.bands] == [
        D("438.14"),
        D("2337.00"),
        D("3591.21"),
        D("11061.96"),
    ]
    assert liability.income_tax == D("17428.31")


def test_welsh_taxpayer_2024_25() -> None:
    """£70,000 in Wales 2024-25: taxable 57,430; 7,540 + 19,730 x 40% = 7,892; 15,432.00."""
    assert income_tax_liability("2024-25", "wales", D(70_000)).income_tax == D("15432.00")


def test_scottish_starter_limit_is_not_extended() -> None:
    """£40,000 with £2,000 gross contributions, Scotland 2024-25.

    Taxable 27,430. Starter stays 2,306: 438.14. Basic limit 13,991 + 2,000 = 15,991:
    13,685 x 20% = 2,737.00. Intermediate 27,430 - 15,991 = 11,439 x 21% = 2,402.19.
    Total 5,577.33 (20.00 less than without the contributions: 2,000 moved from 21% to 20%).
    """
    liability = income_tax_liability(
        "2024-25", "scotland", D(40_000), relief_at_source_contributions=D(2_000)
    )
    assert [band.upper_limit for band in liability.bands] == [D(2_306), D(15_991), D(33_092)]
    assert liability.income_tax == D("5577.33")
    assert income_tax_liability("2024-25", "scotland", D(40_000)).income_tax == D("5597.33")


# ---------------------------------------------------------------------- Marriage Allowance
def test_marriage_allowance_transferor() -> None:
    """£12,000 rUK 2024-25, transferring: PA 12,570 - 1,260 = 11,310 allowed.

    Taxable 12,000 - 11,310 = 690 x 20% = 138.00 (without the election: nil).
    """
    liability = income_tax_liability(
        "2024-25", "rUK", D(12_000), marriage_allowance=MarriageAllowance.TRANSFEROR
    )
    assert liability.personal_allowance == D("12570.00")
    assert liability.marriage_allowance_transferred == D("1260.00")
    assert liability.total_allowances == D("11310.00")
    assert liability.income_tax == D("138.00")


def test_marriage_allowance_transferable_amount_by_year() -> None:
    """10% of the PA rounded up to £10: 2016-17 1,100; 2018-19 1,185 -> 1,190."""
    for year, amount in (("2016-17", "1100.00"), ("2018-19", "1190.00"), ("2019-20", "1250.00")):
        liability = income_tax_liability(year, "rUK", D(0), marriage_allowance="transferor")
        assert liability.marriage_allowance_transferred == D(amount)


def test_marriage_allowance_recipient() -> None:
    """£30,000 rUK 2024-25, receiving: 17,430 x 20% = 3,486.00, less 20% x 1,260 = 252.00.

    Income tax 3,234.00.
    """
    liability = income_tax_liability("2024-25", "rUK", D(30_000), marriage_allowance="recipient")
    assert liability.income_tax_charged == D("3486.00")
    assert liability.marriage_allowance_reducer == D("252.00")
    assert liability.income_tax == D("3234.00")


def test_marriage_allowance_reducer_cannot_go_below_zero() -> None:
    """£13,000 rUK 2024-25: tax 430 x 20% = 86.00; the reducer gives only 86.00; tax nil."""
    liability = income_tax_liability("2024-25", "rUK", D(13_000), marriage_allowance="recipient")
    assert liability.marriage_allowance_reducer == D("86.00")
    assert liability.income_tax == D("0.00")


def test_marriage_allowance_not_given_to_a_higher_rate_recipient() -> None:
    """£60,000 rUK 2024-25: taxable 47,430 > 37,700, so the recipient is not entitled.

    Tax 7,540 + 9,730 x 40% = 11,432.00 with no reducer; a note says why.
    """
    liability = income_tax_liability("2024-25", "rUK", D(60_000), marriage_allowance="recipient")
    assert liability.marriage_allowance_reducer == D("0.00")
    assert liability.income_tax == D("11432.00")
    assert len(liability.notes) == 1
    assert "not entitled" in liability.notes[0]


def test_marriage_allowance_scottish_intermediate_rate_recipient_is_entitled() -> None:
    """£40,000 Scotland 2024-25: taxable 27,430, within the intermediate limit 31,092.

    438.14 + 2,337.00 + 13,439 x 21% (2,822.19) = 5,597.33, less 252.00 = 5,345.33.
    """
    liability = income_tax_liability(
        "2024-25", "scotland", D(40_000), marriage_allowance="recipient"
    )
    assert liability.income_tax == D("5345.33")


def test_marriage_allowance_not_transferred_by_a_higher_rate_transferor() -> None:
    """£60,000 rUK 2024-25: income - PA = 47,430 > 37,700, so no transfer (allowances 12,570)."""
    liability = income_tax_liability("2024-25", "rUK", D(60_000), marriage_allowance="transferor")
    assert liability.marriage_allowance_transferred == D("0.00")
    assert liability.total_allowances == D("12570.00")
    assert liability.income_tax == D("11432.00")
    assert "not transferred" in liability.notes[0]


# -------------------------------------------------------------- Blind Person's Allowance
def test_blind_persons_allowance() -> None:
    """£20,000 rUK 2024-25, blind: allowances 12,570 + 3,070 = 15,640; 4,360 x 20% = 872.00."""
    liability = income_tax_liability("2024-25", "rUK", D(20_000), blind_persons_allowance=True)
    assert liability.blind_persons_allowance == D("3070.00")
    assert liability.total_allowances == D("15640.00")
    assert liability.income_tax == D("872.00")


def test_blind_persons_allowance_is_not_tapered() -> None:
    """£110,000 rUK 2025-26, blind: PA tapered to 7,570, BPA 3,130 added in full = 10,700.

    Taxable 99,300: 7,540.00 + 61,600 x 40% = 24,640.00; total 32,180.00.
    """
    liability = income_tax_liability("2025-26", "rUK", D(110_000), blind_persons_allowance=True)
    assert liability.personal_allowance == D("7570.00")
    assert liability.total_allowances == D("10700.00")
    assert liability.income_tax == D("32180.00")


# ------------------------------------------------------------------------------- 2016-17
def test_2016_17_higher_rate() -> None:
    """£45,000 rUK 2016-17: PA 11,000; taxable 34,000; 32,000 x 20% = 6,400 + 2,000 x 40%
    = 800; 7,200.00. Scotland's bands equalled rUK's that year: also 7,200.00.
    """
    assert income_tax_liability("2016-17", "rUK", D(45_000)).income_tax == D("7200.00")
    assert income_tax_liability("2016-17", "scotland", D(45_000)).income_tax == D("7200.00")


def test_2016_17_additional_rate_and_the_taper_end() -> None:
    """£200,000 rUK 2016-17: ANI >= 122,000 so PA nil; taxable 200,000.

    6,400.00 + (150,000 - 32,000) x 40% = 47,200.00 + 50,000 x 45% = 22,500.00; 76,100.00.
    The 2016-17 allowance reaches nil at 100,000 + 2 x 11,000 = 122,000; at 121,999 the
    reduction is roundDown(10,999.5) = 10,999, leaving 1.
    """
    liability = income_tax_liability(TaxYear(2016), Region.REST_OF_UK, D(200_000))
    assert liability.personal_allowance == D("0.00")
    assert liability.income_tax == D("76100.00")
    assert income_tax_liability("2016-17", "rUK", D(122_000)).personal_allowance == D("0.00")
    assert income_tax_liability("2016-17", "rUK", D(121_999)).personal_allowance == D("1.00")
