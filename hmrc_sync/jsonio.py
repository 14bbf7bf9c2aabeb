"""JSON without floats: numbers with a fraction are ``Decimal`` in, and go out digit for digit.

HMRC writes ``36.50`` and ``22500.00``; the client must keep exactly that, the emulator must
serve exactly that, and money must never pass through binary floating point. This is the one
codec for both (and for the database's JSON columns):

* ``loads`` parses every number with a fraction or exponent as ``Decimal`` (integers stay
  ``int``) and refuses ``NaN``/``Infinity``;
* ``dumps`` writes each ``Decimal`` as its own digits, compactly. It refuses ``float`` unless
  asked (``allow_float=True``, for bookkeeping such as a run's duration, never for money).

Both raise ``JsonError`` (a ``ValueError``) for what they cannot read or write (``TypeError``
for an object key that is not a string: a programming error).
"""

from __future__ import annotations

import json
import math
from decimal import Decimal
from typing import Any, TypeAlias, cast

JsonValue: TypeAlias = (
    bool | int | Decimal | str | list["JsonValue"] | dict[str, "JsonValue"] | None
)
JsonObject: TypeAlias = dict[str, JsonValue]


class JsonError(ValueError):
    """Text that is not JSON as hmrc-sync accepts it, or a value it cannot write."""


def _refuse_constant(name: str) -> Any:
    raise JsonError(f"{name} is not a JSON number")


def loads(text: str | bytes) -> JsonValue:
    """Parse JSON, reading non-integer numbers as ``Decimal``."""
    try:
        return cast(
            JsonValue, json.loads(text, parse_float=Decimal, parse_constant=_refuse_constant)
        )
    except (ValueError, UnicodeDecodeError) as error:
        if isinstance(error, JsonError):
            raise
        raise JsonError(f"invalid JSON: {error}") from None


def dumps(value: object, *, allow_float: bool = False) -> str:
    """Compact JSON; ``Decimal`` written as its digits, ``float`` refused unless allowed."""
    parts: list[str] = []
    _encode(value, parts, allow_float)
    return "".join(parts)


def dumps_with_floats(value: object) -> str:
    """``dumps`` that also writes finite floats: the database's JSON serialiser."""
    return dumps(value, allow_float=True)


def _encode(value: object, out: list[str], allow_float: bool) -> None:
    if isinstance(value, dict):
        _encode_object(value, out, allow_float)
    elif isinstance(value, list | tuple):
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _encode(item, out, allow_float)
        out.append("]")
    else:
        out.append(_scalar(value, allow_float))


def _encode_object(value: dict[object, object], out: list[str], allow_float: bool) -> None:
    out.append("{")
    for index, (key, item) in enumerate(value.items()):
        if not isinstance(key, str):
            raise TypeError(f"JSON object keys must be strings, not {type(key).__name__}")
        if index:
            out.append(",")
        out.append(json.dumps(key))
        out.append(":")
        _encode(item, out, allow_float)
    out.append("}")


def _scalar(value: object, allow_float: bool) -> str:
    if value is None or isinstance(value, bool | str):
        return json.dumps(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal | float) and (allow_float or isinstance(value, Decimal)):
        finite = value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)
        if not finite:
            raise JsonError(f"{value} is not a JSON number")
        return str(value) if isinstance(value, Decimal) else repr(value)
    raise JsonError(f"cannot write {type(value).__name__} as JSON")
