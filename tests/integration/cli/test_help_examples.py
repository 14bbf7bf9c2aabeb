"""Every command's and subcommand's ``--help`` shows at least one example, and the top-level
help's summaries are whole sentences."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from hmrc_sync.cli import SUMMARIES, cli
from tests.integration.cli.command_paths import command_paths


@pytest.mark.parametrize("path", command_paths(), ids=" ".join)
def test_help_has_an_example(path: list[str]) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example" in result.output
    assert f"hmrc-sync {' '.join(path)}" in result.output


def test_top_level_summaries_are_not_cut() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    text = " ".join(result.output.split())  # the help wraps long lines
    for name, summary in SUMMARIES.items():
        assert f"{name} {summary}" in text, name
    commands = result.output.split("Commands:")[1]
    assert "..." not in commands
