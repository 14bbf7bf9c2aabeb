"""Log levels and formats: -v/-q over HMRC_SYNC_LOG_LEVEL over the default (warnings on a
terminal, info as JSON lines); third-party chatter only with debug, and never below WARNING
for the loggers that may carry SQL parameters, wire traffic or Vault's answers."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

from hmrc_sync.errors import ConfigurationError
from hmrc_sync.logconfig import configure_logging, effective_level, uses_json
from hmrc_sync.settings import LogFormat, LogLevel, load_settings

WATCHED = ("", "httpx", "alembic", "urllib3", "httpcore", "hvac", "sqlalchemy")


class Stderr:
    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self._capsys = capsys

    def getvalue(self) -> str:
        return self._capsys.readouterr().err


@pytest.fixture
def stderr(capsys: pytest.CaptureFixture[str]) -> Iterator[Stderr]:
    """The captured stderr (no terminal), and the logging configuration put back after."""
    saved = {name: logging.getLogger(name).level for name in WATCHED}
    handlers = list(logging.getLogger().handlers)
    yield Stderr(capsys)
    root = logging.getLogger()
    root.handlers[:] = handlers
    for name, level in saved.items():
        logging.getLogger(name).setLevel(level)


def _emit_everywhere() -> None:
    logging.getLogger("hmrc_sync.test").debug("own debug")
    logging.getLogger("hmrc_sync.test").info("own info")
    logging.getLogger("hmrc_sync.test").warning("own warning")
    logging.getLogger("hmrc_sync.test").error("own error")
    logging.getLogger("alembic.runtime.migration").info("alembic info")
    logging.getLogger("httpx").info("httpx info")
    logging.getLogger("httpx").warning("httpx warning")
    logging.getLogger("sqlalchemy.engine").info("sqlalchemy info")
    logging.getLogger("hvac").info("hvac info")


@pytest.mark.parametrize(
    ("log_format", "setting", "flag", "expected"),
    [
        (LogFormat.TEXT, None, None, LogLevel.WARNING),
        (LogFormat.JSON, None, None, LogLevel.INFO),
        (LogFormat.TEXT, LogLevel.INFO, None, LogLevel.INFO),
        (LogFormat.JSON, LogLevel.ERROR, None, LogLevel.ERROR),
        (LogFormat.JSON, LogLevel.ERROR, LogLevel.DEBUG, LogLevel.DEBUG),
        (LogFormat.TEXT, LogLevel.DEBUG, LogLevel.ERROR, LogLevel.ERROR),
    ],
)
def test_the_flag_wins_over_the_setting_over_the_default(
    log_format: LogFormat, setting: LogLevel | None, flag: LogLevel | None, expected: LogLevel
) -> None:
    settings = load_settings(log_format=log_format, log_level=setting)
    assert effective_level(settings, flag) is expected


def test_auto_is_json_lines_when_stderr_is_no_terminal(stderr: Stderr) -> None:
    assert uses_json(load_settings())  # the captured stderr is no terminal
    assert not uses_json(load_settings(log_format="text"))
    assert uses_json(load_settings(log_format="json"))


def test_the_settings_read_any_case_and_refuse_other_words(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HMRC_SYNC_LOG_LEVEL", "Debug")
    monkeypatch.setenv("HMRC_SYNC_LOG_FORMAT", "JSON")
    settings = load_settings()
    assert settings.log_level is LogLevel.DEBUG
    assert settings.log_format is LogFormat.JSON
    monkeypatch.setenv("HMRC_SYNC_LOG_LEVEL", "loud")
    with pytest.raises(ConfigurationError, match="HMRC_SYNC_LOG_LEVEL"):
        load_settings()


def test_json_at_info_shows_own_records_but_no_library_chatter(stderr: Stderr) -> None:
    configure_logging(load_settings(log_format="json"))
    _emit_everywhere()
    records = [json.loads(line) for line in stderr.getvalue().splitlines()]
    assert [r["message"] for r in records] == [
        "own info",
        "own warning",
        "own error",
        "httpx warning",
    ]


def test_a_terminal_shows_warnings_only(stderr: Stderr) -> None:
    configure_logging(load_settings(log_format="text"))
    _emit_everywhere()
    assert stderr.getvalue().splitlines() == [
        "WARNING hmrc_sync.test: own warning",
        "ERROR hmrc_sync.test: own error",
        "WARNING httpx: httpx warning",
    ]


def test_quiet_shows_errors_only_even_from_libraries(stderr: Stderr) -> None:
    configure_logging(load_settings(log_format="text"), level=LogLevel.ERROR)
    _emit_everywhere()
    assert stderr.getvalue().splitlines() == ["ERROR hmrc_sync.test: own error"]


def test_verbose_adds_debug_and_library_info_but_not_sql_or_vault(stderr: Stderr) -> None:
    configure_logging(load_settings(log_format="text"), level=LogLevel.DEBUG)
    _emit_everywhere()
    shown = stderr.getvalue()
    for message in ("own debug", "own info", "alembic info", "httpx info", "httpx warning"):
        assert message in shown
    assert "sqlalchemy info" not in shown
    assert "hvac info" not in shown


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_a_secret_in_an_exceptions_text_is_redacted_in_the_traceback(
    stderr: Stderr, log_format: str
) -> None:
    secret = "client-secret-" + "7" * 20
    configure_logging(load_settings(log_format=log_format, client_secret=secret))
    try:
        raise RuntimeError(f"the driver said: password={secret} refused")
    except RuntimeError:
        logging.getLogger("hmrc_sync.test").exception("the run failed")
    shown = stderr.getvalue()
    assert "the run failed" in shown
    assert "RuntimeError: the driver said: password=*** refused" in shown.replace("\\n", "\n")
    assert secret not in shown


def test_a_library_child_logger_set_to_info_still_shows_nothing_below_warning(
    stderr: Stderr,
) -> None:
    # SQLAlchemy's echo (or another embedder) sets sqlalchemy.engine.Engine to INFO: its SQL
    # parameters still never reach hmrc-sync's log, even with -v.
    child = logging.getLogger("sqlalchemy.engine.Engine")
    saved = child.level
    child.setLevel(logging.INFO)
    try:
        configure_logging(load_settings(log_format="text"), level=LogLevel.DEBUG)
        child.info("SELECT secret parameters")
        child.warning("a pool warning")
    finally:
        child.setLevel(saved)
    shown = stderr.getvalue()
    assert "SELECT secret parameters" not in shown
    assert "a pool warning" in shown
