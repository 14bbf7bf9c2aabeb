"""A ``ReconcileResult`` as a readable table, JSON or CSV (pure: returns text)."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Final

from hmrc_sync.reconcile.model import (
    Basis,
    Finding,
    Metric,
    ReconcileResult,
    Scope,
    Status,
)

COLUMNS: Final = (
    "tax_year",
    "employer",
    "employer_paye_ref",
    "scope",
    "metric",
    "basis",
    "pay_date",
    "tax_period",
    "payslip_ref",
    "hmrc_value",
    "p60_value",
    "payslip_value",
    "expected_value",
    "difference",
    "status",
    "explanation_code",
    "explanation",
    "availability",
)

_CHECK_NAMES: Final = {
    (Metric.TAXABLE_PAY, Basis.HMRC): "taxable pay vs HMRC",
    (Metric.GROSS, Basis.HMRC): "gross vs HMRC pay",
    (Metric.TAX, Basis.HMRC): "tax vs HMRC",
    (Metric.TAXABLE_PAY, Basis.P60): "taxable pay vs P60",
    (Metric.TAX, Basis.P60): "tax vs P60",
    (Metric.NI, Basis.P60): "NI vs P60",
    (Metric.NI, Basis.EXPECTED): "NI vs recomputed",
    (Metric.TAX, Basis.EXPECTED): "tax vs recomputed",
    (Metric.STUDENT_LOAN, Basis.EXPECTED): "student loan vs rules",
    (Metric.STUDENT_LOAN, Basis.P60): "student loan vs P60",
    (Metric.POSTGRADUATE_LOAN, Basis.EXPECTED): "postgrad loan vs rules",
    (Metric.NET_PAY, Basis.EXPECTED): "net pay vs deductions",
    (Metric.NI, Basis.YEAR_TO_DATE): "NI vs year to date",
    (Metric.STUDENT_LOAN, Basis.YEAR_TO_DATE): "loan vs year to date",
    (Metric.POSTGRADUATE_LOAN, Basis.P60): "postgrad loan vs P60",
}


def finding_values(finding: Finding) -> dict[str, Any]:
    """One finding as plain values (Decimals and dates kept), keyed by ``COLUMNS``."""
    return {
        "tax_year": finding.tax_year.hmrc,
        "employer": finding.employer,
        "employer_paye_ref": finding.employer_paye_ref,
        "scope": finding.scope.value,
        "metric": finding.metric.value,
        "basis": finding.basis.value,
        "pay_date": finding.pay_date,
        "tax_period": finding.tax_period,
        "payslip_ref": finding.payslip_ref,
        "hmrc_value": finding.hmrc_value,
        "p60_value": finding.p60_value,
        "payslip_value": finding.payslip_value,
        "expected_value": finding.expected_value,
        "difference": finding.difference,
        "status": finding.status.value,
        "explanation_code": finding.explanation_code,
        "explanation": finding.explanation_text,
        "availability": finding.availability.value if finding.availability else None,
    }


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return str(value.quantize(Decimal("0.01")))
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def summary(result: ReconcileResult) -> dict[str, int]:
    return {status.value: result.count(status) for status in Status}


def as_json(result: ReconcileResult) -> str:
    document = {
        "tax_years": [year.hmrc for year in result.tax_years],
        "tolerance": _text(result.tolerance),
        "summary": summary(result),
        "verdict": verdict(result),
        "exit_code": result.exit_code,
        "findings": [
            {
                key: (value if isinstance(value, int | None) else _text(value))
                for key, value in finding_values(f).items()
            }
            for f in result.findings
        ],
    }
    return json.dumps(document, indent=2)


def as_csv(result: ReconcileResult) -> str:
    """Every finding as CSV; text that a spreadsheet would run as a formula is defused."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for finding in result.findings:
        values = finding_values(finding)
        writer.writerow([safe_cell(_text(values[column]) or "") for column in COLUMNS])
    return buffer.getvalue()


_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")
_NUMBER: Final = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")


def safe_cell(text: str) -> str:
    """A CSV cell a spreadsheet will not run: text starting with ``= + - @``, a tab or a
    carriage return (an employer's name from a payslip, say) gets a leading apostrophe, as
    OWASP advises; plain numbers such as ``-12.50`` are left as they are."""
    if text.startswith(_FORMULA_START) and not _NUMBER.match(text):
        return "'" + text
    return text


def _money(value: Decimal | None) -> str:
    return "-" if value is None else f"{value:,.2f}"


def as_table(result: ReconcileResult) -> str:
    lines: list[str] = []
    for year in result.tax_years:
        in_year = [f for f in result.findings if f.tax_year == year]
        availability = result.availability.get(year) or next(
            (f.availability for f in in_year if f.availability), None
        )
        state = availability.value.replace("_", " ") if availability else "not fetched"
        lines.append(f"Tax year {year.hmrc}  (HMRC data: {state})")
        if not in_year:
            lines.append("  no payslips, P60s or HMRC figures for this year")
        for employer in dict.fromkeys(f.employer for f in in_year):
            lines += _employer_block([f for f in in_year if f.employer == employer])
        lines.append("")
    if result.empty:
        lines.append(NOTHING_TO_RECONCILE)
        return "\n".join(lines)
    counts = summary(result)
    lines.append(
        f"Summary: {counts['match']} match, {counts['explained']} explained, "
        f"{counts['review']} to review, {counts['mismatch']} mismatch "
        f"(tolerance £{result.tolerance:.2f}): {verdict(result)}."
    )
    return "\n".join(lines)


NOTHING_TO_RECONCILE: Final = (
    "Nothing to reconcile: there are no payslips, P60s or HMRC figures for these tax years. "
    "Import payslips with `hmrc-sync payslips import`, fetch HMRC's figures with "
    "`hmrc-sync sync`, then run `hmrc-sync reconcile` again."
)


def verdict(result: ReconcileResult) -> str:
    """One sentence for the whole result."""
    if result.empty:
        return "nothing to reconcile"
    counts = summary(result)
    if counts["mismatch"]:
        return (
            f"{counts['mismatch']} difference(s) nothing on record accounts for: "
            "ask your payroll team about each one"
        )
    if counts["review"]:
        return (
            f"{counts['review']} finding(s) need review: a likely cause was found but nothing "
            "on record proves it"
        )
    return "everything matches or is explained by what is on record"


def _employer_block(findings: list[Finding]) -> list[str]:
    first = findings[0]
    ref = f" ({first.employer_paye_ref})" if first.employer_paye_ref else ""
    lines = [f"  {first.employer}{ref}"]
    lines.append(f"    {'check':<22} {'reference':>13} {'payslips':>13} {'difference':>12}  status")
    for f in (f for f in findings if f.scope is Scope.YEAR):
        name = _CHECK_NAMES.get((f.metric, f.basis), f"{f.metric} vs {f.basis}")
        lines.append(
            f"    {name:<22} {_money(f.reference_value):>13} {_money(f.payslip_value):>13} "
            f"{_money(f.difference):>12}  {f.status.value}{_why(f)}"
        )
    slips = [f for f in findings if f.scope is Scope.PAYSLIP]
    if slips:
        lines.append(f"    payslips: {_audit_counts(slips)}")
        for f in slips:
            if f.status is not Status.MATCH:
                lines.append(
                    f"      {f.pay_date} {_METRIC_NAMES.get(f.metric, f.metric.value)}: expected "
                    f"{_money(f.expected_value)}"
                    f", deducted {_money(f.payslip_value)}: {f.status.value}{_why(f)}"
                )
    return lines


def _why(finding: Finding) -> str:
    if finding.status is Status.MATCH:
        return ""
    code = finding.explanation_code
    text = finding.explanation_text or ""
    return f"  [{code}] {text}" if code else f"  {text}"


def _audit_counts(findings: Sequence[Finding]) -> str:
    parts = []
    for metric in Metric:
        rows = [f for f in findings if f.metric is metric]
        if not rows:
            continue
        counts = {s: sum(1 for f in rows if f.status is s) for s in Status}
        parts.append(
            f"{_METRIC_NAMES.get(metric, metric.value)} "
            f"{counts[Status.MATCH]} match, {counts[Status.EXPLAINED]} explained, "
            f"{counts[Status.REVIEW]} review, {counts[Status.MISMATCH]} mismatch"
        )
    return "; ".join(parts)


_METRIC_NAMES: Final = {
    Metric.TAX: "tax",
    Metric.NI: "NI",
    Metric.STUDENT_LOAN: "student loan",
    Metric.POSTGRADUATE_LOAN: "postgraduate loan",
    Metric.NET_PAY: "net pay",
}
