"""Every command and subcommand of ``hmrc-sync``, as the words that name it on the command
line: what the tests that must cover each one parametrise over."""

from __future__ import annotations

import click

from hmrc_sync.cli import COMMANDS, cli


def command_paths() -> list[list[str]]:
    """``["sync"]``, ``["auth", "login"]``, … (the group itself is ``[]``, left out)."""
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
