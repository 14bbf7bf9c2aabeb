"""JSON without floats: HMRC's numbers are read as ``Decimal`` and written back exactly.

``loads_exact`` parses every JSON number with a fraction or exponent as ``Decimal`` (integers
stay ``int``), so money never passes through binary floating point. ``dumps_exact`` writes such
documents back, emitting each ``Decimal`` as the JSON number it came from. It suits SQLAlchemy's
``json_serializer`` engine option, so a ``raw`` document can be stored in a JSON column.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any


def loads_exact(text: str | bytes) -> Any:
    """Parse JSON, reading non-integer numbers as ``Decimal``."""
    return json.loads(text, parse_float=Decimal)


def dumps_exact(value: Any) -> str:
    """Serialise JSON-like data that may hold ``Decimal`` numbers, exactly and compactly."""
    return "".join(_encode(value))


def _encode(value: Any) -> list[str]:
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} is not a JSON number")
        return [str(value)]
    if isinstance(value, dict):
        parts = ["{"]
        for index, (key, item) in enumerate(value.items()):
            if not isinstance(key, str):
                raise TypeError(f"JSON object keys must be strings, not {type(key).__name__}")
            parts.append(("," if index else "") + json.dumps(key) + ":")
            parts.extend(_encode(item))
        parts.append("}")
        return parts
    if isinstance(value, list | tuple):
        parts = ["["]
        for index, item in enumerate(value):
            if index:
                parts.append(",")
            parts.extend(_encode(item))
        parts.append("]")
        return parts
    return [json.dumps(value)]
