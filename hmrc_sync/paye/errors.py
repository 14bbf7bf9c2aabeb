"""Errors for invalid input to the PAYE / NI engine.

Every one is a ``ValueError`` (bad input, not a failure of the engine) and an
``HmrcSyncError`` (so the CLI reports it as a user-facing error). Messages say what was
received and what is accepted.
"""

from __future__ import annotations

from hmrc_sync.errors import HmrcSyncError


class PayeInputError(HmrcSyncError, ValueError):
    """Base class: an input to the PAYE / NI engine is not acceptable."""

    default_message = "invalid input to the PAYE / NI calculation"


class TaxCodeError(PayeInputError):
    """The tax code is not one PAYE recognises (or not valid for that tax year)."""

    default_message = "invalid tax code"


class NiCategoryError(PayeInputError):
    """The NI category letter is unknown, or not in use on that pay date."""

    default_message = "invalid National Insurance category"


class FrequencyError(PayeInputError):
    """The pay frequency is not one the engine supports."""

    default_message = "invalid pay frequency"


class PeriodError(PayeInputError):
    """The tax period number is out of range for the pay frequency."""

    default_message = "invalid tax period"


class RatesNotFoundError(PayeInputError):
    """The engine holds no rates for that tax year or pay date."""

    default_message = "no rates are held for that tax year"


class AmountError(PayeInputError):
    """A money amount is not a finite Decimal (or is negative where that is not allowed)."""

    default_message = "invalid money amount"


class StudentLoanPlanError(PayeInputError):
    """The student loan plan is unknown, or did not exist in that tax year."""

    default_message = "invalid student loan plan"


class DirectorNiError(PayeInputError):
    """A director's NI input is not acceptable (method, earnings period or to-date figures)."""

    default_message = "invalid input to the directors' National Insurance calculation"
