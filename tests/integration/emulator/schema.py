"""A small draft-04 JSON Schema checker for HMRC's schema files (no dependency needed).

Covers what HMRC's schemas here use: ``type``, ``properties``, ``required``,
``additionalProperties: false``, ``items``, ``enum``, ``pattern``, ``oneOf`` and ``$ref``
(to another file and/or ``#/definitions/...``). Numeric bounds are not checked.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any


def _resolve(ref: str, base: Path, root: dict[str, Any]) -> tuple[dict[str, Any], Path, Any]:
    file_part, _, pointer = ref.partition("#")
    if file_part:
        base = (base.parent / file_part).resolve()
        root = json.loads(base.read_text(encoding="utf-8"))
    node: Any = root
    for part in [p for p in pointer.split("/") if p]:
        node = node[part]
    return node, base, root


def _type_ok(value: Any, kind: str) -> bool:
    return {
        "object": isinstance(value, dict),
        "array": isinstance(value, list),
        "string": isinstance(value, str),
        "boolean": isinstance(value, bool),
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "number": isinstance(value, int | float | Decimal) and not isinstance(value, bool),
        "null": value is None,
    }[kind]


def errors(
    value: Any, schema: dict[str, Any], base: Path, root: dict[str, Any], where: str = "$"
) -> list[str]:
    if "$ref" in schema:
        target, target_base, target_root = _resolve(schema["$ref"], base, root)
        return errors(value, target, target_base, target_root, where)
    found: list[str] = []
    if "oneOf" in schema:
        matching = [s for s in schema["oneOf"] if not errors(value, s, base, root, where)]
        if len(matching) != 1:
            found.append(f"{where}: matches {len(matching)} of oneOf")
    kind = schema.get("type")
    if isinstance(kind, str) and not _type_ok(value, kind):
        return [f"{where}: {value!r} is not {kind}"]
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{where}: {value!r} not in {schema['enum']}")
    if "pattern" in schema and isinstance(value, str) and not re.search(schema["pattern"], value):
        found.append(f"{where}: {value!r} does not match {schema['pattern']}")
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in value:
                found.append(f"{where}: {name} is required")
        for name, item in value.items():
            if name in properties:
                found += errors(item, properties[name], base, root, f"{where}.{name}")
            elif schema.get("additionalProperties") is False:
                found.append(f"{where}: {name} is not allowed")
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            found += errors(item, schema["items"], base, root, f"{where}[{index}]")
    return found


def validate(value: Any, schema_file: Path) -> list[str]:
    """Problems of ``value`` against a schema file (empty when it conforms)."""
    root = json.loads(schema_file.read_text(encoding="utf-8"))
    return errors(value, root, schema_file.resolve(), root)
