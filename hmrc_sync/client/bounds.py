"""Bounds on what HMRC may answer before any of it is believed or stored (pure).

A success answer is read only when it is at most ``MAX_BODY_BYTES`` long, nested at most
``MAX_DEPTH`` deep, every number is a finite amount that fits ``NUMERIC(12,2)`` (at most two
decimal places, below ten billion pounds: every number these APIs send is money), and every
string (keys too) is at most ``MAX_STRING`` characters with no control characters or lone
surrogates (PostgreSQL refuses ``\\u0000``; a terminal obeys escape sequences). The limits are
the same whatever the database, so SQLite and PostgreSQL keep exactly the same things.

``AnswerRejected`` is a ``ValueError``, so the client reports it as "not in HMRC's documented
format" with HMRC's correlation id, and the sync fails that tax year only.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from typing import Final

from hmrc_sync.jsonio import JsonValue, loads

MAX_BODY_BYTES: Final = 1_000_000
MAX_DEPTH: Final = 32
MAX_STRING: Final = 10_000
MAX_MONEY: Final = Decimal("9999999999.99")  # NUMERIC(12,2)
_CENT: Final = Decimal("0.01")


class AnswerRejected(ValueError):
    """An answer outside the bounds; the message names the problem, never the value."""


def bounded_loads(content: bytes) -> JsonValue:
    """``content`` parsed, or ``AnswerRejected`` (``JsonError`` for text that is not JSON)."""
    if len(content) > MAX_BODY_BYTES:
        raise AnswerRejected(
            f"the answer is {len(content)} bytes long, more than the {MAX_BODY_BYTES} accepted"
        )
    try:
        document = loads(content)
    except RecursionError:
        raise AnswerRejected(f"the answer is nested more than {MAX_DEPTH} levels deep") from None
    check_document(document)
    return document


def check_document(document: JsonValue) -> None:
    """Raise ``AnswerRejected`` for the first value outside the bounds (depth-first)."""
    stack: list[tuple[JsonValue, int, str]] = [(document, 1, "")]
    while stack:
        value, depth, where = stack.pop()
        if depth > MAX_DEPTH:
            raise AnswerRejected(f"the answer is nested more than {MAX_DEPTH} levels deep")
        if isinstance(value, dict):
            for key, item in value.items():
                _check_text(key, where or "(document)")
                stack.append((item, depth + 1, f"{where}.{key}" if where else key))
        elif isinstance(value, list):
            stack.extend((item, depth + 1, f"{where}[{i}]") for i, item in enumerate(value))
        elif isinstance(value, str):
            _check_text(value, where)
        elif isinstance(value, bool) or value is None:
            continue
        else:
            money_problem(value, where or "(document)", raise_it=True)


def money_problem(value: int | Decimal, where: str, *, raise_it: bool = False) -> str | None:
    """Why ``value`` cannot be an amount of money stored as ``NUMERIC(12,2)``, or None."""
    amount = Decimal(value)
    problem: str | None = None
    if not amount.is_finite():
        problem = f"{where} is not a finite number"
    elif abs(amount) > MAX_MONEY:
        problem = f"{where} is beyond ±{MAX_MONEY}, more than any tax record can hold"
    elif amount != amount.quantize(_CENT):
        problem = f"{where} has more than two decimal places"
    if problem is not None and raise_it:
        raise AnswerRejected(problem)
    return problem


def text_problem(value: str, where: str) -> str | None:
    """Why ``value`` cannot be stored as text from HMRC, or None."""
    if len(value) > MAX_STRING:
        return f"{where} is longer than {MAX_STRING} characters"
    for ch in value:
        if unicodedata.category(ch) in ("Cc", "Cs"):
            return f"{where} contains a control character (U+{ord(ch):04X})"
    return None


def _check_text(value: str, where: str) -> None:
    problem = text_problem(value, where)
    if problem is not None:
        raise AnswerRejected(problem)
