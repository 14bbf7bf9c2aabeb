"""Deciding a comparison's status from the candidate explanations for its gap.

Each detector proposes an ``Explanation`` with the amount it would account for (a missing
month's pay, the RSU notional pay, ...). A gap is *explained* when some set of candidates
adds up to it within the tolerance; the smallest such set wins (then the closest). Sets of
*recorded* causes are tried first: a gap they account for is ``explained``. Only when none
does is a set with an *inferred* cause accepted, and then the gap is ``review`` (a plausible
cause nothing on record proves). Otherwise it is a *mismatch*, and the candidates are kept
as hints.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from decimal import Decimal
from typing import Final

from hmrc_sync.reconcile.model import Explanation, Status

# 2^12 subsets at most; beyond that, candidates of the same code are merged first.
MAX_CANDIDATES: Final = 12


def money(value: Decimal) -> str:
    """``£1,234.56`` (``-£12.00`` for negatives)."""
    sign = "-" if value < 0 else ""
    return f"{sign}£{abs(value):,.2f}"


def decide(
    difference: Decimal, candidates: Sequence[Explanation], tolerance: Decimal
) -> tuple[Status, tuple[Explanation, ...]]:
    """The status of a gap of ``difference`` and the explanations that account for it."""
    if abs(difference) <= tolerance:
        return Status.MATCH, ()
    usable = [c for c in candidates if c.amount is not None and c.amount != 0]
    recorded = [c for c in usable if not c.inferred]
    found = _best_subset(difference, recorded, tolerance)
    if found is not None:
        return Status.EXPLAINED, found
    if len(recorded) < len(usable):
        found = _best_subset(difference, usable, tolerance)
        if found is not None:
            return Status.REVIEW, (*found, Explanation(None, CHECK_INFERRED))
    text = f"{gap_words(difference)}, a difference nothing on record accounts for"
    if candidates:
        text += " (considered: " + "; ".join(c.text for c in candidates) + ")"
    return Status.MISMATCH, (Explanation(None, text + ". " + ASK_PAYROLL),)


CHECK_INFERRED: Final = (
    "this is the likely cause, but nothing on record proves it: check it against your "
    "payslips or ask your payroll team"
)
ASK_PAYROLL: Final = (
    "Ask your payroll team to explain the difference, with the payslips of the year in hand"
)


def gap_words(difference: Decimal) -> str:
    """``difference`` (reference minus payslips) in words that say which side is higher."""
    if difference > 0:
        return f"the reference figure is {money(difference)} higher than the payslips"
    return f"the payslips are {money(-difference)} higher than the reference figure"


def _best_subset(
    difference: Decimal, usable: list[Explanation], tolerance: Decimal
) -> tuple[Explanation, ...] | None:
    if len(usable) > MAX_CANDIDATES:
        usable = _merge_by_code(usable)[:MAX_CANDIDATES]
    best: tuple[Explanation, ...] | None = None
    best_residual = Decimal(0)
    for size in range(1, len(usable) + 1):
        for subset in itertools.combinations(usable, size):
            residual = abs(difference - sum((c.amount or Decimal(0) for c in subset), Decimal(0)))
            if residual <= tolerance and (best is None or residual < best_residual):
                best, best_residual = subset, residual
        if best is not None:
            return best
    return None


def _merge_by_code(candidates: Sequence[Explanation]) -> list[Explanation]:
    merged: dict[str, Explanation] = {}
    for candidate in candidates:
        key = str(candidate.code)
        seen = merged.get(key)
        if seen is None:
            merged[key] = candidate
        else:
            merged[key] = Explanation(
                candidate.code,
                f"{seen.text}; {candidate.text}",
                (seen.amount or Decimal(0)) + (candidate.amount or Decimal(0)),
                seen.inferred or candidate.inferred,
            )
    return list(merged.values())
