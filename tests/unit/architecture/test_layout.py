"""The package's shape: one package per concern, no import cycles, pure cores that stay pure,
and a docs/architecture.md that names every package."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Final

import pytest

from tests.unit.architecture.imports import PACKAGE_ROOT, cycles, import_graph

REPO_ROOT: Final = PACKAGE_ROOT.parent
MAX_ROOT_MODULES: Final = 12

# Modules that must import nothing that does I/O (checked in a fresh interpreter each).
PURE_MODULES: Final = (
    "hmrc_sync.taxyear",
    "hmrc_sync.errors",
    "hmrc_sync.jsonio",
    "hmrc_sync.paye",
    "hmrc_sync.yearend",
    "hmrc_sync.payslips.model",
    "hmrc_sync.reconcile",
    "hmrc_sync.reconcile.report",
    "hmrc_sync.sync.model",
    "hmrc_sync.fraud_headers",
    "hmrc_sync.fraud_headers.rules",
    "hmrc_sync.fraud_headers.validator",
)
FORBIDDEN: Final = ("sqlalchemy", "httpx", "fastapi", "hmrc_sync.db")

_PROBE = textwrap.dedent(
    """
    import importlib, json, sys
    importlib.import_module(sys.argv[1])
    forbidden = sys.argv[2].split(",")
    print(json.dumps(sorted(
        name for name in sys.modules
        if any(name == f or name.startswith(f + ".") for f in forbidden)
    )))
    """
)


def io_modules_imported(module: str, *, path: Path = REPO_ROOT) -> list[str]:
    """The forbidden modules that importing ``module`` (alone, in a new interpreter) loads."""
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, module, ",".join(FORBIDDEN)],
        cwd=path,
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(path), "PATH": ""},
    )
    found: list[str] = json.loads(done.stdout)
    return found


@pytest.mark.parametrize("module", PURE_MODULES)
def test_pure_modules_import_no_io(module: str) -> None:
    assert io_modules_imported(module) == []


def test_the_purity_check_catches_an_io_import(tmp_path: Path) -> None:
    (tmp_path / "looks_pure.py").write_text("import httpx\nimport sqlalchemy\n")
    found = io_modules_imported("looks_pure", path=tmp_path)
    assert "httpx" in found
    assert "sqlalchemy" in found


def test_no_import_cycles() -> None:
    assert list(cycles(import_graph())) == []


def test_the_cycle_check_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert list(cycles(graph)) == [["a", "b", "c"]]


def test_the_package_root_holds_few_modules() -> None:
    modules = sorted(p.name for p in PACKAGE_ROOT.glob("*.py"))
    assert len(modules) <= MAX_ROOT_MODULES, modules


def _packages() -> list[str]:
    return sorted(
        p.parent.relative_to(REPO_ROOT).as_posix().replace("/", ".")
        for p in PACKAGE_ROOT.rglob("__init__.py")
    )


def test_the_architecture_doc_names_every_package() -> None:
    doc = (REPO_ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    missing = [name for name in _packages() if f"`{name}`" not in doc]
    assert missing == [], f"docs/architecture.md does not describe: {missing}"


def test_the_architecture_doc_names_no_package_that_is_gone() -> None:
    doc = (REPO_ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")

    # The package table's first column.
    named = set(re.findall(r"^\| `(hmrc_sync(?:\.[a-z_]+)*)` \|", doc, flags=re.MULTILINE))
    assert named, "docs/architecture.md has no package table"
    modules = {
        p.relative_to(REPO_ROOT)
        .with_suffix("")
        .as_posix()
        .replace("/", ".")
        .removesuffix(".__init__")
        for p in PACKAGE_ROOT.rglob("*.py")
    }
    assert sorted(named - modules) == []


def test_the_readme_lists_every_exit_code() -> None:
    from hmrc_sync.errors import ExitCode

    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("### Exit codes") :]
    listed = {int(code) for code in re.findall(r"^\| (\d+) \|", table, flags=re.MULTILINE)}
    assert listed == {int(code) for code in ExitCode}
