"""``reconcile``: HMRC's figures + payslips + P60s -> findings, per tax year and employer.

Pure: no I/O, no clock (``ReconcileOptions.as_of`` stands for "today"). The steps for each
tax year: group the payslips by employer, match the groups with HMRC's employments and the
P60s (``matching``), then for each employer audit every payslip (``payslip_audit``) and
compare the year's sums (``year``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from hmrc_sync.paye import Frequency, PayeInputError, income_tax_rates, parse_tax_code
from hmrc_sync.payslips.model import P60, Payslip
from hmrc_sync.reconcile.matching import employer_key, names_match, pair_up, plausibly_same
from hmrc_sync.reconcile.model import (
    Finding,
    HmrcEmployment,
    ReconcileInput,
    ReconcileOptions,
    ReconcileResult,
    YearAvailability,
)
from hmrc_sync.reconcile.payslip_audit import AuditSetup, audit
from hmrc_sync.reconcile.periods import (
    EmployerYear,
    build_periods,
    find_gaps,
    last_expected_period,
    ytd_offsets,
)
from hmrc_sync.reconcile.year import YearContext, year_findings
from hmrc_sync.taxyear import TaxYear


@dataclass(frozen=True)
class _Group:
    """The payslips of one employer in one year."""

    name: str
    ref: str | None
    slips: tuple[Payslip, ...]


def reconcile(data: ReconcileInput) -> ReconcileResult:
    findings: list[Finding] = []
    slips_by_year: dict[TaxYear, list[Payslip]] = defaultdict(list)
    for slip in data.payslips:
        slips_by_year[slip.tax_year].append(slip)
    for year in sorted(set(data.tax_years), reverse=True):
        findings += _reconcile_year(
            year,
            slips_by_year.get(year, []),
            [h for h in data.hmrc if h.tax_year == year],
            [p for p in data.p60s if p.tax_year == year],
            data.availability.get(year, YearAvailability.NOT_FETCHED),
            data.options,
        )
    return ReconcileResult(
        tuple(sorted(set(data.tax_years), reverse=True)),
        tuple(findings),
        data.options.tolerance,
        availability=dict(data.availability),
    )


def _reconcile_year(
    year: TaxYear,
    slips: Sequence[Payslip],
    hmrc: Sequence[HmrcEmployment],
    p60s: Sequence[P60],
    availability: YearAvailability,
    options: ReconcileOptions,
) -> list[Finding]:
    employers = _employer_years(year, _groups(slips), hmrc, p60s, options)
    contexts = {id(ey): _context(ey, employers, availability, options) for ey in employers}
    p45s = {
        id(ey): contexts[id(ey)].previous_pay for ey in employers if contexts[id(ey)].previous_pay
    }
    findings: list[Finding] = []
    for ey in employers:
        elsewhere = tuple(
            (other.employer, pay)
            for other in employers
            if other is not ey and (pay := p45s.get(id(other))) is not None
        )
        ctx = replace(contexts[id(ey)], p45_elsewhere=elsewhere)
        audited = audit(_audit_setup(ey, ctx, options, employers)) if ey.slips else []
        findings += year_findings(ey, ctx, audited)
        findings += audited
    return findings


def _groups(slips: Sequence[Payslip]) -> list[_Group]:
    grouped: dict[str, list[Payslip]] = defaultdict(list)
    for slip in slips:
        grouped[employer_key(slip.employer, slip.employer_paye_ref)].append(slip)
    return [
        _Group(
            items[0].employer or "(employer not named)",
            next((s.employer_paye_ref for s in items if s.employer_paye_ref), None),
            tuple(items),
        )
        for _, items in sorted(grouped.items())
    ]


@dataclass(frozen=True)
class _Side:
    """Payslips and HMRC's employment paired as one employer (either may be missing)."""

    group: _Group | None = None
    employment: HmrcEmployment | None = None

    @property
    def ref(self) -> str | None:
        if self.employment is not None:
            return self.employment.employer_paye_ref
        return self.group.ref if self.group else None

    @property
    def names(self) -> list[str | None]:
        return [
            self.group.name if self.group else None,
            self.employment.employer_name if self.employment else None,
        ]

    @property
    def pay(self) -> Decimal | None:
        if self.group is not None:
            return _total(self.group)
        return self.employment.taxable_pay if self.employment else None


# How payslips pair with HMRC's employments: by PAYE reference, by name, then the last of each.
def _group_ref_matches(group: _Group, employment: HmrcEmployment) -> bool:
    return bool(group.ref) and (group.ref or "").upper() == employment.employer_paye_ref.upper()


def _group_name_matches(group: _Group, employment: HmrcEmployment) -> bool:
    return names_match(group.name, employment.employer_name)


def _group_plausibly_same(group: _Group, employment: HmrcEmployment) -> bool:
    return plausibly_same(
        group.name, employment.employer_name, _total(group), employment.taxable_pay
    )


# How those pairs then pair with P60s, by the same three rules.
def _p60_ref_matches(side: _Side, p60: P60) -> bool:
    ref = side.ref or ""
    return (
        bool(ref and p60.employer_paye_ref) and ref.upper() == (p60.employer_paye_ref or "").upper()
    )


def _p60_name_matches(side: _Side, p60: P60) -> bool:
    return any(names_match(name, p60.employer) for name in side.names)


def _p60_plausibly_same(side: _Side, p60: P60) -> bool:
    return any(plausibly_same(name, p60.employer, side.pay, p60.gross_pay) for name in side.names)


def _employer_years(
    year: TaxYear,
    groups: Sequence[_Group],
    hmrc: Sequence[HmrcEmployment],
    p60s: Sequence[P60],
    options: ReconcileOptions,
) -> list[EmployerYear]:
    """One ``EmployerYear`` per employer seen in the payslips, HMRC's figures or a P60."""
    pairs, lone_groups, lone_hmrc = pair_up(
        groups, hmrc, _group_ref_matches, _group_name_matches, _group_plausibly_same
    )
    sides = [
        *(_Side(group, employment) for group, employment in pairs),
        *(_Side(group=group) for group in lone_groups),
        *(_Side(employment=employment) for employment in lone_hmrc),
    ]
    with_p60, lone_sides, lone_p60s = pair_up(
        sides, p60s, _p60_ref_matches, _p60_name_matches, _p60_plausibly_same
    )
    matched: list[tuple[_Side, P60 | None]] = [
        *with_p60,
        *((side, None) for side in lone_sides),
        *((_Side(), p60) for p60 in lone_p60s),
    ]
    default = Frequency.parse(options.frequency)
    return [_employer_year(year, side, p60, default) for side, p60 in matched]


def _employer_year(year: TaxYear, side: _Side, p60: P60 | None, default: Frequency) -> EmployerYear:
    group, employment = side.group, side.employment
    periods, frequency = build_periods(group.slips if group else (), year, default)
    if group is not None:
        name = group.name
    elif employment is not None:
        name = employment.employer_name or employment.employer_paye_ref
    else:
        name = p60.employer if p60 else "?"
    return EmployerYear(
        tax_year=year,
        employer=name,
        employer_paye_ref=side.ref or (p60.employer_paye_ref if p60 else None),
        periods=periods,
        frequency=frequency,
        hmrc=employment,
        p60=p60,
    )


def _total(group: _Group) -> Decimal:
    return sum((slip.taxable_basis for slip in group.slips), Decimal(0))


def _context(
    ey: EmployerYear,
    employers: Sequence[EmployerYear],
    availability: YearAvailability,
    options: ReconcileOptions,
) -> YearContext:
    slips = ey.slips
    others_in_hmrc = any(o is not ey and o.hmrc is not None for o in employers)
    total = sum((p.slip.taxable_basis for p in slips), Decimal(0))
    hmrc_agrees = (
        ey.hmrc is not None
        and ey.hmrc.taxable_pay is not None
        and abs(ey.hmrc.taxable_pay - total) <= options.tolerance
    )
    leading_is_p45 = bool(
        (slips and slips[0].period == 1)
        or (ey.p60 is not None and ey.p60.previous_pay)
        or others_in_hmrc
        or hmrc_agrees
    )
    previous_pay = previous_tax = None
    if slips and leading_is_p45:
        first = ytd_offsets(slips)[0]
        if first.pay is not None and abs(first.pay) > options.tolerance:
            previous_pay = first.pay
            previous_tax = first.tax
    return YearContext(options, availability, leading_is_p45, previous_pay, previous_tax, ())


def _previous_employment(
    ey: EmployerYear, employers: Sequence[EmployerYear]
) -> tuple[Decimal, Decimal, str] | None:
    """Pay and tax of an earlier job this year, as recorded: the P60's "previous employment"
    boxes, else the payslips of employers whose last payslip came before this one's first."""
    if ey.p60 is not None and ey.p60.previous_pay:
        return ey.p60.previous_pay, ey.p60.previous_tax or Decimal(0), "as the P60 records"
    if not ey.slips:
        return None
    start = ey.slips[0].slip.pay_date
    earlier = [
        o for o in employers if o is not ey and o.slips and o.slips[-1].slip.pay_date < start
    ]
    if not earlier:
        return None
    pay = sum((p.slip.taxable_basis for o in earlier for p in o.slips), Decimal(0))
    tax = sum((p.slip.income_tax for o in earlier for p in o.slips), Decimal(0))
    names = ", ".join(o.employer for o in earlier)
    return pay, tax, f"as the payslips from {names} show"


def _audit_setup(
    ey: EmployerYear,
    ctx: YearContext,
    options: ReconcileOptions,
    employers: Sequence[EmployerYear] = (),
) -> AuditSetup:
    try:
        standard = income_tax_rates(ey.tax_year).emergency_code
    except PayeInputError:
        standard = "1257L"
    p60_code = _normal(ey.p60.tax_code if ey.p60 else None)
    configured = _normal(options.tax_code)
    year_code = p60_code or configured or standard
    source = "the code on your P60" if p60_code else "the code you configured"
    if not (p60_code or configured):
        source = "the standard code for the year"
    prefix = year_code[:1] if year_code[:1] in ("S", "C") else ""
    known = [_normal(p.slip.tax_code) for p in ey.slips]
    known += [_normal(ey.p60.tax_code if ey.p60 else None), _normal(options.tax_code)]
    codes = tuple(dict.fromkeys(code for code in known if code))
    last = last_expected_period(ey.frequency, ey.tax_year, options.as_of)
    _, inner, _ = find_gaps(ey.slips, last)
    return AuditSetup(
        ey=ey,
        options=ctx.options,
        year_code=year_code,
        emergency=prefix + standard,
        known_codes=codes,
        leading_is_p45=ctx.leading_is_p45,
        gaps=inner,
        previous=_previous_employment(ey, employers),
        year_code_source=source,
    )


def _normal(code: str | None) -> str | None:
    if not code:
        return None
    try:
        return str(parse_tax_code(code))
    except PayeInputError:
        return None
