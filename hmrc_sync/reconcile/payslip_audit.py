"""Per payslip: the tax and NI HMRC's rules say should have been deducted, against the payslip.

Tax is recomputed cumulatively with the PAYE engine on the base path (``paths``), using the
code in force: the payslip's own, else the P60's, else the configured one, else the year's
standard code. When that misses, the audit tries, in the order of paye-domain.md §8: the other
pay paths (missing payslips, previous employment, salary sacrifice, RSU notional pay), the
emergency code on the month 1 / week 1 basis, the other codes seen that year, and finally the
code that the deduction implies (accepted only when it also reproduces a neighbouring
payslip, so that one odd deduction is not "explained" by an invented code).

NI is recomputed per period (never cumulative) on the same pay, by payment date; misses try
the pay without salary sacrifice, with RSU or net-pay pension, and the other NI categories.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from hmrc_sync.paye import (
    CodeKind,
    PayeInputError,
    income_tax_rates,
    ni_for_period,
    parse_tax_code,
    tax_for_period,
)
from hmrc_sync.reconcile.explain import money
from hmrc_sync.reconcile.model import (
    Basis,
    Code,
    Explanation,
    Finding,
    Metric,
    ReconcileOptions,
    Scope,
    Status,
)
from hmrc_sync.reconcile.paths import (
    PayPath,
    base_path,
    estimated_missing_path,
    pay_basis_paths,
    ytd_path,
)
from hmrc_sync.reconcile.periods import EmployerYear, Gap, SlipPeriod

NI_CATEGORIES_TRIED: Final = ("A", "B", "C", "H", "J", "M", "V", "Z")
_CODE_SEARCH: Final = 9999  # K9999 .. 9999L


@dataclass(frozen=True)
class AuditSetup:
    ey: EmployerYear
    options: ReconcileOptions
    year_code: str  # the code for payslips that do not state one
    emergency: str  # the year's standard code (with the region prefix of year_code)
    known_codes: tuple[str, ...]  # every other code seen for this employer and year
    leading_is_p45: bool
    gaps: tuple[Gap, ...]  # missing payslips between two present ones


def audit(setup: AuditSetup) -> list[Finding]:
    """Tax and NI findings for every payslip of one employer's year."""
    ey, options = setup.ey, setup.options
    try:
        income_tax_rates(ey.tax_year)
    except PayeInputError:
        return []  # no rates for this year: nothing to recompute with
    slips = ey.slips
    base = base_path(slips)
    others = [
        path
        for path in (
            ytd_path(slips, base, options.tolerance, setup.leading_is_p45),
            estimated_missing_path(ey, setup.gaps),
            *pay_basis_paths(slips),
        )
        if path is not None
    ]
    findings: list[Finding] = []
    for i, item in enumerate(slips):
        findings.append(_tax_finding(setup, slips, i, base, others))
        findings.append(_ni_finding(setup, item, base.pays[i]))
    for duplicate in ey.duplicates:
        findings += _duplicate_findings(ey, duplicate)
    return findings


def _code_for(setup: AuditSetup, item: SlipPeriod) -> str:
    return item.slip.tax_code or setup.year_code


def _tax(
    setup: AuditSetup, slips: Sequence[SlipPeriod], i: int, path: PayPath, code: str, m1: bool
) -> Decimal:
    item = slips[i]
    return tax_for_period(
        setup.ey.tax_year,
        code,
        item.frequency,
        item.period,
        path.pays[i],
        path.to_date[i],
        path.tax_before[i],
        week1_month1=m1,
    )


def _tax_finding(
    setup: AuditSetup,
    slips: Sequence[SlipPeriod],
    i: int,
    base: PayPath,
    others: Sequence[PayPath],
) -> Finding:
    item = slips[i]
    deducted = item.slip.income_tax
    code = _code_for(setup, item)
    tolerance = setup.options.tolerance
    try:
        expected = _tax(setup, slips, i, base, code, False)
    except PayeInputError as exc:
        note = Explanation(None, f"cannot recompute the tax: {exc}")
        return _slip_finding(setup.ey, item, Metric.TAX, Status.MISMATCH, deducted, None, (note,))
    if abs(expected - deducted) <= tolerance:
        return _slip_finding(setup.ey, item, Metric.TAX, Status.MATCH, deducted, expected, ())
    for path, alt_code, m1, code_note in _alternatives(setup, item, base, others, code, i):
        try:
            alt = _tax(setup, slips, i, path, alt_code, m1)
        except PayeInputError:
            continue
        if abs(alt - deducted) <= tolerance:
            notes = path.notes(i) + ((code_note,) if code_note else ())
            notes += (Explanation(None, f"recomputed that way: {money(alt)}"),)
            return _slip_finding(
                setup.ey, item, Metric.TAX, Status.EXPLAINED, deducted, expected, notes
            )
    for path in (base, *others):
        inferred = _inferred_code(setup, slips, i, path, code)
        if inferred is not None:
            notes = (
                *path.notes(i),
                Explanation(
                    Code.TAX_CODE_CHANGE,
                    f"the deductions match tax code {inferred}, not {code}: the code in "
                    "force was different (a tax-code change)",
                ),
            )
            return _slip_finding(
                setup.ey, item, Metric.TAX, Status.EXPLAINED, deducted, expected, notes
            )
    note = Explanation(
        None,
        f"{money(expected - deducted)} not accounted for: tax code {code} gives "
        f"{money(expected)}, the payslip shows {money(deducted)}",
    )
    return _slip_finding(setup.ey, item, Metric.TAX, Status.MISMATCH, deducted, expected, (note,))


def _alternatives(
    setup: AuditSetup,
    item: SlipPeriod,
    base: PayPath,
    others: Sequence[PayPath],
    code: str,
    i: int,
) -> Iterator[tuple[PayPath, str, bool, Explanation | None]]:
    moved = [path for path in others if path.differs_at(base, i)]
    for path in moved:
        yield path, code, False, None
    emergency_note = Explanation(
        Code.EMERGENCY_CODE,
        f"the deduction matches the emergency code {setup.emergency} on the "
        f"{'month' if item.frequency.is_monthly else 'week'} 1 basis (not cumulative)",
    )
    for path in (base, *moved):
        yield path, setup.emergency, True, emergency_note
    for other in setup.known_codes:
        if other == code:
            continue
        note = Explanation(
            Code.TAX_CODE_CHANGE,
            f"the deduction matches tax code {other} (seen elsewhere this year), not {code}",
        )
        for path in (base, *moved):
            yield path, other, False, note


def _inferred_code(
    setup: AuditSetup, slips: Sequence[SlipPeriod], i: int, path: PayPath, code: str
) -> str | None:
    """A suffix-L, 0T or K code that reproduces this deduction and a neighbour's."""
    try:
        parsed = parse_tax_code(code)
    except PayeInputError:
        return None
    if parsed.kind not in (CodeKind.ALLOWANCE, CodeKind.K):
        return None
    prefix = code.strip().upper()[:1] if code.strip().upper()[:1] in ("S", "C") else ""
    tolerance = setup.options.tolerance
    deducted = slips[i].slip.income_tax

    def code_at(x: int) -> str:
        return f"{prefix}K{-x}" if x < 0 else (f"{prefix}0T" if x == 0 else f"{prefix}{x}L")

    def tax_at(x: int, j: int = i) -> Decimal:
        return _tax(setup, slips, j, path, code_at(x), False)

    try:
        low, high = -_CODE_SEARCH, _CODE_SEARCH
        if tax_at(high) > deducted + tolerance or tax_at(low) < deducted - tolerance:
            return None
        while low < high:  # tax falls as the code rises: the lowest code taxing <= deducted
            middle = (low + high) // 2
            if tax_at(middle) <= deducted:
                high = middle
            else:
                low = middle + 1
        best = min(
            (x for x in (low - 1, low) if x >= -_CODE_SEARCH),
            key=lambda x: abs(tax_at(x) - deducted),
        )
        if abs(tax_at(best) - deducted) > tolerance or code_at(best) == parsed.body:
            return None
        neighbours = [j for j in (i - 1, i + 1) if 0 <= j < len(slips)]
        if any(abs(tax_at(best, j) - slips[j].slip.income_tax) <= tolerance for j in neighbours):
            return code_at(best)
    except PayeInputError:
        return None
    return None


def _ni_finding(setup: AuditSetup, item: SlipPeriod, pay: Decimal) -> Finding:
    slip = item.slip
    category = slip.ni_category or setup.options.ni_category
    paid = slip.national_insurance
    tolerance = setup.options.tolerance

    def employee_ni(amount: Decimal, letter: str) -> Decimal:
        return ni_for_period(slip.pay_date, letter, item.frequency, max(amount, Decimal(0)))[0]

    try:
        expected = employee_ni(pay, category)
    except PayeInputError as exc:
        note = Explanation(None, f"cannot recompute the NI: {exc}")
        return _slip_finding(setup.ey, item, Metric.NI, Status.MISMATCH, paid, None, (note,))
    if abs(expected - paid) <= tolerance:
        return _slip_finding(setup.ey, item, Metric.NI, Status.MATCH, paid, expected, ())
    tries: list[tuple[Decimal, str, Explanation]] = []
    if slip.taxable_pay is None and slip.pension_sacrifice:
        tries.append(
            (
                pay - slip.pension_sacrifice,
                category,
                _note(
                    Code.SALARY_SACRIFICE,
                    f"NI on pay after the {money(slip.pension_sacrifice)} salary sacrifice",
                ),
            )
        )
    if slip.taxable_pay is None and slip.rsu_vest and not slip.rsu_offset:
        tries.append(
            (
                pay + slip.rsu_vest,
                category,
                _note(
                    Code.RSU_NOTIONAL_PAY,
                    f"NI on pay including {money(slip.rsu_vest)} RSU notional pay",
                ),
            )
        )
    if slip.pension_employee:
        tries.append(
            (
                pay + slip.pension_employee,
                category,
                _note(
                    Code.PAY_BASIS,
                    f"NI on pay before the {money(slip.pension_employee)} net-pay pension "
                    "contribution (it reduces taxable pay, not NIable pay)",
                ),
            )
        )
    for letter in NI_CATEGORIES_TRIED:
        if letter != category.upper():
            tries.append(
                (
                    pay,
                    letter,
                    _note(
                        Code.NI_CATEGORY,
                        f"the deduction matches NI category {letter}, not {category}",
                    ),
                )
            )
    for amount, letter, note in tries:
        try:
            alt = employee_ni(amount, letter)
        except PayeInputError:
            continue
        if abs(alt - paid) <= tolerance:
            notes = (note, Explanation(None, f"recomputed that way: {money(alt)}"))
            return _slip_finding(setup.ey, item, Metric.NI, Status.EXPLAINED, paid, expected, notes)
    miss = Explanation(
        None,
        f"{money(expected - paid)} not accounted for: category {category} NI on "
        f"{money(pay)} is {money(expected)}, the payslip shows {money(paid)}",
    )
    return _slip_finding(setup.ey, item, Metric.NI, Status.MISMATCH, paid, expected, (miss,))


def _note(code: Code, text: str) -> Explanation:
    return Explanation(code, text)


def _duplicate_findings(ey: EmployerYear, item: SlipPeriod) -> list[Finding]:
    original = item.duplicate_of
    assert original is not None
    note = Explanation(
        Code.DUPLICATE_PERIOD,
        f"repeats the payslip of {original.pay_date} ({original.source_ref or 'same figures'}) "
        "for the same period; left out of every sum",
        None,
    )
    return [
        _slip_finding(ey, item, Metric.TAX, Status.EXPLAINED, item.slip.income_tax, None, (note,)),
        _slip_finding(
            ey, item, Metric.NI, Status.EXPLAINED, item.slip.national_insurance, None, (note,)
        ),
    ]


def _slip_finding(
    ey: EmployerYear,
    item: SlipPeriod,
    metric: Metric,
    status: Status,
    value: Decimal,
    expected: Decimal | None,
    explanations: tuple[Explanation, ...],
) -> Finding:
    return Finding(
        tax_year=ey.tax_year,
        employer=ey.employer,
        employer_paye_ref=ey.employer_paye_ref,
        scope=Scope.PAYSLIP,
        metric=metric,
        basis=Basis.EXPECTED,
        status=status,
        payslip_value=value,
        expected_value=expected,
        difference=None if expected is None else expected - value,
        explanations=explanations,
        pay_date=item.slip.pay_date,
        tax_period=item.period,
        payslip_ref=item.slip.source_ref or None,
    )
