"""Money checks and HMRC's rounding rules, all on ``Decimal``."""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_DOWN, Decimal
from typing import Final

from hmrc_sync.paye.errors import AmountError

PENNY: Final = Decimal("0.01")
POUND: Final = Decimal(1)
FOUR_DP: Final = Decimal("0.0001")
THREE_DP: Final = Decimal("0.001")
ZERO: Final = Decimal("0.00")


def check_money(name: str, value: object, *, allow_negative: bool = True) -> Decimal:
    """Return ``value`` if it is a finite Decimal (never a float); raise otherwise."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise AmountError(
            f"{name} must be a Decimal (e.g. Decimal('1234.56')), not {type(value).__name__}"
        )
    amount = Decimal(value)
    if not amount.is_finite():
        raise AmountError(f"{name} must be a finite amount, not {amount}")
    if not allow_negative and amount < 0:
        raise AmountError(f"{name} must not be negative (got {amount})")
    return amount


def floor_penny(value: Decimal) -> Decimal:
    """Round down (towards minus infinity) to the penny."""
    return value.quantize(PENNY, rounding=ROUND_FLOOR)


def floor_pound(value: Decimal) -> Decimal:
    """Round down (towards minus infinity) to whole pounds."""
    return value.quantize(POUND, rounding=ROUND_FLOOR)


def ceil_pound(value: Decimal) -> Decimal:
    """Round up to whole pounds."""
    return value.quantize(POUND, rounding=ROUND_CEILING)


def ceil_penny(value: Decimal) -> Decimal:
    """Round up to the penny."""
    return value.quantize(PENNY, rounding=ROUND_CEILING)


def truncate_4dp(value: Decimal) -> Decimal:
    """Cut to 4 decimal places (towards zero), as the PAYE tax-table routines specify."""
    return value.quantize(FOUR_DP, rounding=ROUND_DOWN)


def ni_round(value: Decimal) -> Decimal:
    """HMRC's NI rounding: to the penny, disregarding 0.5p or less.

    Software reads only the third decimal place: 5 or less rounds down, 6 or more up
    (87.4558 -> 87.45, 87.4568 -> 87.46; paye-domain.md section 3.3 step 4).
    """
    return value.quantize(THREE_DP, rounding=ROUND_DOWN).quantize(PENNY, rounding=ROUND_HALF_DOWN)
