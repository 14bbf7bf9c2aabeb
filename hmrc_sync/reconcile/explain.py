"""Deciding a comparison's status from the candidate explanations for its gap.

Each detector proposes an ``Explanation`` with the amount it would account for (a missing
month's pay, the RSU notional pay, ...). A gap is *explained* when some set of candidates
adds up to it within the tolerance; the smallest such set wins (then the closest). Otherwise
it is a *mismatch*, and the candidates are kept as hints.
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
            return Status.EXPLAINED, best
    text = f"{money(difference)} not accounted for"
    if candidates:
        text += " (considered: " + "; ".join(c.text for c in candidates) + ")"
    return Status.MISMATCH, (Explanation(None, text),)


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
            )
    return list(merged.values())
