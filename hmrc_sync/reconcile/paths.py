"""Cumulative pay paths for the PAYE recomputation of one employer's year.

PAYE is cumulative: each period's tax depends on pay to date and tax paid to date. The
*base* path takes both from the payslips themselves (the pay on the P60 basis, the tax
actually deducted). The other paths are what the payroll may have used instead, each with
the explanation it stands for:

* the payslips' own year-to-date figures (pay from a previous employment on a P45, or the
  pay of missing payslips);
* the usual month's pay and tax for each missing payslip, when there are no YTD figures;
* pay without the pension salary sacrifice, or with the RSU notional pay, for payslips whose
  gross figure is the only one they show.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from hmrc_sync.reconcile.explain import money
from hmrc_sync.reconcile.model import Code, Explanation
from hmrc_sync.reconcile.periods import EmployerYear, Gap, SlipPeriod, typical, ytd_offsets

Notes = tuple[Explanation, ...]


@dataclass(frozen=True)
class PayPath:
    """Per payslip (in order): pay this period, pay to date (this one included), tax paid
    before it; ``notes(i)`` says why this path differs from the base at payslip ``i``."""

    pays: tuple[Decimal, ...]
    to_date: tuple[Decimal, ...]
    tax_before: tuple[Decimal, ...]
    notes: Callable[[int], Notes]

    def differs_at(self, base: PayPath, i: int) -> bool:
        return (self.pays[i], self.to_date[i], self.tax_before[i]) != (
            base.pays[i],
            base.to_date[i],
            base.tax_before[i],
        )


def _running(pays: Sequence[Decimal], taxes: Sequence[Decimal]) -> tuple[list[Decimal], ...]:
    to_date, before = [], []
    pay_total = tax_total = Decimal(0)
    for pay, tax in zip(pays, taxes, strict=True):
        pay_total += pay
        to_date.append(pay_total)
        before.append(tax_total)
        tax_total += tax
    return to_date, before


def base_path(slips: Sequence[SlipPeriod]) -> PayPath:
    pays = [p.slip.taxable_basis for p in slips]
    to_date, before = _running(pays, [p.slip.income_tax for p in slips])
    return PayPath(tuple(pays), tuple(to_date), tuple(before), lambda i: ())


def _adjusted(
    slips: Sequence[SlipPeriod],
    adjust: Callable[[SlipPeriod], Decimal],
    note: Callable[[SlipPeriod], Explanation],
) -> PayPath | None:
    changes = [adjust(p) for p in slips]
    if not any(changes):
        return None
    pays = [p.slip.taxable_basis + change for p, change in zip(slips, changes, strict=True)]
    to_date, before = _running(pays, [p.slip.income_tax for p in slips])

    def notes(i: int) -> Notes:
        return tuple(note(p) for p, c in zip(slips[: i + 1], changes, strict=False) if c)

    return PayPath(tuple(pays), tuple(to_date), tuple(before), notes)


def sacrifice_change(item: SlipPeriod) -> Decimal:
    slip = item.slip
    return -slip.pension_sacrifice if slip.taxable_pay is None else Decimal(0)


def rsu_change(item: SlipPeriod) -> Decimal:
    slip = item.slip
    if slip.taxable_pay is None and slip.rsu_offset == 0:
        return slip.rsu_vest
    return Decimal(0)


def sacrifice_note(item: SlipPeriod) -> Explanation:
    amount = item.slip.pension_sacrifice
    return Explanation(
        Code.SALARY_SACRIFICE,
        f"pension salary sacrifice of {money(amount)} on {item.slip.pay_date} is not taxable "
        "(the payslip's gross is before it)",
        -amount,
    )


def rsu_note(item: SlipPeriod) -> Explanation:
    amount = item.slip.rsu_vest
    return Explanation(
        Code.RSU_NOTIONAL_PAY,
        f"RSU notional pay of {money(amount)} on {item.slip.pay_date} is taxable but not in gross",
        amount,
    )


def net_pay_pension_change(item: SlipPeriod) -> Decimal:
    slip = item.slip
    if slip.taxable_pay is None and slip.pension_type is None and slip.pension_employee:
        return -slip.pension_employee
    return Decimal(0)


def net_pay_pension_note(item: SlipPeriod) -> Explanation:
    amount = item.slip.pension_employee
    return Explanation(
        Code.NET_PAY_PENSION,
        f"the {money(amount)} pension contribution on {item.slip.pay_date} fits a net-pay "
        "arrangement (taken from pay before tax), but the payslip does not say which kind of "
        "pension it is",
        -amount,
        inferred=True,
    )


def unrecorded_pension_path(slips: Sequence[SlipPeriod]) -> PayPath | None:
    """Pay less a pension contribution whose kind is not recorded (a net-pay guess)."""
    return _adjusted(slips, net_pay_pension_change, net_pay_pension_note)


def previous_employment_path(
    slips: Sequence[SlipPeriod], base: PayPath, pay: Decimal, tax: Decimal, source: str
) -> PayPath:
    """The payroll's cumulative figures including a previous employment's pay and tax (P45),
    which this employer's year-to-date figures leave out."""
    note = Explanation(
        Code.PREVIOUS_EMPLOYMENT,
        f"the payroll counted {money(pay)} pay and {money(tax)} tax from your previous job "
        f"this tax year ({source}), as it should; the payslips' own totals leave them out",
        pay,
    )
    return PayPath(
        base.pays,
        tuple(t + pay for t in base.to_date),
        tuple(t + tax for t in base.tax_before),
        lambda i: (note,),
    )


def pay_basis_paths(slips: Sequence[SlipPeriod]) -> list[PayPath]:
    """Paths for payslips that show only gross: without sacrifice, with RSU, with both."""
    sacrifice = _adjusted(slips, sacrifice_change, sacrifice_note)
    rsu = _adjusted(slips, rsu_change, rsu_note)
    both = None
    if sacrifice is not None and rsu is not None:

        def both_change(p: SlipPeriod) -> Decimal:
            return sacrifice_change(p) + rsu_change(p)

        def both_note(p: SlipPeriod) -> Explanation:
            return rsu_note(p) if rsu_change(p) else sacrifice_note(p)

        both = _adjusted(slips, both_change, both_note)
    return [path for path in (sacrifice, rsu, both) if path is not None]


def ytd_path(
    slips: Sequence[SlipPeriod], base: PayPath, tolerance: Decimal, leading_is_p45: bool
) -> PayPath | None:
    """Pay and tax to date as the payslips' own YTD figures give them."""
    offsets = ytd_offsets(slips)
    pay_off, tax_off = Decimal(0), Decimal(0)
    pays_off: list[Decimal] = []
    taxes_off: list[Decimal] = []
    for offset in offsets:
        pay_off = pay_off if offset.pay is None else offset.pay
        tax_off = tax_off if offset.tax is None else offset.tax
        pays_off.append(pay_off)
        taxes_off.append(tax_off)
    if all(
        abs(p) <= tolerance and abs(t) <= tolerance
        for p, t in zip(pays_off, taxes_off, strict=True)
    ):
        return None
    first_pay, first_tax = pays_off[0], taxes_off[0]

    def notes(i: int) -> Notes:
        found: list[Explanation] = []
        if abs(first_pay) > tolerance or abs(first_tax) > tolerance:
            found.append(_leading_note(first_pay, first_tax, leading_is_p45))
        later = pays_off[i] - first_pay
        if later > tolerance:
            found.append(
                Explanation(
                    Code.MISSING_PERIOD,
                    f"the year-to-date figures include {money(later)} of pay from payslips "
                    "missing before this one",
                    later,
                )
            )
        elif later < -tolerance:
            found.append(_lower_ytd_note(-later))
        return tuple(found)

    return PayPath(
        base.pays,
        tuple(t + o for t, o in zip(base.to_date, pays_off, strict=True)),
        tuple(t + o for t, o in zip(base.tax_before, taxes_off, strict=True)),
        notes,
    )


def _lower_ytd_note(amount: Decimal) -> Explanation:
    """YTD taxable pay below the payslips' own sum: not missing payslips, a pay basis."""
    return Explanation(
        Code.PAY_BASIS,
        f"the payroll's year-to-date taxable pay is {money(amount)} lower than the payslips' "
        "figures add up to: it counts less of the pay as taxable than the payslips show (a "
        "pension or other deduction taken before tax?), which nothing on the payslips records",
        -amount,
        inferred=True,
    )


def _leading_note(pay: Decimal, tax: Decimal, is_p45: bool) -> Explanation:
    if pay < 0:
        return _lower_ytd_note(-pay)
    if is_p45:
        return Explanation(
            Code.PREVIOUS_EMPLOYMENT,
            f"the year-to-date figures include {money(pay)} pay and {money(tax)} tax from a "
            "previous employment (P45), which the payroll counts cumulatively",
            pay,
        )
    return Explanation(
        Code.MISSING_PERIOD,
        f"the year-to-date figures include {money(pay)} pay and {money(tax)} tax from "
        "payslips missing before the first one",
        pay,
    )


def estimated_missing_path(ey: EmployerYear, gaps: Sequence[Gap]) -> PayPath | None:
    """Each missing payslip (between two present ones) taken as a usual month's pay and tax."""
    slips = ey.slips
    if not gaps:
        return None
    regular = [p.slip for p in slips if p.slip.rsu_vest == 0] or [p.slip for p in slips]
    usual_pay = typical([s.taxable_basis for s in regular])
    usual_tax = typical([s.income_tax for s in regular])
    base = base_path(slips)
    missing_before = [
        sum(g.count for g in gaps if g.after is not None and g.after.period <= p.period)
        for p in slips
    ]
    if not any(missing_before):
        return None

    def notes(i: int) -> Notes:
        count = missing_before[i]
        if not count:
            return ()
        where = ", ".join(
            g.describe(ey.frequency)
            for g in gaps
            if g.after is not None and g.after.period <= slips[i].period
        )
        return (
            Explanation(
                Code.MISSING_PERIOD,
                f"{count} payslip(s) missing before this one ({where}), assumed to be the "
                f"usual {money(usual_pay)} pay and {money(usual_tax)} tax each",
                usual_pay * count,
                inferred=True,
            ),
        )

    return PayPath(
        base.pays,
        tuple(t + usual_pay * k for t, k in zip(base.to_date, missing_before, strict=True)),
        tuple(t + usual_tax * k for t, k in zip(base.tax_before, missing_before, strict=True)),
        notes,
    )
