"""The position as a table for people and as JSON for machines (the status page and the
``position`` command show the same figures)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from hmrc_sync.yearend.position import Position


def position_json(position: Position) -> dict[str, Any]:
    liability = position.liability
    return {
        "tax_year": position.tax_year.hmrc,
        "estimate": True,
        "projected": position.projected,
        "outcome": position.outcome.value,
        "expected_refund": str(position.expected_refund),
        "headline": position.headline(),
        "employment_income": str(position.employment_income),
        "adjusted_net_income": str(liability.adjusted_net_income),
        "personal_allowance": str(liability.personal_allowance),
        "income_tax": str(liability.income_tax),
        "tax_deducted": str(position.tax_deducted),
        "tolerance": str(position.tolerance),
        "region": liability.region.value,
        "bases": list(position.bases),
        "employments": [
            {
                "employer": e.employer,
                "pay": str(e.pay),
                "tax": str(e.tax),
                "student_loan": str(e.student_loan),
                "basis": e.basis.value,
                "tax_codes": list(e.tax_codes),
            }
            for e in position.employments
        ],
        "bands": [
            {"name": b.name, "rate": str(b.rate), "income": str(b.income), "tax": str(b.tax)}
            for b in liability.bands
        ],
        "student_loans": [
            {
                "plan": loan.plan.value,
                "due": str(loan.due),
                "deducted": str(loan.deducted),
                "difference": str(loan.difference),
            }
            for loan in position.loans
        ],
        "drivers": [{"code": d.code, "text": d.text, "action": d.action} for d in position.drivers],
        "assumptions": list(position.assumptions),
    }


def as_json(positions: Sequence[Position]) -> str:
    return json.dumps({"positions": [position_json(p) for p in positions]}, indent=2)


def as_table(positions: Sequence[Position]) -> str:
    if not positions:
        return (
            "No tax year to estimate: hmrc-sync holds no payslips, P60s or HMRC figures yet. "
            "Import payslips (`hmrc-sync payslips import FILE.csv`) or run `hmrc-sync sync`."
        )
    blocks = []
    for position in positions:
        liability = position.liability
        lines = [
            position.headline(),
            f"  employment income £{position.employment_income:,.2f}; adjusted net income "
            f"£{liability.adjusted_net_income:,.2f}; personal allowance "
            f"£{liability.personal_allowance:,.2f}",
            f"  tax due £{liability.income_tax:,.2f}; tax deducted £{position.tax_deducted:,.2f} "
            f"(from {', '.join(position.bases)})",
        ]
        for loan in position.loans:
            lines.append(
                f"  student loan {loan.plan.value}: due £{loan.due:,.0f}, deducted "
                f"£{loan.deducted:,.0f}"
            )
        for driver in position.drivers:
            lines.append(f"  why: {driver.text}")
            if driver.action:
                lines.append(f"       what to do: {driver.action}")
        lines.extend(f"  note: {note}" for note in position.assumptions)
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
