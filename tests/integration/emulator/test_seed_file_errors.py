"""A malformed ``--seed`` file stops ``hmrc-sync emulator`` before its banner: exit 2 and one
line naming the file and the place in it, never a traceback."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from hmrc_sync.cli import cli
from hmrc_sync.emulator.engine.seeding import seed_problems
from hmrc_sync.errors import ExitCode
from tests.support.shared import REPO_ROOT


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("{not json", "cannot read it: invalid JSON"),
        ("[1, 2]", "must hold a JSON object"),
        ('{"users": 5}', "users must be a list"),
        ('{"users": [7]}', "users[0]: must be a JSON object"),
        ('{"usres": []}', "unknown key 'usres'"),
        ('{"users": [{"nino": 5}]}', "users[0]: nino must be text"),
        ('{"applications": [{"clientId": "x"}]}', "applications[0]: missing 'clientSecret'"),
        ('{"users": [{"taxYears": {"20x": {}}}]}', "'20x' is not a tax year"),
        (
            '{"users": [{"taxYears": {"2024-25": {"scenario": "NOPE"}}}]}',
            "unknown scenario 'NOPE'",
        ),
        (
            '{"users": [{"taxYears": {"2024-25": {"employers": [{"name": "a"}]}}}]}',
            "users[0]: an employer needs a payeReference",
        ),
        (
            '{"users": [{"taxYears": {"2024-25": {"availability": {"reconciledOn": "soon"}}}}]}',
            "availability.reconciledOn: 'soon' is not a date",
        ),
        ('{"users": [{"grants": [{"scopes": []}]}]}', "grants[0]: missing 'clientId'"),
    ],
)
def test_a_bad_seed_file_is_named_with_its_problem(
    tmp_path: Path, content: str, problem: str
) -> None:
    seed = tmp_path / "seed.json"
    seed.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(cli, ["emulator", "--port", "0", "--seed", str(seed)])
    assert result.exit_code == ExitCode.CONFIGURATION, result.output
    assert result.output.startswith(f"Error: the seed file {seed} (--seed): ")
    assert problem in result.output
    assert "docs/emulator-seed.md" in result.output
    assert "HMRC emulator on" not in result.output, "stopped before the banner"
    assert "Traceback" not in result.output


def test_the_documented_example_and_the_starter_have_the_documented_shape() -> None:
    from hmrc_sync.emulator.data.starter import starter_user
    from hmrc_sync.jsonio import loads

    example = loads((REPO_ROOT / "docs" / "examples" / "emulator-seed.json").read_bytes())
    assert seed_problems(example) == []
    starter = json.loads(
        json.dumps({"users": [starter_user(dt.date(2026, 5, 1), "pw")]}, default=str)
    )
    assert seed_problems(starter) == []
