"""The built wheel ships what the installed program needs and what its messages point at.

``uv build --wheel`` builds it with the project's own backend (hatchling: from uv's cache after
``uv sync``, with no network, else from the index), into a temporary directory. Then:

* every file of the package's source tree is in it (migrations and their ``script.py.mako``,
  the status page's templates, the emulator's data), with the licence and the console script;
* the unpacked wheel, alone on the path, runs: ``--help`` and ``migrate`` on a new database
  (Alembic finds its migrations inside the package, not in a source checkout);
* every document a command's ``--help`` or a message names is a URL (a user of the wheel has
  no ``docs/`` folder), and every such URL into this repository names a file that exists.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from hmrc_sync.cli import cli
from tests.support.shared import REPO_ROOT, in_ci

PACKAGE = REPO_ROOT / "hmrc_sync"
URL = re.compile(r"https?://[^\s)`'\"]+")
REPO_URL = re.compile(r"https://github\.com/viktorbarzin/hmrc-sync/(?:blob|tree)/main/([\w./-]+)")
# A document named without a URL: docs/anything, or any *.md file.
DOCUMENT = re.compile(r"(?<![\w/.-])(?:docs/[\w./-]*\w|[\w-]+\.md)\b")
# The PAYE rate tables cite their sources (paye-domain.md rows) for maintainers: data
# provenance kept with each rate, never part of a message or a page.
PROVENANCE = ("hmrc_sync/paye/",)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    uv = shutil.which("uv")
    out = tmp_path_factory.mktemp("wheel")
    built = None
    # Offline first (uv's cache holds the build backend once `uv sync` built the project);
    # from the index when the cache does not have it (another HOME, a cleaned cache).
    for network in (["--offline"], []):
        if uv is None:
            break
        built = subprocess.run(
            [uv, "build", "--wheel", *network, "--out-dir", str(out)],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if built.returncode == 0:
            break
    if built is None or built.returncode != 0:
        reason = "uv is not installed" if built is None else built.stderr[-2000:]
        if in_ci():
            pytest.fail(f"the wheel could not be built: {reason}")
        pytest.skip(f"the wheel could not be built: {reason}")
    (found,) = out.glob("hmrc_sync-*.whl")
    return found


def _names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def _source_files() -> Iterator[Path]:
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            yield path


def test_the_wheel_holds_the_whole_package_its_licence_and_console_script(wheel: Path) -> None:
    names = _names(wheel)
    missing = [
        str(path.relative_to(REPO_ROOT))
        for path in _source_files()
        if path.relative_to(REPO_ROOT).as_posix() not in names
    ]
    assert missing == []
    for data in (
        "hmrc_sync/migrations/script.py.mako",
        "hmrc_sync/migrations/env.py",
        "hmrc_sync/app/templates/status.html",
    ):
        assert data in names
    assert any(name.startswith("hmrc_sync/migrations/versions/0001") for name in names)
    (licence,) = [name for name in names if name.endswith(".dist-info/licenses/LICENSE")]
    with zipfile.ZipFile(wheel) as archive:
        assert archive.read(licence) == (REPO_ROOT / "LICENSE").read_bytes()
        (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
        assert "hmrc-sync = hmrc_sync.cli:main" in archive.read(entry_points).decode()


def test_the_unpacked_wheel_runs_and_migrates_a_new_database(wheel: Path, tmp_path: Path) -> None:
    unpacked = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(unpacked)
    env = {k: v for k, v in os.environ.items() if not k.startswith("HMRC_SYNC_")}
    env["PYTHONPATH"] = str(unpacked)  # ahead of the checkout the development venv points at

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, *args],
            cwd=tmp_path,  # not the checkout: nothing may come from the source tree
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    where = run("-c", "import hmrc_sync; print(hmrc_sync.__file__)")
    assert Path(where.stdout.strip()).is_relative_to(unpacked), where.stderr
    assert run("-m", "hmrc_sync", "--help").returncode == 0
    database = tmp_path / "new.db"
    migrated = run("-m", "hmrc_sync", "migrate", "--database-url", f"sqlite:///{database}")
    assert migrated.returncode == 0, migrated.stderr
    assert "Migrated" in migrated.stdout
    assert database.exists()


def _help_texts() -> Iterator[tuple[str, str]]:
    def walk(command: click.Command, ctx: click.Context) -> Iterator[tuple[str, str]]:
        yield ctx.command_path, command.get_help(ctx)
        if isinstance(command, click.Group):
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                assert sub is not None
                yield from walk(sub, click.Context(sub, info_name=name, parent=ctx))

    yield from walk(cli, click.Context(cli, info_name="hmrc-sync"))


def _message_texts(wheel: Path) -> Iterator[tuple[str, str]]:
    """Every string in the wheel's code that is not a docstring (messages, option help)."""
    with zipfile.ZipFile(wheel) as archive:
        for name in sorted(archive.namelist()):
            if not name.endswith(".py") or name.startswith(PROVENANCE):
                continue
            tree = ast.parse(archive.read(name))
            docstrings = {
                id(node.body[0].value)
                for node in ast.walk(tree)
                if isinstance(
                    node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef
                )
                and node.body
                and isinstance(node.body[0], ast.Expr)
            }
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Constant)
                    and isinstance(node.value, str)
                    and id(node) not in docstrings
                ):
                    yield f"{name}:{node.lineno}", node.value


def test_every_document_a_user_is_pointed_at_is_a_url_that_exists(wheel: Path) -> None:
    texts = [*_help_texts(), *_message_texts(wheel)]
    shipped = _names(wheel)
    unreachable = [
        f"{where}: {document}"
        for where, text in texts
        for document in DOCUMENT.findall(URL.sub(" ", text))
        if f"hmrc_sync/{document}" not in shipped
    ]
    assert unreachable == [], "name these by URL (the wheel has no docs/ folder)"
    broken = [
        f"{where}: {url}"
        for where, text in _help_texts()
        for url in URL.findall(text)
        if url.endswith("-")  # the help's line wrapping split it at a hyphen
    ]
    assert broken == [], "start the URL on its own line (a \\b paragraph)"
    linked = {match for _, text in texts for match in REPO_URL.findall(text)}
    assert "docs/payslips.md" in linked, "the help does point at the documentation"
    assert [path for path in sorted(linked) if not (REPO_ROOT / path).exists()] == []
