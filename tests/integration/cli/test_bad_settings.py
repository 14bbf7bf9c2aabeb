"""Bad settings end in one clean line naming the setting and what to do, never a traceback,
and the database URL's password never reaches the output (issue #15 item 8, #13 item 6)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from hmrc_sync.cli import cli
from hmrc_sync.errors import ExitCode

SECRETS = ("userinfo-pw", "query-pw", "ssl-pw")


def run(args: list[str], env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, args, env=env)


def assert_clean(result: Result, code: ExitCode, *needles: str) -> None:
    assert result.exit_code == code, result.output
    assert result.output.startswith("Error: "), result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    for needle in needles:
        assert needle in result.output
    for secret in SECRETS:
        assert secret not in result.output


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A port bound but not listening: connecting to it is refused."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        yield held.getsockname()[1]


def with_password(url: str) -> str:
    """``url`` (postgresql+psycopg://postgres@…) with a password in the userinfo and two in
    the query string (the test server trusts every connection, so they are ignored)."""
    scheme, _, rest = url.partition("://")
    user, _, location = rest.partition("@")
    joiner = "&" if "?" in location else "?"
    return f"{scheme}://{user}:userinfo-pw@{location}{joiner}password=query-pw"


def test_a_port_that_is_not_a_number() -> None:
    result = run(["sync", "--database-url", "postgresql://u:userinfo-pw@h:abc/db"])
    assert_clean(
        result, ExitCode.CONFIGURATION, "HMRC_SYNC_DATABASE_URL", "the port 'abc' is not a number"
    )


@pytest.mark.parametrize("command", ["migrate", "sync", "status"])
def test_a_sqlite_path_under_a_regular_file(tmp_path: Path, command: str) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    result = run([command, "--database-url", f"sqlite:///{blocker / 'hmrc-sync.db'}"])
    assert_clean(result, ExitCode.CONFIGURATION, "HMRC_SYNC_DATABASE_URL", "writable path")


def test_a_sqlite_path_that_cannot_be_created() -> None:
    # /proc refuses new files even to root.
    result = run(["migrate", "--database-url", "sqlite:////proc/hmrc-sync/hmrc-sync.db"])
    assert_clean(result, ExitCode.CONFIGURATION, "HMRC_SYNC_DATABASE_URL", "/proc/hmrc-sync")


def test_a_sqlite_path_that_is_a_directory(tmp_path: Path) -> None:
    result = run(["migrate", "--database-url", f"sqlite:///{tmp_path}"])
    assert_clean(result, ExitCode.CONFIGURATION, "HMRC_SYNC_DATABASE_URL", "is a directory")


def test_a_token_file_whose_directory_cannot_exist(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    env = {"HMRC_SYNC_TOKEN_FILE": str(blocker / "token.json")}
    result = run(["auth", "status"], env=env)
    assert_clean(result, ExitCode.CONFIGURATION, "HMRC_SYNC_TOKEN_FILE", str(blocker))


@pytest.mark.parametrize("value", ["ftp://h", "https://", "https://api example.com"])
def test_a_bad_api_base_url(value: str) -> None:
    result = run(["sync"], env={"HMRC_SYNC_API_BASE_URL": value})
    assert_clean(result, ExitCode.CONFIGURATION, "HMRC_SYNC_API_BASE_URL")


def test_a_closed_postgres_port_names_the_masked_url(closed_port: int) -> None:
    url = f"postgresql://hmrc:userinfo-pw@127.0.0.1:{closed_port}/hmrc?password=query-pw"
    result = run(["sync", "--database-url", url])
    assert_clean(
        result,
        ExitCode.FAILED,
        f"cannot connect to the database postgresql://hmrc:***@127.0.0.1:{closed_port}/"
        "hmrc?password=***",
        "HMRC_SYNC_DATABASE_URL, or --database-url",
        "connection refused",
        "PostgreSQL is running",
    )


def test_a_database_that_does_not_exist(postgres_url: str) -> None:
    missing = with_password(postgres_url.rsplit("/", 1)[0] + "/no_such_hmrc_sync_db")
    for command in ("status", "migrate", "sync"):
        result = run([command, "--database-url", missing])
        assert_clean(
            result,
            ExitCode.FAILED,
            "cannot connect to the database",
            "/no_such_hmrc_sync_db",
            "no such database on that server",
        )


def test_status_and_migrate_never_show_the_password(postgres_url: str) -> None:
    url = with_password(postgres_url)
    migrated = run(["migrate", "--database-url", url])
    assert migrated.exit_code == 0, migrated.output
    status = run(["status", "--database-url", url])
    assert status.exit_code == 0, status.output
    assert ":***@" in status.output
    assert "password=***" in status.output
    for secret in SECRETS:
        assert secret not in migrated.output + status.output


def test_config_masks_the_query_string_password() -> None:
    url = "postgresql://me:userinfo-pw@db/hmrc?sslpassword=ssl-pw&sslmode=require"
    result = run(["config"], env={"HMRC_SYNC_DATABASE_URL": url})
    assert result.exit_code == 0, result.output
    assert "postgresql://me:***@db/hmrc?sslpassword=***&sslmode=require" in result.output
    for secret in SECRETS:
        assert secret not in result.output
