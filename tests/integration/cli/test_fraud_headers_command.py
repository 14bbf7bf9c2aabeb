"""`hmrc-sync fraud-headers`: what this machine would send, with the local or remote verdict."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from hmrc_sync.cli import cli
from tests.support.emulated import emulated_hmrc

BROWSER = {
    "user_agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0",
    "screen_width": 1920,
    "screen_height": 1080,
    "screen_scaling": 1,
    "colour_depth": 24,
    "window_width": 1280,
    "window_height": 900,
    "utc_offset_minutes": 60,
}


def test_batch_headers_of_this_machine_are_valid_and_keep_one_device_id() -> None:
    runner = CliRunner()
    first = runner.invoke(cli, ["fraud-headers", "--json"])
    assert first.exit_code == 0, first.output
    answer = json.loads(first.output)
    headers = answer["headers"]
    assert headers["Gov-Client-Connection-Method"] == "BATCH_PROCESS_DIRECT"
    assert headers["Gov-Client-User-IDs"].startswith("os=")
    assert answer["verdict"]["code"] in ("VALID_HEADERS", "POTENTIALLY_INVALID_HEADERS")
    again = json.loads(runner.invoke(cli, ["fraud-headers", "--json"]).output)
    assert again["headers"]["Gov-Client-Device-ID"] == headers["Gov-Client-Device-ID"]


def test_web_method_needs_browser_data_and_says_so(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["fraud-headers", "--connection-method", "WEB_APP_VIA_SERVER"])
    assert result.exit_code == 2
    assert "--browser-json" in result.output
    browser = tmp_path / "browser.json"
    browser.write_text(json.dumps(BROWSER), encoding="utf-8")
    ok = CliRunner().invoke(
        cli,
        [
            "fraud-headers",
            "--connection-method",
            "WEB_APP_VIA_SERVER",
            "--browser-json",
            str(browser),
            "--json",
        ],
    )
    assert ok.exit_code == 0, ok.output
    headers = json.loads(ok.output)["headers"]
    assert headers["Gov-Client-Window-Size"] == "width=1280&height=900"
    assert headers["Gov-Client-Timezone"] == "UTC+01:00"
    assert "os=" not in headers["Gov-Client-User-IDs"]


def test_remote_asks_the_configured_validator(tmp_path: Path, monkeypatch: object) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    with emulated_hmrc(tmp_path) as hmrc:
        for key, value in hmrc.env("sqlite:///" + str(tmp_path / "db.sqlite")).items():
            if key.startswith("HMRC_SYNC_"):
                monkeypatch.setenv(key, value)
        result = CliRunner().invoke(cli, ["fraud-headers", "--remote"])
    assert result.exit_code == 0, result.output
    assert "Gov-Client-Connection-Method" in result.output
    assert "HEADERS:" in result.output
    assert hmrc.client_secret not in result.output


def _point_at(hmrc: object, tmp_path: Path, monkeypatch: object) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    for key, value in hmrc.env("sqlite:///" + str(tmp_path / "db.sqlite")).items():  # type: ignore[attr-defined]
        if key.startswith("HMRC_SYNC_"):
            monkeypatch.setenv(key, value)


def test_remote_uses_the_stored_grant_when_the_validator_wants_a_user_token(
    tmp_path: Path, monkeypatch: object
) -> None:
    """HMRC's sandbox validator has refused client-credentials tokens since August 2026: with
    a grant stored, the user-restricted token is used and the command says so."""
    from hmrc_sync.tokenstore import FileTokenStore

    with emulated_hmrc(tmp_path, validator_refuses_application_tokens=True) as hmrc:
        _point_at(hmrc, tmp_path, monkeypatch)
        hmrc.grant(FileTokenStore(tmp_path / "token.json"))
        result = CliRunner().invoke(cli, ["fraud-headers", "--remote"])
    assert result.exit_code == 0, result.output
    assert "Validated with your stored grant" in result.output
    assert "HEADERS:" in result.output


def test_remote_says_why_neither_token_was_accepted(tmp_path: Path, monkeypatch: object) -> None:
    with emulated_hmrc(tmp_path, validator_refuses_application_tokens=True) as hmrc:
        _point_at(hmrc, tmp_path, monkeypatch)
        result = CliRunner().invoke(cli, ["fraud-headers", "--remote"])
    assert result.exit_code != 0
    assert "accepted neither token" in result.output
    assert "no usable grant is stored" in result.output
    assert "client-credentials token was refused (INVALID_CREDENTIALS)" in result.output
    assert hmrc.client_secret not in result.output


def test_remote_falls_back_to_client_credentials_without_a_grant(
    tmp_path: Path, monkeypatch: object
) -> None:
    with emulated_hmrc(tmp_path) as hmrc:
        _point_at(hmrc, tmp_path, monkeypatch)
        result = CliRunner().invoke(cli, ["fraud-headers", "--remote"])
    assert result.exit_code == 0, result.output
    assert "Validated with client credentials (no usable grant is stored" in result.output
