"""The Dockerfile and .dockerignore, read as text (no Docker engine runs here).

Checks the shape the project asks for (multi-stage, slim non-root final image without build
tools) and that every hmrc-sync command the image runs is one the CLI accepts.
"""

from __future__ import annotations

import fnmatch
import json
import re
import shlex
from dataclasses import dataclass
from typing import Final

import pytest

from tests.unit.deploy.contract import REPO_ROOT, check_argv, console_scripts

DOCKERFILE: Final = REPO_ROOT / "Dockerfile"
DOCKERIGNORE: Final = REPO_ROOT / ".dockerignore"
BUILD_TOOLS: Final = ("apt-get", "apk ", "gcc", "make ", "uv ", "pip install", "build-essential")


@dataclass(frozen=True)
class Instruction:
    keyword: str
    argument: str


@dataclass
class Stage:
    base: str
    name: str | None
    instructions: list[Instruction]

    def arguments(self, keyword: str) -> list[str]:
        return [i.argument for i in self.instructions if i.keyword == keyword]


def _instructions(text: str) -> list[Instruction]:
    """Dockerfile instructions with continuation lines joined and comments dropped."""
    logical: list[str] = []
    current = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not current and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):
            continue
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        logical.append(current + line)
        current = ""
    assert not current, "the Dockerfile ends inside a continued line"
    found = []
    for line in logical:
        keyword, _, argument = line.partition(" ")
        found.append(Instruction(keyword.upper(), argument.strip()))
    return found


def _stages() -> tuple[dict[str, str], list[Stage]]:
    """Global ARG defaults and the stages, with ``${ARG}`` in FROM resolved."""
    arguments: dict[str, str] = {}
    stages: list[Stage] = []
    for instruction in _instructions(DOCKERFILE.read_text(encoding="utf-8")):
        if instruction.keyword == "FROM":
            image, _, name = instruction.argument.partition(" AS ")
            for key, value in arguments.items():
                image = image.replace(f"${{{key}}}", value)
            stages.append(Stage(image.strip(), name.strip() or None, []))
        elif not stages and instruction.keyword == "ARG":
            key, _, value = instruction.argument.partition("=")
            arguments[key] = value
        else:
            stages[-1].instructions.append(instruction)
    return arguments, stages


ARGUMENTS, STAGES = _stages()
FINAL: Final = STAGES[-1]


def _exec_form(keyword: str) -> list[str]:
    (argument,) = FINAL.arguments(keyword)
    value = json.loads(argument)
    assert isinstance(value, list), f"{keyword} must use the exec (JSON) form"
    return [str(part) for part in value]


def _hmrc_sync_commands_in_run() -> list[list[str]]:
    """Each ``hmrc-sync ...`` / ``python -m hmrc_sync ...`` in the final stage's RUN lines."""
    commands = []
    for run in FINAL.arguments("RUN"):
        for part in re.split(r"&&|\|\||;|\|", run):
            words = shlex.split(re.sub(r"[0-9]*>\s*/dev/null", "", part))
            if words[:1] == ["hmrc-sync"] or words[:3] == ["python", "-m", "hmrc_sync"]:
                commands.append(words)
    return commands


def test_two_stages_from_the_same_slim_python() -> None:
    assert len(STAGES) == 2
    builder, final = STAGES
    assert builder.name == "builder"
    assert final.base == builder.base == "python:3.11-slim"


def test_the_builder_installs_the_pinned_uv_and_syncs_the_lock_without_dev_tools() -> None:
    builder = STAGES[0]
    runs = " ".join(builder.arguments("RUN"))
    assert "pip install --no-cache-dir uv==0.13.9" in runs
    syncs = [run for run in builder.arguments("RUN") if run.startswith("uv sync")]
    assert syncs, "the builder runs uv sync"
    for run in syncs:
        assert {"--frozen", "--no-dev"} <= set(run.split()), run
    assert "--no-editable" in syncs[-1].split(), "the project is installed, not linked to /src"
    copied = " ".join(builder.arguments("COPY"))
    assert {"uv.lock", "pyproject.toml"} <= set(copied.split())


def test_the_final_stage_has_no_build_tools_and_takes_only_the_virtualenv() -> None:
    for run in FINAL.arguments("RUN"):
        for tool in BUILD_TOOLS:
            assert tool not in f"{run} ", f"{tool.strip()!r} in the final image: {run}"
    assert FINAL.arguments("COPY") == ["--from=builder /opt/venv /opt/venv"]


def test_the_final_stage_runs_as_an_unprivileged_user() -> None:
    (user,) = FINAL.arguments("USER")
    uid = user.split(":")[0]
    assert uid not in ("0", "root")
    assert uid.isdigit(), "a numeric uid lets Kubernetes check runAsNonRoot"
    (useradd,) = [run for run in FINAL.arguments("RUN") if "useradd" in run]
    assert f"--uid {uid}" in useradd


def test_the_entrypoint_is_the_console_script_and_it_exists() -> None:
    assert _exec_form("ENTRYPOINT") == ["hmrc-sync"]
    assert console_scripts()["hmrc-sync"] == "hmrc_sync.cli:main"


def test_the_default_command_serves_on_the_exposed_port() -> None:
    command = _exec_form("ENTRYPOINT") + _exec_form("CMD")
    assert check_argv(command) == ["serve"]
    port = command[command.index("--port") + 1]
    # Inside a container the service must listen on every interface.
    assert command[command.index("--host") + 1] == "0.0.0.0"  # noqa: S104
    assert FINAL.arguments("EXPOSE") == [port]


def test_the_build_proves_both_ways_of_starting_the_program() -> None:
    commands = _hmrc_sync_commands_in_run()
    assert {tuple(command[:1]) for command in commands} >= {("hmrc-sync",), ("python",)}


@pytest.mark.parametrize("command", _hmrc_sync_commands_in_run(), ids=" ".join)
def test_every_command_run_at_build_time_exists(command: list[str]) -> None:
    check_argv(command)


def test_the_virtualenv_is_on_the_path() -> None:
    environment = " ".join(FINAL.arguments("ENV"))
    assert "PATH=/opt/venv/bin:$PATH" in environment


# --- .dockerignore


def _ignored(path: str, patterns: list[str]) -> bool:
    """Docker's rule, simplified: the last matching pattern wins; ``!`` re-includes."""
    ignored = False
    parts = path.split("/")
    for pattern in patterns:
        negate = pattern.startswith("!")
        body = pattern[1:] if negate else pattern
        body = body.rstrip("/")
        prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        matched = any(
            fnmatch.fnmatchcase(candidate, body)
            or (body.startswith("**/") and fnmatch.fnmatchcase(candidate.split("/")[-1], body[3:]))
            for candidate in prefixes
        )
        if matched:
            ignored = not negate
    return ignored


def _dockerignore() -> list[str]:
    lines = DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


@pytest.mark.parametrize(
    "path",
    [".env", ".git/config", ".venv/bin/python", "tests/conftest.py", "hmrc-sync.db", "deploy"],
)
def test_secrets_and_local_state_stay_out_of_the_build_context(path: str) -> None:
    assert _ignored(path, _dockerignore())


def test_everything_the_dockerfile_copies_is_in_the_build_context() -> None:
    patterns = _dockerignore()
    for stage in STAGES:
        for copy in stage.arguments("COPY"):
            if copy.startswith("--from="):
                continue
            *sources, _destination = copy.split()
            for source in sources:
                assert (REPO_ROOT / source).exists(), source
                assert not _ignored(source.rstrip("/"), patterns), source
    assert not _ignored("hmrc_sync/migrations/script.py.mako", patterns)
    assert _ignored("hmrc_sync/__pycache__/cli.cpython-311.pyc", patterns)
