"""A database or Vault failure that escapes a command ends as one clean line and an exit
code, never a traceback or the driver's text (which may hold the connection string)."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner
from sqlalchemy.exc import OperationalError

from hmrc_sync.cli import HmrcSyncGroup
from hmrc_sync.errors import ExitCode


def _group_raising(error: Exception) -> click.Group:
    @click.group(cls=HmrcSyncGroup)
    def group() -> None:
        pass

    @group.command()
    def boom() -> None:
        raise error

    return group


def test_a_database_failure_is_a_clean_message() -> None:
    error = OperationalError("SELECT 1", {}, Exception("password=hunter2 host=db failed"))
    result = CliRunner().invoke(_group_raising(error), ["boom"])
    assert result.exit_code == ExitCode.FAILED
    assert "the database failed (OperationalError)" in result.output
    assert "hunter2" not in result.output
    assert "Traceback" not in result.output


def test_other_errors_are_not_swallowed() -> None:
    result = CliRunner().invoke(_group_raising(KeyError("bug")), ["boom"])
    assert isinstance(result.exception, KeyError)


@pytest.mark.parametrize("module", ["hvac.exceptions", "requests.exceptions"])
def test_a_vault_failure_is_a_clean_message(module: str) -> None:
    failure = type("Forbidden", (Exception,), {"__module__": module})
    result = CliRunner().invoke(_group_raising(failure("permission denied")), ["boom"])
    assert result.exit_code == ExitCode.FAILED
    assert "Vault failed (Forbidden)" in result.output


def test_a_database_failure_names_the_masked_url_the_command_used() -> None:
    from hmrc_sync.commands.exits import DATABASE_URL_META

    url = "postgresql://hmrc:hunter2-pw@db:5432/hmrc?sslpassword=ssl-hunter2"

    @click.group(cls=HmrcSyncGroup)
    def group() -> None:
        pass

    @group.command()
    @click.pass_context
    def boom(ctx: click.Context) -> None:
        ctx.meta[DATABASE_URL_META] = url
        raise OperationalError(
            "SELECT 1", {}, Exception("server said hunter2-pw and password=other-pw, then closed")
        )

    result = CliRunner().invoke(group, ["boom"])
    assert result.exit_code == ExitCode.FAILED
    assert "postgresql://hmrc:***@db:5432/hmrc?sslpassword=***" in result.output
    assert "HMRC_SYNC_DATABASE_URL, or --database-url" in result.output
    for secret in ("hunter2-pw", "ssl-hunter2", "other-pw"):
        assert secret not in result.output
    assert "Traceback" not in result.output
