"""The one way a command or Phase 1 script ends on an error: ``Error: <message>`` on stderr and
the error's exit code (``hmrc_sync.errors.ExitCode``), never a traceback."""

from __future__ import annotations

import sys
from typing import NoReturn

import click

from hmrc_sync.errors import HmrcSyncError

# Where a command leaves the database URL it uses (click's ``Context.meta``), so that a
# database failure escaping it can name that URL, masked.
DATABASE_URL_META = "hmrc_sync.database_url"


def exit_with_error(error: HmrcSyncError) -> NoReturn:
    click.echo(f"Error: {error.message}", err=True)
    sys.exit(error.exit_code)
