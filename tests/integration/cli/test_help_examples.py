"""Every command's and subcommand's ``--help`` shows at least one example, and the top-level
help's summaries are whole sentences."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from hmrc_sync.cli import COMMANDS, SUMMARIES, cli


def _paths() -> list[list[str]]:
    context = click.Context(cli)
    found: list[list[str]] = []
    for name in COMMANDS:
        command = cli.get_command(context, name)
        assert command is not None
        found.append([name])
        if isinstance(command, click.Group):
            sub_context = click.Context(command, parent=context)
            found += [[name, sub] for sub in command.list_commands(sub_context)]
    return found


@pytest.mark.parametrize("path", _paths(), ids=" ".join)
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
