"""Which payslips, HMRC employment and P60 belong to the same employer in a tax year.

HMRC keys an employment by its PAYE reference (``123/AB456``); payslips and P60s usually
carry only the employer's name as printed ("Meta", "META PLATFORMS IRELAND LTD"). Matching,
in order: the PAYE reference when a payslip or P60 has one; the name, ignoring case,
punctuation and words such as "Ltd" (one name's words contained in the other's); and finally,
when exactly one employer is left on each side, those two if anything else ties them (a
shared word in the names, or pay within 20%: an employer that renamed itself).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Final, TypeVar

_NOISE: Final = frozenset(
    {"ltd", "limited", "plc", "llp", "llc", "inc", "co", "company", "the", "uk", "group", "and"}
)
_WORD: Final = re.compile(r"[a-z0-9]+")

L = TypeVar("L")
R = TypeVar("R")


def name_words(name: str | None) -> frozenset[str]:
    words = _WORD.findall((name or "").lower().replace("&", " and "))
    meaningful = frozenset(w for w in words if w not in _NOISE)
    return meaningful or frozenset(words)


def names_match(a: str | None, b: str | None) -> bool:
    left, right = name_words(a), name_words(b)
    return bool(left and right) and (left <= right or right <= left)


def employer_key(name: str, paye_ref: str | None) -> str:
    """The key payslips are grouped by: the PAYE reference, else the name's words."""
    if paye_ref:
        return "ref:" + paye_ref.strip().upper()
    return "name:" + " ".join(sorted(name_words(name)))


def pair_up(
    left: Sequence[L],
    right: Sequence[R],
    same_ref: Callable[[L, R], bool],
    same_name: Callable[[L, R], bool],
    last_pair: Callable[[L, R], bool],
) -> tuple[list[tuple[L, R]], list[L], list[R]]:
    """Pairs (by reference, then by name, then the last one on each side if ``last_pair``
    allows), and the rest."""
    pairs: list[tuple[L, R]] = []
    rest_left, rest_right = list(left), list(right)
    for rule in (same_ref, same_name):
        for item in list(rest_left):
            found = next((other for other in rest_right if rule(item, other)), None)
            if found is not None:
                pairs.append((item, found))
                rest_left.remove(item)
                rest_right.remove(found)
    if len(rest_left) == 1 and len(rest_right) == 1 and last_pair(rest_left[0], rest_right[0]):
        pairs.append((rest_left.pop(), rest_right.pop()))
    return pairs, rest_left, rest_right


def plausibly_same(
    name_a: str | None, name_b: str | None, pay_a: Decimal | None, pay_b: Decimal | None
) -> bool:
    """Names sharing a word, or pay within 20%: enough to pair the last two employers."""
    if name_words(name_a) & name_words(name_b):
        return True
    if pay_a is None or pay_b is None:
        return False
    largest = max(abs(pay_a), abs(pay_b))
    return largest > 0 and abs(pay_a - pay_b) <= largest * Decimal("0.2")
