"""Reading a choice (a pay frequency, a loan plan, a directors' NI method) from its text: the
one way the engine accepts an enum member or the words for it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import TypeVar

E = TypeVar("E", bound=StrEnum)


def underscored(text: str) -> str:
    """``"Four-weekly"`` -> ``"four_weekly"``: case-insensitive, ``-`` or space for ``_``."""
    return text.strip().lower().replace("-", "_").replace(" ", "_")


def squashed(text: str) -> str:
    """``"Plan 1"`` -> ``"plan1"``: case-insensitive, spaces, ``-`` and ``_`` dropped."""
    text = text.strip().lower()
    for mark in (" ", "-", "_"):
        text = text.replace(mark, "")
    return text


def parse_choice(
    cls: type[E],
    value: object,
    error: Callable[[str], Exception],
    what: str,
    *,
    normalise: Callable[[str], str] = underscored,
    aliases: Mapping[str, str] | None = None,
) -> E:
    """``value`` if it is a member of ``cls``, else the member its text names; otherwise
    ``error`` with a message naming ``what`` and every accepted value."""
    if isinstance(value, cls):
        return value
    if isinstance(value, str):
        text = normalise(value)
        text = (aliases or {}).get(text, text)
        for member in cls:
            if member.value == text:
                return member
    accepted = ", ".join(repr(member.value) for member in cls)
    raise error(f"unknown {what} {value!r}: use one of {accepted}")
