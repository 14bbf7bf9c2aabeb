from __future__ import annotations

from pathlib import Path

import pytest

from hmrc_sync.errors import ConfigurationError
from hmrc_sync.settings import DEFAULT_SCOPES, Environment, load_settings


def test_defaults_use_sqlite_in_the_user_data_directory(tmp_path: Path) -> None:
    settings = load_settings()
    assert (
        settings.database_url == f"sqlite:///{tmp_path / 'xdg-data' / 'hmrc-sync' / 'hmrc-sync.db'}"
    )
    assert settings.environment is Environment.SANDBOX
    assert settings.scopes == DEFAULT_SCOPES
    assert settings.hmrc_api_base_url == "https://test-api.service.hmrc.gov.uk"


def test_environment_variables_and_dotenv(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        "HMRC_SYNC_ENVIRONMENT=production\nHMRC_SYNC_UTR=1111111111\n", encoding="utf-8"
    )
    monkeypatch.setenv("HMRC_SYNC_UTR", "2222222222")
    settings = load_settings()
    assert settings.environment is Environment.PRODUCTION
    assert settings.utr == "2222222222", "the environment wins over .env"
    assert settings.hmrc_api_base_url == "https://api.service.hmrc.gov.uk"


def test_emulator_override_sets_both_urls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HMRC_SYNC_API_BASE_URL", "http://127.0.0.1:9090/")
    settings = load_settings()
    assert settings.hmrc_api_base_url == "http://127.0.0.1:9090"
    assert settings.hmrc_authorize_url == "http://127.0.0.1:9090/oauth/authorize"


def test_scopes_accept_spaces_or_commas(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HMRC_SYNC_SCOPES", "read:individual-tax, read:individual-income")
    assert load_settings().scopes == ("read:individual-tax", "read:individual-income")


@pytest.mark.parametrize(
    ("variable", "value", "needle"),
    [
        ("HMRC_SYNC_DATABASE_URL", "mysql://x@y/z", "HMRC_SYNC_DATABASE_URL"),
        ("HMRC_SYNC_ENVIRONMENT", "staging", "HMRC_SYNC_ENVIRONMENT"),
        ("HMRC_SYNC_TOKEN_STORE", "s3", "HMRC_SYNC_TOKEN_STORE"),
    ],
)
def test_bad_values_name_the_variable_and_what_is_allowed(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, needle: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigurationError) as info:
        load_settings()
    assert needle in str(info.value)
    assert info.value.exit_code == 2


def test_bad_database_url_says_what_is_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HMRC_SYNC_DATABASE_URL", "mysql://x@y/z")
    with pytest.raises(ConfigurationError, match="sqlite:///PATH or postgresql://"):
        load_settings()


def test_secrets_never_appear_in_repr_or_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HMRC_SYNC_CLIENT_SECRET", "very-secret-client-secret")
    monkeypatch.setenv("HMRC_SYNC_WEBHOOK_TOKEN", "very-secret-webhook-token-0123456789abcdef")
    monkeypatch.setenv("VAULT_TOKEN", "very-secret-vault")
    settings = load_settings()
    text = repr(settings) + str(settings)
    for secret in (
        "very-secret-client-secret",
        "very-secret-webhook-token-0123456789abcdef",
        "very-secret-vault",
    ):
        assert secret not in text
    assert settings.client_secret is not None
    assert settings.client_secret.get_secret_value() == "very-secret-client-secret"
    assert settings.vault_token is not None
    monkeypatch.setenv("HMRC_SYNC_ENVIRONMENT", "nope")
    with pytest.raises(ConfigurationError) as info:
        load_settings()
    assert "very-secret" not in str(info.value)


def test_the_database_password_never_appears_in_repr_str_or_errors(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pydantic import ValidationError

    from hmrc_sync.logconfig import settings_secrets
    from hmrc_sync.settings import Settings

    url = "postgresql://hmrc:userinfo-pw@db:5432/hmrc?sslpassword=ssl-pw&password=query-pw"
    monkeypatch.setenv("HMRC_SYNC_DATABASE_URL", url)
    settings = load_settings()
    assert settings.database_url == url, "the value itself is untouched"
    text = repr(settings) + str(settings)
    for secret in ("userinfo-pw", "ssl-pw", "query-pw"):
        assert secret not in text
    assert "postgresql://hmrc:***@db:5432/hmrc?sslpassword=***&password=***" in text
    # The log filter knows them, so a line that repeats one is redacted.
    assert {"userinfo-pw", "ssl-pw", "query-pw"} <= set(settings_secrets(settings))
    # A rejected URL is never echoed back, even by pydantic's own error.
    bad = "postgresql://hmrc:userinfo-pw@db:abc/hmrc"
    with pytest.raises(ValidationError) as raw_error:
        Settings(database_url=bad)
    assert "userinfo-pw" not in str(raw_error.value)
    monkeypatch.setenv("HMRC_SYNC_DATABASE_URL", bad)
    with pytest.raises(ConfigurationError) as info:
        load_settings()
    assert "userinfo-pw" not in str(info.value)
    assert "HMRC_SYNC_DATABASE_URL" in str(info.value)
    assert "the port 'abc' is not a number" in str(info.value)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("ftp://api.example", "must start with http:// or https://"),
        ("https://", "has no host"),
        ("https:///path", "has no host"),
        ("https://api example.com", "contains a space"),
        ("api.service.hmrc.gov.uk", "must start with http:// or https://"),
        ("http://h:port", "port"),
    ],
)
def test_a_bad_api_base_url_says_what_is_wrong(
    monkeypatch: pytest.MonkeyPatch, value: str, problem: str
) -> None:
    monkeypatch.setenv("HMRC_SYNC_API_BASE_URL", value)
    with pytest.raises(ConfigurationError) as info:
        load_settings()
    assert "HMRC_SYNC_API_BASE_URL" in str(info.value)
    assert problem in str(info.value)


def test_a_good_api_base_url_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HMRC_SYNC_API_BASE_URL", "http://[::1]:9090/base/")
    assert load_settings().hmrc_api_base_url == "http://[::1]:9090/base"


@pytest.mark.parametrize("json_lines", [True, False])
def test_a_logged_traceback_never_shows_the_database_password(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], json_lines: bool
) -> None:
    import logging

    from hmrc_sync.logconfig import configure_logging

    url = "postgresql://hmrc:userinfo-pw@db/hmrc?sslpassword=ssl-pw"
    monkeypatch.setenv("HMRC_SYNC_DATABASE_URL", url)
    configure_logging(load_settings(log_format="json" if json_lines else "text"))
    try:
        raise RuntimeError(f"could not connect with {url}")
    except RuntimeError:
        logging.getLogger("hmrc_sync.test").exception("failed on %s", url)
    finally:
        root = logging.getLogger()
        for handler in [h for h in root.handlers if getattr(h, "_hmrc_sync", False)]:
            root.removeHandler(handler)
    logged = capsys.readouterr().err
    assert "could not connect with" in logged, "the traceback is logged"
    assert "userinfo-pw" not in logged
    assert "ssl-pw" not in logged
