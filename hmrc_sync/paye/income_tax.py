"""PAYE income tax for one pay period: HMRC's tax-table routines (paye-domain.md 2.4).

The steps and their rounding, for period *n* of a table of *N* periods (N = 12 monthly, 52
weekly; fortnight *k* is week 2k and four-week period *k* is week 4k):

1. Free pay (suffix codes) or additional pay (K codes) for one period: with the code
   number c, ``q, r = divmod(c - 1, 500)`` and ``r + 1``; one period is ``q * 416.67``
   (monthly) or ``q * 96.16`` (weekly) plus ``(10(r+1) + 9) / N`` rounded up to the penny.
   Cumulative codes multiply it by *n*; the week 1 / month 1 basis uses one period.
2. Taxable pay to date ``U = pay to date - free pay`` (``+ additional pay`` for K codes),
   then ``T = U`` rounded down to whole pounds. ``U <= 0`` means no tax.
3. Band limits and the tax at each limit, prorated ``x n / N`` and truncated to 4 dp; the
   band is the first whose limit rounded up to a whole pound is ``>= U`` (unrounded);
   tax to date = tax at the previous limit + (T - previous limit) x rate, rounded down to
   the penny. Fixed codes: T (pay to date in whole pounds) x the code's rate; NT: nothing.
4. Tax this period = tax due to date - tax already paid (negative is a refund).
5. The regulatory limit: a deduction may not exceed 50% of this period's pay (excluding
   payrolled benefits), rounded down to the penny. Refunds are never limited. Tax held
   back this way stays in the cumulative calculation and is collected later.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from hmrc_sync.paye.frequency import Frequency
from hmrc_sync.paye.income_tax_rates import TaxBand, income_tax_rates
from hmrc_sync.paye.money import (
    ZERO,
    ceil_penny,
    ceil_pound,
    check_money,
    floor_penny,
    floor_pound,
    truncate_4dp,
)
from hmrc_sync.paye.taxcode import CodeKind, TaxCode, parse_tax_code
from hmrc_sync.paye.years import parse_tax_year
from hmrc_sync.taxyear import TaxYear

REGULATORY_LIMIT: Final = Decimal("0.50")
_BLOCK_CODE_NUMBER: Final = 500
_BLOCK_FREE_PAY: Final = {12: Decimal("416.67"), 52: Decimal("96.16")}


def tax_for_period(
    tax_year: TaxYear | str,
    tax_code: str | TaxCode,
    frequency: Frequency | str,
    period: int,
    gross_pay: Decimal,
    gross_pay_to_date: Decimal,
    tax_paid_to_date: Decimal,
    week1_month1: bool = False,
    *,
    payrolled_benefits: Decimal = ZERO,
) -> Decimal:
    """PAYE income tax to deduct in one pay period; a negative result is a refund.

    Parameters:
        tax_year: the tax year the payment date falls in (``TaxYear`` or text such as
            ``"2024-25"``).
        tax_code: the code in force, e.g. ``"1257L"``, ``"S1257L M1"``, ``"K585"``,
            ``"CBR"``; a W1, M1, X or W1/M1 marker in the text means week 1 / month 1.
        frequency: ``weekly``, ``fortnightly``, ``four_weekly`` or ``monthly``.
        period: the pay period the payment date falls in: tax week 1-53, fortnight 1-27,
            four-week period 1-14 or tax month 1-12. The last of those (week 53, fortnight
            27, four-week period 14) is the extra payday at the year end and is always
            taxed on the week 1 basis with one period's free pay.
        gross_pay: taxable pay in this period (after net-pay pension contributions,
            including payrolled benefits).
        gross_pay_to_date: taxable pay from 6 April up to and **including** this period
            (add previous-employment pay from a P45 if it is part of the cumulative
            calculation). Ignored on the week 1 / month 1 basis.
        tax_paid_to_date: tax deducted in the **earlier** periods (this period excluded),
            net of refunds, consistent with ``gross_pay_to_date``. Ignored on the week 1 /
            month 1 basis.
        week1_month1: the non-cumulative basis, also implied by a marker in the code.
        payrolled_benefits: the part of ``gross_pay`` that is payrolled benefits in kind;
            it is excluded from the pay that the 50% regulatory limit is worked on.

    Raises ``PayeInputError`` (a ``ValueError``) for an unknown code, frequency or tax
    year, a period out of range, or money that is not a finite ``Decimal``.
    """
    rates = income_tax_rates(parse_tax_year(tax_year))
    code = parse_tax_code(tax_code)
    bands = rates.bands_for(code.region)  # refuses e.g. Welsh codes before 2019-20
    freq = Frequency.parse(frequency)
    freq.check_period(period)
    pay = check_money("gross_pay", gross_pay)
    benefits = check_money("payrolled_benefits", payrolled_benefits, allow_negative=False)
    non_cumulative = week1_month1 or code.week1_month1 or freq.is_extra_period(period)
    if non_cumulative:
        table_period = freq.table_period(1)
        pay_to_date, paid = pay, ZERO
    else:
        table_period = freq.table_period(period)
        pay_to_date = check_money("gross_pay_to_date", gross_pay_to_date)
        paid = check_money("tax_paid_to_date", tax_paid_to_date)

    if code.kind is CodeKind.NO_TAX:
        due = ZERO
    elif code.kind is CodeKind.FIXED:
        due = _fixed_code_tax(pay_to_date, rates.fixed_rate(code.region, code.fixed_band))
    else:
        table = freq.table_periods
        allowance = one_period_free_pay(code.number, table) * table_period
        taxable = pay_to_date + allowance if code.kind is CodeKind.K else pay_to_date - allowance
        due = banded_tax(taxable, bands, table_period, table)

    tax = due - paid
    if tax > 0:
        limit = floor_penny(REGULATORY_LIMIT * (pay - benefits))
        tax = min(tax, max(limit, ZERO))
    return tax.quantize(ZERO)


def one_period_free_pay(code_number: int, table_periods: int) -> Decimal:
    """Free pay (or K-code additional pay) for one week or month of a code number.

    HMRC's formula (paye-domain.md 2.4 step 2): 1257 gives 1048.26 a month and 241.92 a
    week; 0 (code 0T) gives nothing.
    """
    if code_number == 0:
        return ZERO
    blocks, remainder = divmod(code_number - 1, _BLOCK_CODE_NUMBER)
    remainder += 1
    tail = ceil_penny(Decimal(10 * remainder + 9) / table_periods)
    return blocks * _BLOCK_FREE_PAY[table_periods] + tail


def banded_tax(
    taxable_pay_to_date: Decimal, bands: tuple[TaxBand, ...], period: int, table_periods: int
) -> Decimal:
    """Tax due to date on taxable pay ``U`` at table period ``period`` of ``table_periods``."""
    if taxable_pay_to_date <= 0:
        return ZERO
    whole_pounds = floor_pound(taxable_pay_to_date)
    limit_before = tax_before = ZERO
    annual_limit_before = annual_tax_before = Decimal(0)
    for band in bands:
        if band.upper is not None:
            limit = truncate_4dp(band.upper * period / table_periods)
            if taxable_pay_to_date > ceil_pound(limit):
                annual_tax_before += (band.upper - annual_limit_before) * band.rate
                annual_limit_before = band.upper
                limit_before = limit
                tax_before = truncate_4dp(annual_tax_before * period / table_periods)
                continue
        return floor_penny(tax_before + (whole_pounds - limit_before) * band.rate)
    raise AssertionError("the last band has no upper limit")  # pragma: no cover


def _fixed_code_tax(pay_to_date: Decimal, rate: Decimal) -> Decimal:
    if pay_to_date <= 0:
        return ZERO
    return floor_penny(floor_pound(pay_to_date) * rate)
