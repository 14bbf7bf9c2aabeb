"""Errors for invalid input to the year-end calculations.

::

    YearEndInputError (HmrcSyncError, ValueError)   any bad input; the message says what is accepted
    ├── InvalidAmountError         not a Decimal/int, not finite, or negative
    ├── UnknownRegionError         not rUK, scotland or wales
    ├── UnsupportedTaxYearError    not a tax year, or no figures held for it
    └── UnknownOptionError         an unknown Marriage Allowance role or student-loan plan
"""

from __future__ import annotations

from hmrc_sync.errors import HmrcSyncError


class YearEndInputError(HmrcSyncError, ValueError):
    """Base class: an input to a year-end calculation is not acceptable."""

    default_message = "invalid input to the year-end calculation"


class InvalidAmountError(YearEndInputError):
    """A money amount is not a finite, non-negative Decimal (or int)."""

    default_message = "invalid money amount"


class UnknownRegionError(YearEndInputError):
    """The income-tax region is not one of rUK, scotland or wales."""

    default_message = "unknown income-tax region"


class UnsupportedTaxYearError(YearEndInputError):
    """The tax year cannot be read, or no figures are held for it."""

    default_message = "unsupported tax year"


class UnknownOptionError(YearEndInputError):
    """A choice (Marriage Allowance role, student-loan plan) is not one that exists."""

    default_message = "unknown option"
