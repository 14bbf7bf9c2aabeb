"""Pay periods of one employer's year: which period each payslip is for, duplicates, gaps,
and what the payslips' own year-to-date figures say about pay before the first payslip.

The period is the one containing the payment date (paye-domain.md 1.1): tax month 1 runs
6 April to 5 May; tax weeks start on 6 April. A payslip may state its period
(``tax_period``), which wins.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from statistics import median

from hmrc_sync.paye import Frequency
from hmrc_sync.payslips.model import P60, Payslip
from hmrc_sync.reconcile.model import HmrcEmployment
from hmrc_sync.taxyear import TaxYear

PENNY = Decimal("0.01")


def period_of(day: dt.date, frequency: Frequency, tax_year: TaxYear) -> int:
    """The pay period of ``frequency`` that contains ``day``."""
    if frequency is Frequency.MONTHLY:
        return tax_year.tax_month(day)
    week = tax_year.tax_week(day)
    period = (week - 1) // frequency.weeks_per_period + 1
    return min(period, frequency.max_period)


@dataclass(frozen=True, slots=True)
class SlipPeriod:
    slip: Payslip
    frequency: Frequency
    period: int
    duplicate_of: Payslip | None = None  # an earlier payslip with the same period and figures


@dataclass(frozen=True, slots=True)
class Gap:
    """Periods ``first``..``last`` with no payslip; ``before``/``after`` are the neighbours."""

    first: int
    last: int
    before: SlipPeriod | None
    after: SlipPeriod | None

    @property
    def count(self) -> int:
        return self.last - self.first + 1

    def describe(self, frequency: Frequency) -> str:
        unit = "month" if frequency is Frequency.MONTHLY else "period"
        if self.first == self.last:
            return f"tax {unit} {self.first}"
        return f"tax {unit}s {self.first}-{self.last}"


@dataclass(frozen=True)
class EmployerYear:
    """One employer's tax year as the reconciler sees it."""

    tax_year: TaxYear
    employer: str
    employer_paye_ref: str | None
    periods: tuple[SlipPeriod, ...]  # every payslip, by pay date (duplicates included)
    frequency: Frequency
    hmrc: HmrcEmployment | None = None
    p60: P60 | None = None

    @property
    def slips(self) -> tuple[SlipPeriod, ...]:
        """The payslips that count (a duplicate is left out)."""
        return tuple(p for p in self.periods if p.duplicate_of is None)

    @property
    def duplicates(self) -> tuple[SlipPeriod, ...]:
        return tuple(p for p in self.periods if p.duplicate_of is not None)

    def up_to(self, day: dt.date | None) -> tuple[SlipPeriod, ...]:
        """The payslips that count, paid on or before ``day`` (all when None)."""
        slips = self.slips
        return slips if day is None else tuple(p for p in slips if p.slip.pay_date <= day)

    def recorded_up_to(self, day: dt.date | None) -> tuple[SlipPeriod, ...]:
        """Every payslip as recorded (duplicates too), paid on or before ``day``."""
        return tuple(p for p in self.periods if day is None or p.slip.pay_date <= day)


def build_periods(
    slips: Sequence[Payslip], tax_year: TaxYear, default: Frequency
) -> tuple[tuple[SlipPeriod, ...], Frequency]:
    """Each payslip's period, with duplicates marked; and the employer's usual frequency."""
    frequencies = Counter(Frequency.parse(s.pay_frequency or default) for s in slips)
    usual = frequencies.most_common(1)[0][0] if frequencies else default
    seen: dict[tuple[int, tuple[Decimal | None, ...]], Payslip] = {}
    periods = []
    for slip in sorted(slips, key=lambda s: (s.pay_date, s.source_ref)):
        frequency = Frequency.parse(slip.pay_frequency or usual)
        period = slip.tax_period or period_of(slip.pay_date, frequency, tax_year)
        figures = (slip.gross_pay, slip.taxable_pay, slip.income_tax, slip.national_insurance)
        first = seen.get((period, figures))
        if first is None:
            seen[(period, figures)] = slip
        periods.append(SlipPeriod(slip, frequency, period, first))
    return tuple(periods), usual


def last_expected_period(frequency: Frequency, tax_year: TaxYear, up_to: dt.date | None) -> int:
    """The last period payslips should exist for by ``up_to`` (the whole year if None)."""
    full = frequency.periods_per_year
    if up_to is None or up_to > tax_year.last_day:
        return full
    if up_to < tax_year.first_day:
        return 0
    return min(full, period_of(up_to, frequency, tax_year))


def find_gaps(
    slips: Sequence[SlipPeriod], last_expected: int
) -> tuple[Gap | None, tuple[Gap, ...], Gap | None]:
    """(leading gap, gaps between payslips, trailing gap up to ``last_expected``)."""
    ordered = sorted(slips, key=lambda p: (p.period, p.slip.pay_date))
    if not ordered:
        return None, (), None
    leading = Gap(1, ordered[0].period - 1, None, ordered[0]) if ordered[0].period > 1 else None
    inner = tuple(
        Gap(a.period + 1, b.period - 1, a, b)
        for a, b in itertools.pairwise(ordered)
        if b.period > a.period + 1
    )
    end = ordered[-1]
    trailing = Gap(end.period + 1, last_expected, end, None) if last_expected > end.period else None
    return leading, inner, trailing


@dataclass(frozen=True, slots=True)
class YtdOffset:
    """Payslip YTD figures minus the running sums of the payslips themselves."""

    pay: Decimal | None
    tax: Decimal | None


def ytd_offsets(slips: Sequence[SlipPeriod]) -> list[YtdOffset]:
    """For each payslip (in order), how far its YTD figures run ahead of the payslips.

    An offset at the first payslip is pay (and tax) from before it: a previous employment
    (P45) or missing earlier payslips. A jump in the offset between two payslips is the
    pay of the payslips missing between them.
    """
    running_pay = running_tax = Decimal(0)
    offsets = []
    for item in slips:
        slip = item.slip
        running_pay += slip.taxable_basis
        running_tax += slip.income_tax
        pay = None if slip.ytd_taxable_pay is None else slip.ytd_taxable_pay - running_pay
        tax = None if slip.ytd_tax_paid is None else slip.ytd_tax_paid - running_tax
        offsets.append(YtdOffset(pay, tax))
    return offsets


def typical(values: Sequence[Decimal]) -> Decimal:
    """The median of ``values`` to the penny (0 when empty): one period's usual amount."""
    if not values:
        return Decimal("0.00")
    return Decimal(median(values)).quantize(PENNY)
