"""What the CLI imports to start: listing commands, a command's help, shell completion and
``status`` never load the web framework, the emulator, hvac or Playwright; ``sync`` never
loads FastAPI or the emulator. Modules are asserted, not times (benchmarks/bench_startup.py
measures those)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hmrc_sync.cli import COMMANDS, SUMMARIES
from hmrc_sync.db.engine import make_engine, upgrade
from hmrc_sync.taxyear import TaxYear
from hmrc_sync.tokenstore import FileTokenStore
from tests.support.emulated import employer, emulated_hmrc

WEB_AND_TOOLS = ("fastapi", "starlette", "uvicorn", "hmrc_sync.emulator", "hvac", "playwright")
# Runs the CLI in this process and prints the imported top-level modules on exit.
RUNNER = (
    "import atexit, json, sys\n"
    "atexit.register(lambda: print(json.dumps(sorted(sys.modules)), file=sys.stderr))\n"
    "sys.argv = ['hmrc-sync', *json.loads(sys.argv[1])]\n"
    "from hmrc_sync.cli import main\n"
    "main()\n"
)


def _run(args: list[str], env: dict[str, str] | None = None) -> tuple[int, set[str], str]:
    """The exit code, the modules imported and what was printed on stdout."""
    environment = env or {k: v for k, v in os.environ.items() if not k.startswith("HMRC_SYNC_")}
    result = subprocess.run(
        [sys.executable, "-c", RUNNER, json.dumps(args)],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    last = result.stderr.strip().splitlines()[-1]
    return result.returncode, set(json.loads(last)), result.stdout


def _imported(args: list[str], env: dict[str, str] | None = None) -> tuple[int, set[str]]:
    code, modules, _ = _run(args, env)
    return code, modules


def _completion(**variables: str) -> tuple[int, set[str], str]:
    """``hmrc-sync`` run by the shell's completion (README: "Shell completion")."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HMRC_SYNC_")}
    env.update(variables)
    return _run([], env)


def _loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return [name for name in names if name in modules]


@pytest.mark.parametrize(
    "args", [["--help"], ["sync", "--help"], ["status", "--help"], ["auth", "--help"]]
)
def test_help_loads_no_web_framework_database_or_vault(args: list[str]) -> None:
    code, modules = _imported(args)
    assert code == 0
    assert _loaded(modules, (*WEB_AND_TOOLS, "sqlalchemy", "pydantic")) == []


def test_the_command_list_imports_no_command_module() -> None:
    code, modules = _imported(["--help"])
    assert code == 0
    assert not [
        m
        for m in modules
        if m.startswith("hmrc_sync.commands.") and m != "hmrc_sync.commands.exits"
    ]


def test_shell_completion_imports_no_command_module(tmp_path: Path) -> None:
    code, modules, printed = _completion(
        _HMRC_SYNC_COMPLETE="bash_complete", COMP_WORDS="hmrc-sync sy", COMP_CWORD="1"
    )
    assert code == 0
    assert printed.splitlines() == ["plain,sync"]
    assert _loaded(modules, (*WEB_AND_TOOLS, "sqlalchemy", "pydantic")) == []
    assert not [m for m in modules if m.startswith("hmrc_sync.commands.") and "exits" not in m]


def test_shell_completion_of_a_subcommand_loads_only_that_command() -> None:
    code, modules, printed = _completion(
        _HMRC_SYNC_COMPLETE="bash_complete", COMP_WORDS="hmrc-sync auth lo", COMP_CWORD="2"
    )
    assert code == 0
    assert printed.splitlines() == ["plain,login", "plain,logout"]
    assert _loaded(modules, (*WEB_AND_TOOLS, "sqlalchemy", "pydantic")) == []


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_the_completion_script_each_shell_sources(shell: str) -> None:
    """What README's "Shell completion" section tells each shell to load."""
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    assert f"_HMRC_SYNC_COMPLETE={shell}_source hmrc-sync" in readme
    code, modules, script = _completion(_HMRC_SYNC_COMPLETE=f"{shell}_source")
    assert code == 0
    assert f"_HMRC_SYNC_COMPLETE={shell}_complete" in script
    assert "hmrc-sync" in script
    assert _loaded(modules, (*WEB_AND_TOOLS, "sqlalchemy", "pydantic")) == []


def test_status_loads_no_web_framework_emulator_or_vault(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HMRC_SYNC_")}
    env["HMRC_SYNC_DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite'}"
    env["HMRC_SYNC_TOKEN_FILE"] = str(tmp_path / "token.json")
    _, modules = _imported(["status"], env)
    assert _loaded(modules, WEB_AND_TOOLS) == []


def test_sync_loads_no_web_framework_or_emulator(tmp_path: Path, sqlite_url: str) -> None:
    with emulated_hmrc(tmp_path) as hmrc:
        previous = TaxYear.containing(hmrc.emulator.today()).previous()
        hmrc.seed(previous, [employer("123/AB45678", "Acme Analytics Ltd", "52000.00", "8232.00")])
        engine = make_engine(sqlite_url)
        upgrade(engine)
        engine.dispose()
        settings = hmrc.settings(sqlite_url)
        hmrc.grant(FileTokenStore(settings.token_file))
        code, modules = _imported(["sync", "--tax-year", "previous"], hmrc.env(sqlite_url))
    assert code == 0, "the sync ran (a year with figures, one new snapshot)"
    assert _loaded(modules, ("fastapi", "starlette", "uvicorn", "hmrc_sync.emulator")) == []
    assert "httpx" in modules, "it did talk to HMRC"


def test_every_command_has_a_summary() -> None:
    assert set(SUMMARIES) == set(COMMANDS)
    assert all(summary.endswith(".") and len(summary) <= 80 for summary in SUMMARIES.values())
