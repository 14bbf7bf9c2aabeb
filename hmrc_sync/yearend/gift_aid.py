"""Gift Aid: the gross gift and the Gift Aid charge (HMRC Tax Logic, "Gift Aid" and
"Gift Aid on Income Tax Liability").

* payments made are rounded up to the penny; the gross gift is ``payments x 100 / 80``
  rounded **up** to a whole pound. It reduces adjusted net income and extends the band
  limits (rounded down to a whole pound, which it already is).
* the tax treated as deducted from the gift is ``roundDown(gross x 20%, 0)``: the UK basic
  rate, for Scottish and Welsh taxpayers too (the guide's ``ukbasicRate``).
* when that exceeds the tax charged after tax reductions, the difference is charged, so a
  donor always pays at least the basic-rate tax the charity reclaims.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from hmrc_sync.paye.money import ceil_penny, ceil_pound, floor_pound

GIFT_AID_BASIC_RATE: Final = Decimal("0.20")
_NO_CHARGE: Final = Decimal(0)


def gross_gift_aid(payments: Decimal) -> Decimal:
    """The gross gift for the Gift Aid ``payments`` made (net): x 100/80, up to a whole pound."""
    paid = ceil_penny(payments)
    return ceil_pound(paid / (1 - GIFT_AID_BASIC_RATE))


def gift_aid_tax(gross_gift: Decimal) -> Decimal:
    """The basic-rate tax treated as deducted from the gross gift, down to a whole pound."""
    return floor_pound(gross_gift * GIFT_AID_BASIC_RATE)


def gift_aid_charge(tax_on_gifts: Decimal, tax_after_reductions: Decimal) -> Decimal:
    """The shortfall charged when the tax due is less than the tax on the gifts."""
    return max(tax_on_gifts - tax_after_reductions, _NO_CHARGE)
