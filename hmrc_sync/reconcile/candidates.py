"""Candidate explanations for a gap between a reference figure and the payslips' sum.

* **Missing payslips**: each run of tax periods with no payslip (before the first, between
  two, after the last one due). The amount comes from the payslips' own YTD figures where
  they allow (exact), else the usual period's amount (the median of the payslips without RSU).
* **Duplicated payslips**: a payslip repeated with the same period and figures.
* **Pay basis** (pay and gross only): salary sacrifice, RSU notional pay, and other
  differences between taxable pay and gross (net-pay pension, payrolled benefits).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal

from hmrc_sync.paye import PayeInputError, ni_for_period
from hmrc_sync.payslips.model import Payslip
from hmrc_sync.reconcile.explain import money
from hmrc_sync.reconcile.model import Code, Explanation, Metric
from hmrc_sync.reconcile.periods import EmployerYear, Gap, SlipPeriod, find_gaps, typical

Value = Callable[[Payslip], Decimal]
VALUES: dict[Metric, Value] = {
    Metric.TAXABLE_PAY: lambda s: s.taxable_basis,
    Metric.GROSS: lambda s: s.gross_pay,
    Metric.TAX: lambda s: s.income_tax,
    Metric.NI: lambda s: s.national_insurance,
}
_YTD: dict[Metric, Callable[[Payslip], Decimal | None]] = {
    Metric.TAXABLE_PAY: lambda s: s.ytd_taxable_pay,
    Metric.GROSS: lambda s: s.ytd_gross,
    Metric.TAX: lambda s: s.ytd_tax_paid,
    Metric.NI: lambda s: s.ytd_national_insurance,
}
NAMES = {
    Metric.TAXABLE_PAY: "pay",
    Metric.GROSS: "gross",
    Metric.TAX: "tax",
    Metric.NI: "NI",
}


def candidates(
    ey: EmployerYear,
    leading_is_p45: bool,
    metric: Metric,
    slips: tuple[SlipPeriod, ...],
    last_expected: int,
    cutoff: dt.date | None,
) -> list[Explanation]:
    # The reference (HMRC, P60) counts pay on the taxable basis, so a missing or repeated
    # payslip moves "gross vs HMRC" by its taxable pay; the basis candidates do the rest.
    counted = Metric.TAXABLE_PAY if metric is Metric.GROSS else metric
    value = VALUES[counted]
    found: list[Explanation] = []
    for duplicate in ey.duplicates:
        if cutoff is None or duplicate.slip.pay_date <= cutoff:
            amount = VALUES[metric](duplicate.slip)  # in the payslips' sum as recorded
            found.append(
                Explanation(
                    Code.DUPLICATE_PERIOD,
                    f"the payslip of {duplicate.slip.pay_date} appears twice "
                    f"({money(amount)} {NAMES[metric]} counted once only)",
                    -amount,
                )
            )
    leading, inner, trailing = find_gaps(slips, last_expected)
    regular = [p.slip for p in slips if p.slip.rsu_vest == 0] or [p.slip for p in slips]
    usual = typical([value(s) for s in regular])
    for gap in (leading, *inner, trailing):
        if gap is None:
            continue
        exact = _gap_from_ytd(gap, counted, leading_is_p45)
        how = "as the year-to-date figures on the payslips show"
        if exact is None and counted is Metric.NI:
            exact = _ni_on_recorded_pay(gap, ey, leading_is_p45)
            how = "worked out on the pay the year-to-date figures show for it"
        amount = exact if exact is not None else usual * gap.count
        if exact is None:
            how = "assumed to be a usual period's amount"
        found.append(
            Explanation(
                Code.MISSING_PERIOD,
                f"no payslip for {gap.describe(ey.frequency)} ({money(amount)} "
                f"{NAMES[counted]}, {how})",
                amount,
                inferred=exact is None,
            )
        )
    if metric in (Metric.TAXABLE_PAY, Metric.GROSS):
        found += _basis_candidates(slips, metric)
    return found


def _gap_from_ytd(gap: Gap, metric: Metric, leading_is_p45: bool) -> Decimal | None:
    ytd = _YTD.get(metric)
    if ytd is None or gap.after is None:
        return None
    after = ytd(gap.after.slip)
    if after is None:
        return None
    value = VALUES[metric]
    if gap.before is None:
        return None if leading_is_p45 else after - value(gap.after.slip)
    before = ytd(gap.before.slip)
    return None if before is None else after - before - value(gap.after.slip)


def _ni_on_recorded_pay(gap: Gap, ey: EmployerYear, leading_is_p45: bool) -> Decimal | None:
    """The NI on the missing periods' pay, when the YTD figures record that pay."""
    pay = _gap_from_ytd(gap, Metric.TAXABLE_PAY, leading_is_p45)
    near = gap.before or gap.after
    if pay is None or near is None or pay < 0:
        return None
    slip = near.slip
    if slip.director or slip.ni_basis != slip.taxable_basis:
        return None  # NI-able pay is not taxable pay here: not recorded for the gap
    each = (pay / gap.count).quantize(Decimal("0.01"))
    try:
        ni = ni_for_period(slip.pay_date, slip.ni_category or "A", near.frequency, each)[0]
    except PayeInputError:
        return None
    return ni * gap.count


def _basis_candidates(slips: Sequence[SlipPeriod], metric: Metric) -> list[Explanation]:
    """Salary sacrifice, RSU notional pay and other differences of taxable pay and gross."""
    rsu = sacrifice = other = Decimal(0)
    for item in slips:
        slip = item.slip
        if slip.taxable_pay is None:
            if slip.rsu_vest and not slip.rsu_offset:
                rsu += slip.rsu_vest
            sacrifice -= slip.pension_sacrifice
            if metric is Metric.GROSS:  # a recorded net-pay pension or payrolled benefits
                other += slip.taxable_basis - slip.gross_pay
        elif metric is Metric.GROSS:
            delta = slip.taxable_pay - slip.gross_pay
            if slip.rsu_vest:
                # Gross may be before the sacrifice too: take it out of the RSU part then.
                cut = slip.pension_sacrifice
                with_cut = abs(delta + cut - slip.rsu_vest) <= abs(delta - slip.rsu_vest)
                part = cut if cut and with_cut else Decimal(0)
                rsu += delta + part
                sacrifice -= part
            elif slip.pension_sacrifice and delta < 0:
                sacrifice += delta
            else:
                other += delta
    found = []
    if rsu:
        found.append(
            Explanation(
                Code.RSU_NOTIONAL_PAY,
                f"RSU notional pay of {money(rsu)} is taxable pay that the payslips' "
                f"{'gross' if metric is Metric.GROSS else 'figures'} leave out",
                rsu,
            )
        )
    if sacrifice:
        found.append(
            Explanation(
                Code.SALARY_SACRIFICE,
                f"pension salary sacrifice of {money(-sacrifice)} is not taxable pay",
                sacrifice,
            )
        )
    if other:
        found.append(
            Explanation(
                Code.PAY_BASIS,
                f"taxable pay differs from gross by {money(other)} on other payslips (net-pay "
                "pension or payrolled benefits)",
                other,
            )
        )
    unrecorded = sum(
        (
            p.slip.pension_employee
            for p in slips
            if p.slip.taxable_pay is None and p.slip.pension_type is None
        ),
        Decimal(0),
    )
    if unrecorded:
        found.append(
            Explanation(
                Code.NET_PAY_PENSION,
                f"pension contributions of {money(unrecorded)} would lower taxable pay if they "
                "are a net-pay arrangement, but the payslips do not say which kind of pension "
                "they are",
                -unrecorded,
                inferred=True,
            )
        )
    return found
