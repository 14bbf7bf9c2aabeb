"""Marriage Allowance (HMRC Tax Logic, "Marriage Allowance" and "Tax reductions").

One spouse or civil partner (the *transferor*) gives up the transferable amount of their
personal allowance (10% of the year's allowance rounded up to the next £10: £1,260 from
2021-22); the other (the *recipient*) gets a tax reducer of 20% of it (£252), which cannot
take their tax below zero.

Eligibility, as this module applies it:

* **Transferor.** The guide allows the transfer only when ``income - personal allowance`` is
  within the basic-rate limit extended by Gift Aid and relief-at-source contributions;
  otherwise nothing is transferred. For a Scottish taxpayer the limit used is the
  intermediate limit (Scots may pay the starter, basic or intermediate rate; gov.uk
  "Marriage Allowance"), and the Blind Person's Allowance counts with the personal allowance.
* **Recipient.** The reducer is a condition of entitlement: a recipient liable at the higher
  rate or above (any taxable income beyond that same limit) is not entitled (ITA 2007 s.55B),
  so HMRC's year-end figure gives no reducer. This module does the same: the reducer is
  zero and ``Liability.notes`` says why. It does not raise, because the liability is still
  well defined and this is what HMRC would charge.

Both spouses' figures are needed to check the election itself (both married, the
transferor's own eligibility when the recipient is computed, and so on); each call computes
one person, so the caller states the role.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Final

from hmrc_sync.paye.money import ceil_penny
from hmrc_sync.yearend.errors import UnknownOptionError

MARRIAGE_ALLOWANCE_REDUCER_RATE: Final = Decimal("0.20")


class MarriageAllowance(StrEnum):
    """Which side of a Marriage Allowance election the taxpayer is on."""

    TRANSFEROR = "transferor"
    RECIPIENT = "recipient"


_ROLES: Final = {role.value: role for role in MarriageAllowance}
ACCEPTED_ROLES: Final = "None, " + ", ".join(repr(role.value) for role in MarriageAllowance)


def marriage_allowance_role(value: MarriageAllowance | str | None) -> MarriageAllowance | None:
    """The role as given, or from its value (``transferor``/``recipient``, any case)."""
    if value is None or isinstance(value, MarriageAllowance):
        return value
    if isinstance(value, str) and (role := _ROLES.get(value.strip().lower())) is not None:
        return role
    raise UnknownOptionError(f"unknown Marriage Allowance role {value!r}: use {ACCEPTED_ROLES}")


def marriage_allowance_reducer(transferable: Decimal) -> Decimal:
    """The recipient's tax reducer: 20% of the transferable amount, up to the penny."""
    return ceil_penny(transferable * MARRIAGE_ALLOWANCE_REDUCER_RATE)
