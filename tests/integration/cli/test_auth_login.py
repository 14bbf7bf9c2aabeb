"""``auth login`` checks its settings before anyone is sent to sign in: a missing client id or
secret is a configuration error (exit 2, as for ``sync``), a pair HMRC does not recognise fails
at once with exit 2 (never after the loopback wait), and an unreachable HMRC says so (exit 4).
Against the in-process emulator, whose token endpoint answers ``client_credentials`` as HMRC's
does (401 ``invalid_client`` for a wrong pair)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from click.testing import CliRunner, Result

from hmrc_sync.bootstrap import bootstrap
from hmrc_sync.cli import cli
from hmrc_sync.emulator.inprocess import free_port
from hmrc_sync.errors import AuthorisationError, ExitCode
from hmrc_sync.oauth.installed_app import authorize_installed_app
from tests.support.emulated import EmulatedHmrc, emulated_hmrc


@pytest.fixture
def hmrc(tmp_path: Path) -> Iterator[EmulatedHmrc]:
    with emulated_hmrc(tmp_path) as emulated:
        yield emulated


def _env(hmrc: EmulatedHmrc, tmp_path: Path, **overrides: str | None) -> dict[str, str | None]:
    values = hmrc.settings_values(f"sqlite:///{tmp_path / 'db.sqlite'}")
    values["redirect_uri"] = f"http://127.0.0.1:{free_port()}/oauth/callback"
    env = {f"HMRC_SYNC_{k.upper()}": (None if v is None else str(v)) for k, v in values.items()}
    env.update({f"HMRC_SYNC_{k.upper()}": v for k, v in overrides.items()})
    return env


def _login(env: dict[str, str | None]) -> Result:
    # --timeout 10: were the check skipped, the test would wait for a callback and fail.
    return CliRunner().invoke(cli, ["auth", "login", "--no-browser", "--timeout", "10"], env=env)


@pytest.mark.parametrize("missing", ["client_id", "client_secret"])
def test_a_missing_client_id_or_secret_is_a_configuration_error(
    hmrc: EmulatedHmrc, tmp_path: Path, missing: str
) -> None:
    result = _login(_env(hmrc, tmp_path, **{missing: None}))
    assert result.exit_code == ExitCode.CONFIGURATION, result.output
    assert f"HMRC_SYNC_{missing.upper()}" in result.output
    assert "Open this address" not in result.output


def test_a_wrong_secret_fails_at_once_without_sending_anyone_to_sign_in(
    hmrc: EmulatedHmrc, tmp_path: Path
) -> None:
    wrong = "not-the-secret-" + hmrc.client_secret[:4]
    result = _login(_env(hmrc, tmp_path, client_secret=wrong))
    assert result.exit_code == ExitCode.CONFIGURATION, result.output
    assert "HMRC does not recognise HMRC_SYNC_CLIENT_ID and HMRC_SYNC_CLIENT_SECRET" in (
        result.output
    )
    assert "invalid_client" in result.output
    assert "Open this address" not in result.output
    assert wrong not in result.output
    assert hmrc.client_secret not in result.output
    assert not (tmp_path / "token.json").exists()


def test_a_wrong_client_id_fails_at_once(hmrc: EmulatedHmrc, tmp_path: Path) -> None:
    result = _login(_env(hmrc, tmp_path, client_id="nobody-registered-this"))
    assert result.exit_code == ExitCode.CONFIGURATION, result.output
    assert "HMRC does not recognise" in result.output


def test_an_unreachable_hmrc_says_so_and_exits_4(hmrc: EmulatedHmrc, tmp_path: Path) -> None:
    nowhere = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    result = _login(_env(hmrc, tmp_path, api_base_url=nowhere))
    assert result.exit_code == ExitCode.HMRC_UNAVAILABLE, result.output
    assert "could not reach HMRC's token endpoint" in result.output
    assert "HMRC_SYNC_API_BASE_URL" in result.output
    assert "Open this address" not in result.output


def test_a_recognised_pair_goes_on_to_the_sign_in(hmrc: EmulatedHmrc, tmp_path: Path) -> None:
    """The check passes for the right pair: the visit happens (here the owner declines)."""
    redirect = f"http://127.0.0.1:{free_port()}/oauth/callback"
    container = bootstrap(
        hmrc.settings(f"sqlite:///{tmp_path / 'db.sqlite'}", redirect_uri=redirect)
    )
    visited: list[str] = []

    def decline(url: str) -> None:
        visited.append(url)
        state = parse_qs(urlsplit(url).query)["state"][0]
        httpx.get(redirect, params={"error": "access_denied", "state": state}, timeout=5)

    try:
        with pytest.raises(AuthorisationError, match="access was not granted"):
            authorize_installed_app(container, decline, timeout_s=10)
    finally:
        container.close()
    assert len(visited) == 1
    assert visited[0].startswith(hmrc.url + "/oauth/authorize")
