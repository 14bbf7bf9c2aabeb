"""The ``hmrc-sync`` command line. Thin: parse, call a service, print, exit.

Every ``HmrcSyncError`` becomes a one-line message on stderr and the error's exit code.
"""

from __future__ import annotations

from typing import Any

import click

from hmrc_sync import __version__
from hmrc_sync.errors import HmrcSyncError


class HmrcSyncGroup(click.Group):
    """Turns hmrc-sync's own errors into clean messages with their exit codes."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except HmrcSyncError as error:
            click.echo(f"Error: {error.message}", err=True)
            ctx.exit(error.exit_code)


@click.group(cls=HmrcSyncGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="hmrc-sync")
def cli() -> None:
    """hmrc-sync keeps an audited record of what HMRC holds about your pay and tax,
    reconciled against your payslips.

    Configuration comes from HMRC_SYNC_* environment variables or a .env file; see
    docs/configuration.md.
    """


def _register() -> None:
    from hmrc_sync.commands.auth import auth
    from hmrc_sync.commands.db import migrate, status
    from hmrc_sync.commands.serve import serve
    from hmrc_sync.commands.sync import sync

    for command in (migrate, status, sync, auth, serve):
        cli.add_command(command)


_register()


def main() -> None:
    cli(prog_name="hmrc-sync")
