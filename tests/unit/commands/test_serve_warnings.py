"""``serve`` warns at start when the redirect URI cannot lead back to it, or the owner pages
cannot work for want of an admin token."""

from __future__ import annotations

from pathlib import Path

import pytest

from hmrc_sync.commands.serve import redirect_warning, start_warnings
from hmrc_sync.settings import load_settings

DEFAULT = "http://localhost:8080/oauth/callback"


@pytest.mark.parametrize(
    ("redirect_uri", "host", "port"),
    [
        (DEFAULT, "127.0.0.1", 8080),
        (DEFAULT, "0.0.0.0", 8080),  # noqa: S104
        ("http://127.0.0.1:9000/callback", "localhost", 9000),
        ("https://sync.example/callback", "0.0.0.0", 8080),  # noqa: S104 - behind a proxy
    ],
)
def test_no_warning_when_the_redirect_comes_back_here(
    redirect_uri: str, host: str, port: int
) -> None:
    assert redirect_warning(redirect_uri, host, port) is None


def test_another_port_is_named_with_the_fix() -> None:
    warning = redirect_warning(DEFAULT, "127.0.0.1", 8181)
    assert warning is not None
    assert "127.0.0.1:8181" in warning
    assert "HMRC_SYNC_REDIRECT_URI=http://localhost:8181/oauth/callback" in warning


def test_a_public_redirect_to_a_loopback_only_server_is_warned() -> None:
    warning = redirect_warning("https://sync.example/callback", "127.0.0.1", 8080)
    assert warning is not None
    assert "listens only on 127.0.0.1" in warning


def test_a_missing_admin_token_is_warned(tmp_path: Path) -> None:
    settings = load_settings(database_url=f"sqlite:///{tmp_path / 'x.db'}")
    (warning,) = start_warnings(settings, "127.0.0.1", 8080)
    assert "HMRC_SYNC_ADMIN_TOKEN is not set" in warning
    with_token = load_settings(database_url=f"sqlite:///{tmp_path / 'x.db'}", admin_token="t" * 32)
    assert start_warnings(with_token, "127.0.0.1", 8080) == []
