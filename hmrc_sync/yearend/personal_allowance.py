"""The personal allowance after the £100,000 taper (HMRC Tax Logic, "Personal Allowance").

* adjusted net income (ANI) <= £100,000: the full allowance;
* above it: reduction = ``roundDown((ANI - 100,000) / 2, 0)`` and the allowance is
  ``roundUp(allowance - reduction, 0)``, never below zero (so 2024-25's allowance of £12,570
  reaches zero at £125,140 and 2016-17's £11,000 at £122,000).

Only the personal allowance is tapered: the Blind Person's Allowance is added after it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from hmrc_sync.paye.income_tax_rates import PERSONAL_ALLOWANCE_INCOME_LIMIT
from hmrc_sync.paye.money import ceil_pound, floor_pound

_NO_ALLOWANCE: Final = Decimal(0)


def tapered_personal_allowance(full_allowance: Decimal, adjusted_net_income: Decimal) -> Decimal:
    """The allowance left after the taper on ``adjusted_net_income``."""
    if adjusted_net_income <= PERSONAL_ALLOWANCE_INCOME_LIMIT:
        return full_allowance
    reduction = floor_pound((adjusted_net_income - PERSONAL_ALLOWANCE_INCOME_LIMIT) / 2)
    return max(ceil_pound(full_allowance - reduction), _NO_ALLOWANCE)
