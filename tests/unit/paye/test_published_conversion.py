"""The converter that copies HMRC's published data into tests/data
(``scripts/testdata/convert_published.py``), on made-up input: prose is dropped from API
definitions and nothing else, timestamps keep HMRC's text, the rate tables are read, and the
committed copies carry no prose."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from tests.support.shared import TEST_DATA

REPO = Path(__file__).resolve().parents[3]
SCRIPT = REPO / "scripts" / "testdata" / "convert_published.py"


@pytest.fixture(scope="module")
def converter() -> ModuleType:
    spec = importlib.util.spec_from_file_location("convert_published", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_prose_is_dropped_but_a_property_named_description_is_kept(converter: ModuleType) -> None:
    document = {
        "description": "Some prose.",
        "summary": "More prose.",
        "properties": {"description": {"type": "string", "description": "prose"}},
        "example": {"code": "INVALID", "message": "kept"},
        "list": [{"summary": "x", "value": 1}],
    }
    assert converter.without_prose(document) == {
        "properties": {"description": {"type": "string"}},
        "example": {"code": "INVALID", "message": "kept"},
        "list": [{"value": 1}],
    }


def test_rate_tables_are_read(converter: ModuleType) -> None:
    dash = "\u2013"
    document = "\n".join(
        [
            f"| 2024-25 | 12,570 / 1,048 / 242 | 1257L | 0{dash}37,700 | 37,701{dash}125,140 | x |",
            f"| 2024-25 | 0{dash}2,306 | 2,307{dash}13,991 | 13,992{dash}31,092 | 42%: 31,093{dash}"
            f"62,430 | 62,431{dash}125,140 | 48% | x |",
        ]
    )
    (year,) = converter.income_tax_years(document)
    assert year == {
        "start_year": 2024,
        "personal_allowance": "12570",
        "emergency_code": "1257L",
        "ruk": [["20", "37700"], ["40", "125140"], ["45", None]],
        "scotland": [
            ["19", "2306"],
            ["20", "13991"],
            ["21", "31092"],
            ["42", "62430"],
            ["45", "125140"],
            ["48", None],
        ],
    }


def test_a_missing_source_is_an_error(converter: ModuleType, tmp_path: Path) -> None:
    assert converter.main(["--shared", str(tmp_path / "absent"), "--output", str(tmp_path)]) == 1


def test_the_committed_definitions_hold_no_prose() -> None:
    definitions = sorted((TEST_DATA / "hmrc-fixtures").rglob("*.yaml"))
    assert definitions

    def prose(node: object) -> bool:
        if isinstance(node, dict):
            return any(
                (key in ("description", "summary") and isinstance(value, str)) or prose(value)
                for key, value in node.items()
            )
        return isinstance(node, list) and any(prose(item) for item in node)

    for path in definitions:
        assert not prose(yaml.safe_load(path.read_text("utf-8"))), path
