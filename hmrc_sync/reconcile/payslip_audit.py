"""Per payslip: the tax HMRC's rules say should have been deducted, against the payslip (NI,
student loans and net pay: ``lines``).

Tax is recomputed cumulatively with the PAYE engine on the base path (``paths``), using the
code in force: the payslip's own, else the P60's, else the configured one, else the year's
standard code. When that misses, the audit tries, in the order of paye-domain.md §8: the other
pay paths (the payslips' year-to-date figures, a previous employment, salary sacrifice, RSU
notional pay; then the inferred ones: an unrecorded net-pay pension, missing payslips at the
usual amount), the emergency code on the month 1 / week 1 basis, the other codes seen that
year, and finally the code that the deduction implies (accepted only when it also reproduces
a neighbouring payslip).

Evidence before inference: a path resting on a recorded cause is ``explained``, one resting
on an inferred cause ``review``. A code printed on the payslip is authoritative: deductions
that fit another code are a ``mismatch`` naming both; with no printed code, a fit with another
code is ``review``. A payment after leaving is taxed at 0T on the week 1 / month 1 basis; the
extra week 53 / 54 / 56 payday on the week 1 basis (``paye.tax_for_period`` does that).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from hmrc_sync.paye import (
    CodeKind,
    PayeInputError,
    income_tax_rates,
    parse_tax_code,
    tax_for_period,
)
from hmrc_sync.reconcile.explain import CHECK_INFERRED, money
from hmrc_sync.reconcile.lines import loan_findings, net_pay_finding, ni_findings, slip_finding
from hmrc_sync.reconcile.model import (
    Code,
    Explanation,
    Finding,
    Metric,
    ReconcileOptions,
    Status,
)
from hmrc_sync.reconcile.paths import (
    PayPath,
    base_path,
    estimated_missing_path,
    pay_basis_paths,
    previous_employment_path,
    unrecorded_pension_path,
    ytd_path,
)
from hmrc_sync.reconcile.periods import EmployerYear, Gap, SlipPeriod

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
    # Pay and tax of a previous employment this year, and where they are recorded.
    previous: tuple[Decimal, Decimal, str] | None = None
    year_code_source: str = "the standard code for the year"


def audit(setup: AuditSetup) -> list[Finding]:
    """Tax, NI, student-loan and net-pay findings for every payslip of one employer's year."""
    ey, options = setup.ey, setup.options
    try:
        income_tax_rates(ey.tax_year)
    except PayeInputError:
        return []  # no rates for this year: nothing to recompute with
    slips = ey.slips
    base = base_path(slips)
    others = _other_paths(setup, base)
    findings: list[Finding] = []
    ni = ni_findings(ey, options, slips)
    for i, item in enumerate(slips):
        findings.append(_tax_finding(setup, slips, i, base, others))
        findings.append(ni[i])
        findings += loan_findings(ey, item)
        net = net_pay_finding(ey, options, item)
        if net is not None:
            findings.append(net)
    for duplicate in ey.duplicates:
        findings += _duplicate_findings(ey, duplicate)
    return findings


def _other_paths(setup: AuditSetup, base: PayPath) -> list[PayPath]:
    """The other pay paths, causes on record first, inferred ones last."""
    slips, options = setup.ey.slips, setup.options
    previous = None
    if setup.previous is not None:
        pay, tax, source = setup.previous
        previous = previous_employment_path(slips, base, pay, tax, source)
    paths = (
        ytd_path(slips, base, options.tolerance, setup.leading_is_p45),
        previous,
        *pay_basis_paths(slips),
        unrecorded_pension_path(slips),
        estimated_missing_path(setup.ey, setup.gaps),
    )
    return [path for path in paths if path is not None]


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
        payrolled_benefits=min(item.slip.payrolled_benefits, max(path.pays[i], Decimal(0))),
    )


def _basis_words(item: SlipPeriod) -> str:
    unit = "month" if item.frequency.is_monthly else "week"
    return (
        f"on the {unit} 1 basis (each payment taxed on its own, ignoring the pay and tax "
        "earlier in the year)"
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
    if item.slip.paid_after_leaving:
        return _after_leaving_tax(setup, slips, i, base)
    code = _code_for(setup, item)
    tolerance = setup.options.tolerance
    try:
        expected = _tax(setup, slips, i, base, code, False)
    except PayeInputError as exc:
        note = Explanation(None, f"the tax cannot be worked out: {exc}")
        return _slip_finding(setup.ey, item, Metric.TAX, Status.MISMATCH, deducted, None, (note,))
    if abs(expected - deducted) <= tolerance:
        return _slip_finding(setup.ey, item, Metric.TAX, Status.MATCH, deducted, expected, ())
    moved = [path for path in others if path.differs_at(base, i)]
    for path in moved:
        alt = _try_tax(setup, slips, i, path, code, False)
        if alt is not None and abs(alt - deducted) <= tolerance:
            notes: tuple[Explanation, ...] = (
                *path.notes(i),
                Explanation(None, f"worked out that way: {money(alt)}"),
            )
            status = Status.REVIEW if any(n.inferred for n in notes) else Status.EXPLAINED
            if status is Status.REVIEW:
                notes += (Explanation(None, CHECK_INFERRED),)
            return _slip_finding(setup.ey, item, Metric.TAX, status, deducted, expected, notes)
    fit = _other_code_fit(setup, slips, i, base, moved, code)
    if fit is not None:
        return _code_finding(setup, item, expected, fit)
    note = Explanation(
        None,
        f"{money(abs(expected - deducted))} {'less' if deducted < expected else 'more'} tax "
        f"was deducted than tax code {code} gives ({money(expected)}), and nothing on record "
        f"accounts for it. Ask your payroll team why, and {CHECK_CODE}",
    )
    return _slip_finding(setup.ey, item, Metric.TAX, Status.MISMATCH, deducted, expected, (note,))


CHECK_CODE: Final = "check your tax code in your personal tax account (GOV.UK)"


def _try_tax(
    setup: AuditSetup, slips: Sequence[SlipPeriod], i: int, path: PayPath, code: str, m1: bool
) -> Decimal | None:
    try:
        return _tax(setup, slips, i, path, code, m1)
    except PayeInputError:
        return None


@dataclass(frozen=True)
class _CodeFit:
    code: str
    month1: bool
    path: PayPath
    amount: Decimal
    source: str  # why this code was tried


def _other_code_fit(
    setup: AuditSetup,
    slips: Sequence[SlipPeriod],
    i: int,
    base: PayPath,
    moved: Sequence[PayPath],
    code: str,
) -> _CodeFit | None:
    """Another code (the emergency code, one seen elsewhere, or one worked out from the
    deduction) that reproduces this payslip's tax."""
    deducted, tolerance = slips[i].slip.income_tax, setup.options.tolerance
    tries = [(other, False, "a code seen elsewhere this year") for other in setup.known_codes]
    tries.append((setup.emergency, True, "the emergency code"))
    for other, m1, source in tries:
        if other == code and not m1:
            continue
        for path in (base, *moved):
            alt = _try_tax(setup, slips, i, path, other, m1)
            if alt is not None and abs(alt - deducted) <= tolerance:
                return _CodeFit(other, m1, path, alt, source)
    for path in (base, *moved):
        inferred = _inferred_code(setup, slips, i, path, code)
        if inferred is not None:
            alt = _tax(setup, slips, i, path, inferred, False)
            return _CodeFit(inferred, False, path, alt, "the code the deduction implies")
    return None


def _code_finding(setup: AuditSetup, item: SlipPeriod, expected: Decimal, fit: _CodeFit) -> Finding:
    """The tax fits another code: a mismatch when the payslip prints its code, else review."""
    printed = item.slip.tax_code
    i = setup.ey.slips.index(item)
    basis = f" {_basis_words(item)}" if fit.month1 else ""
    code = Code.EMERGENCY_CODE if fit.month1 else Code.TAX_CODE_CHANGE
    deducted = item.slip.income_tax
    if printed is not None and _body(printed) != _body(fit.code):
        text = (
            f"the tax was deducted at tax code {fit.code}{basis} ({money(fit.amount)}) although "
            f"the payslip says {printed}, which gives {money(expected)}. Ask your payroll team "
            f"to use the code HMRC sent them, and {CHECK_CODE}"
        )
        wrong = (Explanation(code, text),)
        return _slip_finding(setup.ey, item, Metric.TAX, Status.MISMATCH, deducted, expected, wrong)
    if printed is not None:
        text = (
            f"the tax fits the payslip's code {printed}, but worked {_basis_words(item)} "
            "although the payslip does not mark the code as week 1 / month 1"
        )
    else:
        text = (
            f"the tax fits tax code {fit.code}{basis} ({money(fit.amount)}), but the payslip does "
            f"not show its tax code and {setup.year_code} ({setup.year_code_source}) gives "
            f"{money(expected)}"
        )
    notes = (
        *fit.path.notes(i),
        Explanation(code, text, inferred=True),
        Explanation(None, f"nothing on record proves it: {CHECK_CODE}"),
    )
    return _slip_finding(setup.ey, item, Metric.TAX, Status.REVIEW, deducted, expected, notes)


def _body(code: str) -> str:
    try:
        return parse_tax_code(code).body
    except PayeInputError:
        return code


def _after_leaving_tax(
    setup: AuditSetup, slips: Sequence[SlipPeriod], i: int, base: PayPath
) -> Finding:
    """A payment after leaving (after the P45): code 0T on the week 1 / month 1 basis."""
    item = slips[i]
    deducted = item.slip.income_tax
    prefix = setup.year_code[:1] if setup.year_code[:1] in ("S", "C") else ""
    expected = _tax(setup, slips, i, base, f"{prefix}0T", True)
    if abs(expected - deducted) <= setup.options.tolerance:
        return _slip_finding(setup.ey, item, Metric.TAX, Status.MATCH, deducted, expected, ())
    note = Explanation(
        Code.PAID_AFTER_LEAVING,
        f"a payment after leaving is taxed at code {prefix}0T {_basis_words(item)}, which gives "
        f"{money(expected)}; the payslip shows {money(deducted)}. Ask your former employer's "
        "payroll team why",
    )
    return _slip_finding(setup.ey, item, Metric.TAX, Status.MISMATCH, deducted, expected, (note,))


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


def _duplicate_findings(ey: EmployerYear, item: SlipPeriod) -> list[Finding]:
    original = item.duplicate_of
    assert original is not None
    note = Explanation(
        Code.DUPLICATE_PERIOD,
        f"repeats the payslip paid on {original.pay_date} (the same period and figures), so it "
        "is counted once only",
        None,
    )
    return [
        _slip_finding(ey, item, Metric.TAX, Status.EXPLAINED, item.slip.income_tax, None, (note,)),
        _slip_finding(
            ey, item, Metric.NI, Status.EXPLAINED, item.slip.national_insurance, None, (note,)
        ),
    ]


_slip_finding = slip_finding
