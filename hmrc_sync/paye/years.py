"""The tax-year argument every PAYE function accepts: a ``TaxYear`` or its text."""

from __future__ import annotations

from hmrc_sync.paye.errors import PayeInputError
from hmrc_sync.taxyear import TaxYear, TaxYearError


def parse_tax_year(value: TaxYear | str) -> TaxYear:
    """Return ``value`` as a ``TaxYear``; text such as ``"2024-25"`` is parsed.

    Text that is not a tax year raises ``PayeInputError`` (with ``TaxYear.parse``'s message
    saying which forms are accepted).
    """
    if isinstance(value, TaxYear):
        return value
    try:
        return TaxYear.parse(value)
    except TaxYearError as exc:
        raise PayeInputError(str(exc)) from exc
