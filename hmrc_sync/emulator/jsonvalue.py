"""Decimal-safe JSON: numbers with a fraction are ``Decimal`` in, and go out digit for digit.

HMRC's scenario files write ``36.50`` and ``22500.00``; the emulator must serve exactly that,
and money must never pass through ``float``. ``loads`` parses fractions as ``Decimal`` (and
refuses ``NaN``/``Infinity``); ``dumps`` writes ``Decimal`` as its own digits.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, TypeAlias, cast

from starlette.responses import Response

JsonValue: TypeAlias = (
    bool | int | Decimal | str | list["JsonValue"] | dict[str, "JsonValue"] | None
)
JsonObject: TypeAlias = dict[str, JsonValue]


class JsonError(ValueError):
    """Text that is not JSON the emulator accepts."""


def _refuse_constant(name: str) -> Any:
    raise JsonError(f"{name} is not a JSON number")


def loads(text: str | bytes) -> JsonValue:
    try:
        return cast(
            JsonValue, json.loads(text, parse_float=Decimal, parse_constant=_refuse_constant)
        )
    except (ValueError, UnicodeDecodeError) as error:
        if isinstance(error, JsonError):
            raise
        raise JsonError(f"invalid JSON: {error}") from None


def dumps(value: object) -> str:
    """Compact JSON; ``Decimal`` written as its digits, floats refused."""
    parts: list[str] = []
    _encode(value, parts)
    return "".join(parts)


def _encode(value: object, out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(str(value))
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise JsonError(f"{value} is not a JSON number")
        out.append(str(value))
    elif isinstance(value, str):
        out.append(json.dumps(value))
    elif isinstance(value, dict):
        out.append("{")
        for index, (key, item) in enumerate(value.items()):
            if not isinstance(key, str):
                raise JsonError("JSON object keys must be strings")
            if index:
                out.append(",")
            out.append(json.dumps(key))
            out.append(":")
            _encode(item, out)
        out.append("}")
    elif isinstance(value, list | tuple):
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _encode(item, out)
        out.append("]")
    else:
        raise JsonError(f"cannot write {type(value).__name__} as JSON")


class JsonResponse(Response):
    """A JSON response written with :func:`dumps` (Decimal-safe)."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return dumps(content).encode("utf-8")


def error_body(code: str, message: str) -> JsonObject:
    return {"code": code, "message": message}
