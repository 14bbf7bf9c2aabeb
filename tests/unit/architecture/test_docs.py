"""The operator documentation keeps up with the code: every setting (and its default) is in
docs/configuration.md, and docs/operations.md explains every alert."""

from __future__ import annotations

import re
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any, Final

import pytest
import yaml
from pydantic.fields import FieldInfo

from hmrc_sync.settings import ENV_PREFIX, Settings
from tests.unit.deploy.contract import accepted_variables
from tests.unit.deploy.terraform import Stack

REPO_ROOT: Final = Path(__file__).resolve().parents[3]
CONFIGURATION: Final = REPO_ROOT / "docs" / "configuration.md"
OPERATIONS: Final = REPO_ROOT / "docs" / "operations.md"
ALERTS: Final = REPO_ROOT / "deploy" / "prometheus" / "alerts.yaml"
_CODE: Final = re.compile(r"`([^`]+)`")


def _rows() -> dict[str, list[str]]:
    """Table rows of configuration.md whose first cell names variables, by each name."""
    rows: dict[str, list[str]] = {}
    for line in CONFIGURATION.read_text(encoding="utf-8").splitlines():
        if not line.startswith("| `"):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        for name in _CODE.findall(cells[0]):
            assert name not in rows, f"{name} is documented twice"
            rows[name] = cells
    return rows


ROWS: Final = _rows()


def _primary_variable(name: str, field: FieldInfo) -> str:
    alias = field.validation_alias
    choices = getattr(alias, "choices", None)
    if choices:
        return str(choices[0]).upper()
    return f"{ENV_PREFIX}{name}".upper()


def _default_text(default: Any) -> str | None:
    """How configuration.md writes a default; None where it is described in words."""
    if default is None or default == ():
        return "unset"
    if isinstance(default, Enum):
        return f"`{default.value}`"
    if isinstance(default, tuple):
        return "`" + " ".join(str(part) for part in default) + "`"
    return f"`{default}`"


@pytest.mark.parametrize("name", sorted(accepted_variables()))
def test_every_variable_is_documented(name: str) -> None:
    assert name in ROWS, f"docs/configuration.md has no row for {name}"


def test_no_documented_variable_is_stale() -> None:
    assert set(ROWS) <= accepted_variables()


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_default_is_documented_as_it_is(name: str) -> None:
    field = Settings.model_fields[name]
    default_cell = ROWS[_primary_variable(name, field)][1]
    if field.default_factory is not None:
        produced = field.default_factory()  # type: ignore[call-arg]
        assert Path(str(produced)).name in default_cell, default_cell
        return
    expected = _default_text(field.default)
    if isinstance(field.default, float | Decimal) and not isinstance(field.default, bool):
        (written,) = _CODE.findall(default_cell)
        assert Decimal(written) == Decimal(str(field.default)), default_cell
        return
    assert default_cell == expected


def test_every_row_has_an_example_and_a_meaning() -> None:
    for name, cells in ROWS.items():
        assert len(cells) == 4, name
        assert cells[2], f"{name}: no example"
        assert len(cells[3]) > 20, f"{name}: no meaning"


def test_the_operations_guide_explains_every_alert() -> None:
    guide = OPERATIONS.read_text(encoding="utf-8")
    document = yaml.safe_load(ALERTS.read_text(encoding="utf-8"))
    for group in document["groups"]:
        for rule in group["rules"]:
            heading = f"### {rule['alert']} ({rule['labels']['severity']})"
            assert heading in guide, f"operations.md lacks the section {heading!r}"


def test_the_operations_guide_names_the_redirect_uri_the_stack_sets() -> None:
    stack = Stack()
    redirect_uri = stack.resolve(stack.locals["app_env"]["HMRC_SYNC_REDIRECT_URI"])
    assert f"`{redirect_uri}`" in OPERATIONS.read_text(encoding="utf-8")


def test_the_validator_sweep_the_guide_gives_exists() -> None:
    guide = OPERATIONS.read_text(encoding="utf-8")
    assert "HMRC_VALIDATOR=1 uv run pytest tests/test_fraud_headers.py" in guide
    assert "HMRC_VALIDATOR" in (REPO_ROOT / "tests" / "test_fraud_headers.py").read_text("utf-8")
