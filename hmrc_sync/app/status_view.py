"""What the status page shows, as plain values: reconciliation rows that explain themselves,
the per-year chart figures, and the year-end positions. Tax years are written one way
everywhere, as the CLI writes them (``2024-25``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from hmrc_sync.app.charts import Series, TimelineEvent
from hmrc_sync.reconcile.model import ReconcileInput
from hmrc_sync.taxyear import TaxYear, TaxYearError
from hmrc_sync.yearend.position import Position

_WHAT: Final = {
    "taxable_pay": "taxable pay",
    "gross": "gross pay",
    "tax": "income tax",
    "ni": "National Insurance",
}
_AGAINST: Final = {"hmrc": "HMRC", "p60": "P60", "expected": "HMRC's rules (recomputed)"}
_STATUS_CSS: Final = {"match": "ok", "explained": "info", "review": "warn", "mismatch": "bad"}
NEEDS_ATTENTION: Final = frozenset({"review", "mismatch"})


def tax_year_label(text: str) -> str:
    """``2024/25`` (storage) or ``2024-25`` as the CLI writes it: ``2024-25``."""
    try:
        return TaxYear.parse(text).hmrc
    except TaxYearError:
        return text


def money(value: Decimal | None) -> str:
    return "—" if value is None else f"£{value:,.2f}"


@dataclass(frozen=True, slots=True)
class FindingRow:
    tax_year: str
    employer: str
    checked: str  # "the year" or "payslip of 2025-01-25"
    what: str
    against: str
    their_figure: Decimal | None
    payslips: Decimal | None
    difference: Decimal | None
    side: str  # which side is higher, in words
    status: str
    css: str
    reason: str

    @property
    def needs_attention(self) -> bool:
        return self.status in NEEDS_ATTENTION


def finding_row(row: Any) -> FindingRow:
    """A stored finding (``ReconciliationFinding``) as the page shows it."""
    basis = str(row.basis)
    their = {"hmrc": row.hmrc_value, "p60": row.p60_value}.get(basis, row.expected_value)
    against = _AGAINST.get(basis, basis)
    difference = row.difference
    if difference is None and their is not None and row.payslip_value is not None:
        difference = their - row.payslip_value
    if difference is None or difference == 0:
        side = "the same" if difference == 0 else ""
    elif difference > 0:
        side = f"{against} is {money(difference)} higher"
    else:
        side = f"the payslips are {money(-difference)} higher"
    checked = "the year" if row.scope == "year" else f"payslip of {row.pay_date}"
    return FindingRow(
        tax_year=tax_year_label(str(row.tax_year)),
        employer=str(row.employer),
        checked=checked,
        what=_WHAT.get(str(row.metric), str(row.metric).replace("_", " ")),
        against=against,
        their_figure=their,
        payslips=row.payslip_value,
        difference=difference,
        side=side,
        status=str(row.status),
        css=_STATUS_CSS.get(str(row.status), "bad"),
        reason=row.explanation or "",
    )


def finding_rows(rows: Iterable[Any]) -> tuple[list[FindingRow], list[FindingRow]]:
    """(year findings, per-payslip findings), each as the page shows them."""
    years: list[FindingRow] = []
    slips: list[FindingRow] = []
    for row in rows:
        (years if row.scope == "year" else slips).append(finding_row(row))
    return years, slips


@dataclass(frozen=True, slots=True)
class YearFigures:
    """Per tax year (oldest first): HMRC's, the P60s' and the payslips' pay and tax."""

    categories: tuple[str, ...]
    pay: tuple[Series, ...]
    tax: tuple[Series, ...]


def year_figures(data: ReconcileInput) -> YearFigures:
    years = sorted(data.tax_years)

    def total(values: Sequence[Decimal | None]) -> Decimal | None:
        present = [value for value in values if value is not None]
        return sum(present, Decimal(0)) if present else None

    pay: dict[str, list[Decimal | None]] = {"HMRC": [], "P60": [], "Payslips": []}
    tax: dict[str, list[Decimal | None]] = {"HMRC": [], "P60": [], "Payslips": []}
    for year in years:
        hmrc = [h for h in data.hmrc if h.tax_year == year]
        p60s = [p for p in data.p60s if p.tax_year == year]
        slips = [s for s in data.payslips if s.tax_year == year]
        pay["HMRC"].append(total([h.taxable_pay for h in hmrc]))
        tax["HMRC"].append(total([h.income_tax for h in hmrc]))
        pay["P60"].append(total([p.gross_pay for p in p60s]))
        tax["P60"].append(total([p.income_tax for p in p60s]))
        pay["Payslips"].append(total([s.taxable_basis for s in slips]))
        tax["Payslips"].append(total([s.income_tax for s in slips]))
    return YearFigures(
        categories=tuple(year.hmrc for year in years),
        pay=tuple(Series(name, tuple(values)) for name, values in pay.items()),
        tax=tuple(Series(name, tuple(values)) for name, values in tax.items()),
    )


def tax_by_month(position: Position) -> list[Decimal]:
    """Cumulative tax deducted at the end of each tax month so far (from the payslips)."""
    slips = [slip for employment in position.employments for slip in employment.payslips]
    if not slips:
        return []
    year = position.tax_year
    by_month = [Decimal(0)] * 12
    for slip in slips:
        if slip.pay_date in year:
            by_month[year.tax_month(slip.pay_date) - 1] += slip.income_tax
    last = max(year.tax_month(s.pay_date) for s in slips if s.pay_date in year)
    running, cumulative = Decimal(0), []
    for month in range(last):
        running += by_month[month]
        cumulative.append(running)
    return cumulative


def timeline_events(
    history: Sequence[tuple[str, str, dt.datetime]],
    withdrawn: Iterable[tuple[str, dt.datetime]],
) -> list[TimelineEvent]:
    """Each snapshot as "appeared" (the first for its year and employer) or "changed", and each
    year's withdrawal (HMRC dropped it after the Self Assessment return was processed)."""
    seen: set[tuple[str, str]] = set()
    events = []
    for year, employer, when in history:
        kind = "changed" if (year, employer) in seen else "appeared"
        seen.add((year, employer))
        events.append(TimelineEvent(tax_year_label(year), when.date(), kind, employer))
    for year, when in withdrawn:
        events.append(
            TimelineEvent(tax_year_label(year), when.date(), "withdrawn", "all employers")
        )
    return sorted(events, key=lambda event: (event.when, event.row))
