"""Reconciliation, pure: HMRC's figures + payslips + P60s -> findings that explain each gap.

``reconcile(ReconcileInput) -> ReconcileResult``. Every comparison is a ``Finding`` with a
status (``match``; ``explained`` by something recorded; ``review`` when the cause is only
inferred; ``mismatch``) and, where it can, ``Explanation``\\ s with stable codes (``Code``).
Modules: ``model`` (the values), ``engine`` (the orchestration), ``matching`` (employers),
``periods`` (pay periods, gaps, duplicates, YTD offsets), ``paths`` and ``payslip_audit``
(per-payslip PAYE), ``lines`` (per-payslip NI, student loans and net pay), ``year`` (per-year
sums), ``explain`` (statuses from candidate explanations), ``report`` (table, JSON and CSV
output).
"""

from hmrc_sync.reconcile.engine import reconcile
from hmrc_sync.reconcile.model import (
    DEFAULT_TOLERANCE,
    Basis,
    Code,
    Explanation,
    Finding,
    HmrcEmployment,
    Metric,
    ReconcileInput,
    ReconcileOptions,
    ReconcileResult,
    Scope,
    Status,
    YearAvailability,
)

__all__ = [
    "DEFAULT_TOLERANCE",
    "Basis",
    "Code",
    "Explanation",
    "Finding",
    "HmrcEmployment",
    "Metric",
    "ReconcileInput",
    "ReconcileOptions",
    "ReconcileResult",
    "Scope",
    "Status",
    "YearAvailability",
    "reconcile",
]
