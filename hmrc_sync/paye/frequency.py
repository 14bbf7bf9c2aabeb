"""Pay frequencies and how each maps onto HMRC's weekly or monthly tax tables."""

from __future__ import annotations

from enum import StrEnum

from hmrc_sync.paye.choices import parse_choice
from hmrc_sync.paye.errors import FrequencyError, PeriodError


class Frequency(StrEnum):
    """How often the employee is paid. The value is the text the API accepts."""

    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    FOUR_WEEKLY = "four_weekly"
    MONTHLY = "monthly"

    @classmethod
    def parse(cls, value: Frequency | str) -> Frequency:
        """Accept a ``Frequency`` or its text (case-insensitive; ``-`` or space for ``_``)."""
        return parse_choice(cls, value, FrequencyError, "pay frequency")

    @property
    def is_monthly(self) -> bool:
        return self is Frequency.MONTHLY

    @property
    def weeks_per_period(self) -> int:
        """Tax weeks in one pay period (0 for monthly, which uses the monthly tables)."""
        return _WEEKS[self]

    @property
    def periods_per_year(self) -> int:
        """Regular pay periods in a tax year: 52, 26, 13 or 12."""
        return 12 if self.is_monthly else 52 // self.weeks_per_period

    @property
    def table_periods(self) -> int:
        """Periods in the table the tax calculation uses: 12 (monthly) or 52 (weekly)."""
        return 12 if self.is_monthly else 52

    @property
    def max_period(self) -> int:
        """The last valid period number: week 53, fortnight 27, four-week period 14, month 12.

        The extra period (week 53/54/56 in HMRC's terms) exists when an extra payday falls
        at the end of the tax year; PAYE taxes it on a week-1 basis.
        """
        return 12 if self.is_monthly else self.periods_per_year + 1

    def is_extra_period(self, period: int) -> bool:
        """True for the week-53 style extra period (never for monthly pay)."""
        return not self.is_monthly and period == self.max_period

    def table_period(self, period: int) -> int:
        """The week (or month) number in HMRC's tables that ends this pay period.

        Fortnight *n* ends in week 2n and four-week period *n* in week 4n, so cumulative
        free pay and band limits for them are the weekly figures for that week.
        """
        self.check_period(period)
        return period if self.is_monthly else period * self.weeks_per_period

    def check_period(self, period: int) -> None:
        if isinstance(period, bool) or not isinstance(period, int):
            raise PeriodError(f"the period must be an integer, not {period!r}")
        if not 1 <= period <= self.max_period:
            raise PeriodError(
                f"period {period} is out of range for {self.value} pay: use 1 to {self.max_period}"
            )


_WEEKS: dict[Frequency, int] = {
    Frequency.WEEKLY: 1,
    Frequency.FORTNIGHTLY: 2,
    Frequency.FOUR_WEEKLY: 4,
    Frequency.MONTHLY: 0,
}
