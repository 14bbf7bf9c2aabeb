"""The converter that writes tests/data from the shared vectors, on a made-up shared folder.

The tests never read ``../shared``: they check the converter's behaviour on small files
written here, and that the committed copies have exactly the fields it keeps.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[3]
SCRIPT = REPO / "scripts" / "testdata" / "convert_payroll_vectors.py"


@pytest.fixture(scope="module")
def converter() -> ModuleType:
    spec = importlib.util.spec_from_file_location("convert_payroll_vectors", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


STUDENT_LOAN = {
    "id": "coda/Example/1",
    "tax_year": "2022-23",
    "plan": "plan1",
    "frequency": "weekly",
    "period": None,
    "period_earnings": "399.48",
    "expected_period_threshold": None,
    "expected_deduction": "1.00",
    "source": "owner/repo@abc:path",
}


def _director(converter: ModuleType) -> dict[str, Any]:
    case: dict[str, Any] = dict.fromkeys(converter.DIRECTORS_NI_FIELDS, "0.00")
    case.update(
        id="set/tab/1",
        tax_year="2025-26",
        method="alternative",
        category="A",
        frequency="weekly",
        period=1,
        pay_date="2025-04-06",
        weeks_in_earnings_period=52,
        known_issue=None,
        pro_rata_factor=None,
        expected_total_ni="0.00",
        source="owner/repo@abc:path",
    )
    return case


def _shared(root: Path, student_loans: list[Any], directors: list[Any]) -> Path:
    for kind, cases in (("student-loans", student_loans), ("directors-ni", directors)):
        folder = root / "testdata" / kind
        folder.mkdir(parents=True)
        (folder / f"{kind}-2022-23.json").write_text(json.dumps(cases), encoding="utf-8")
    return root


def test_keeps_only_the_fields_the_tests_use(converter: ModuleType, tmp_path: Path) -> None:
    shared = _shared(tmp_path / "shared", [STUDENT_LOAN], [_director(converter)])
    written = converter.convert(shared, tmp_path / "out")
    assert written == {
        "student-loans/student-loans-2022-23.json": 1,
        "directors-ni/directors-ni-2022-23.json": 1,
    }
    text = (tmp_path / "out" / "student-loans" / "student-loans-2022-23.json").read_text("utf-8")
    (case,) = json.loads(text)
    assert list(case) == list(converter.STUDENT_LOAN_FIELDS)
    assert "source" not in case
    assert case["period_earnings"] == "399.48"
    assert text.count("\n") == 3  # "[", one line per case, "]"


def test_output_is_deterministic(converter: ModuleType, tmp_path: Path) -> None:
    shared = _shared(tmp_path / "shared", [STUDENT_LOAN], [_director(converter)])
    converter.convert(shared, tmp_path / "a")
    converter.convert(shared, tmp_path / "b")
    for path in (tmp_path / "a").rglob("*.json"):
        assert path.read_bytes() == (tmp_path / "b" / path.relative_to(tmp_path / "a")).read_bytes()


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"expected_deduction": 1.0}, "two decimals"),
        ({"period_earnings": "399.5"}, "two decimals"),
        ({"period_earnings": "abc"}, "not an amount"),
    ],
)
def test_refuses_money_that_is_not_a_two_decimal_string(
    converter: ModuleType, tmp_path: Path, change: dict[str, Any], match: str
) -> None:
    shared = _shared(tmp_path / "shared", [{**STUDENT_LOAN, **change}], [_director(converter)])
    with pytest.raises(converter.VectorError, match=match):
        converter.convert(shared, tmp_path / "out")


def test_refuses_missing_fields_and_duplicate_ids(converter: ModuleType, tmp_path: Path) -> None:
    incomplete = {k: v for k, v in STUDENT_LOAN.items() if k != "plan"}
    shared = _shared(tmp_path / "one", [incomplete], [_director(converter)])
    with pytest.raises(converter.VectorError, match="missing field"):
        converter.convert(shared, tmp_path / "out")
    shared = _shared(tmp_path / "two", [STUDENT_LOAN, STUDENT_LOAN], [_director(converter)])
    with pytest.raises(converter.VectorError, match="not unique"):
        converter.convert(shared, tmp_path / "out")


def test_main_reports_a_missing_shared_folder(
    converter: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert converter.main(["--shared", str(tmp_path / "absent"), "--output", str(tmp_path)]) == 1
    assert "no student-loans vectors" in capsys.readouterr().err


@pytest.mark.parametrize("kind", ["student-loans", "directors-ni"])
def test_committed_copies_have_exactly_the_converters_fields(
    converter: ModuleType, kind: str
) -> None:
    files = sorted((REPO / "tests" / "data" / kind).glob("*.json"))
    assert files
    for path in files:
        for case in json.loads(path.read_text(encoding="utf-8")):
            assert tuple(case) == converter.KINDS[kind], path.name
