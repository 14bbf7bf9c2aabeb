"""Logging for the entry points (library modules only ever call ``getLogger``).

JSON lines to stderr when not on a terminal (containers), plain text on a terminal
(``HMRC_SYNC_LOG_FORMAT`` chooses). The level is the command's ``-v``/``-q``, else
``HMRC_SYNC_LOG_LEVEL``, else info for JSON lines and warnings only on a terminal (the commands
print their own summaries there). A filter replaces any configured secret that slips into a
record with ``***`` — a last line of defence: the code never logs secrets on purpose.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from pydantic import SecretStr

from hmrc_sync.db.urls import database_secrets
from hmrc_sync.settings import LogFormat, LogLevel, Settings

_LEVELS: dict[LogLevel, int] = {
    LogLevel.DEBUG: logging.DEBUG,
    LogLevel.INFO: logging.INFO,
    LogLevel.WARNING: logging.WARNING,
    LogLevel.ERROR: logging.ERROR,
}
# httpx logs every request URL at INFO, Alembic its plugin setup on every command: their
# chatter below WARNING shows only when debug is asked for (then at INFO, never DEBUG).
_CHATTY: tuple[str, ...] = ("httpx", "alembic", "urllib3")
# These stay at WARNING even then: SQL parameters, wire-level requests, Vault's answers.
_NEVER_BELOW_WARNING: tuple[str, ...] = ("httpcore", "hvac", "sqlalchemy")


class Redactor:
    """Replaces each configured secret (the longest first) with ``***``."""

    def __init__(self, secrets: Iterable[str]) -> None:
        self._secrets = sorted({s for s in secrets if len(s) >= 6}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text


class RedactSecrets(logging.Filter):
    """Redacts the record's message; the formatters redact the traceback they render (an
    exception's text, e.g. a driver's, may quote a secret the message never held)."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._redact = Redactor(secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = self._redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


class LibraryFloor(logging.Filter):
    """Drops library records below their floor, whatever level a child logger was given (a
    driver's ``echo`` or another embedder may set ``sqlalchemy.engine`` to INFO)."""

    def __init__(self, floors: dict[str, int]) -> None:
        super().__init__()
        self._floors = floors

    def filter(self, record: logging.LogRecord) -> bool:
        top = record.name.partition(".")[0]
        return record.levelno >= self._floors.get(top, logging.NOTSET)


class TextFormatter(logging.Formatter):
    def __init__(self, redact: Redactor) -> None:
        super().__init__("%(levelname)s %(name)s: %(message)s")
        self._redact = redact

    def format(self, record: logging.LogRecord) -> str:
        # The whole text: another handler may have cached the traceback's text unredacted.
        return self._redact(super().format(record))


class JsonFormatter(logging.Formatter):
    def __init__(self, redact: Redactor | None = None) -> None:
        super().__init__()
        self._redact = redact or Redactor(())

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        sync = getattr(record, "sync", None)
        if sync is not None:
            entry["sync"] = sync
        if record.exc_info:
            entry["exception"] = self._redact(self.formatException(record.exc_info))
        if record.stack_info:
            entry["stack"] = self._redact(self.formatStack(record.stack_info))
        return json.dumps(entry, default=str)


def settings_secrets(settings: Settings) -> list[str]:
    values: list[SecretStr | None] = [
        settings.client_secret,
        settings.webhook_token,
        settings.admin_token,
        settings.vault_token,
    ]
    return [value.get_secret_value() for value in values if value is not None] + (
        database_secrets(settings.database_url)
    )


def uses_json(settings: Settings) -> bool:
    """Whether log records go out as JSON lines (``auto``: when stderr is no terminal)."""
    if settings.log_format is LogFormat.AUTO:
        return not sys.stderr.isatty()
    return settings.log_format is LogFormat.JSON


def effective_level(settings: Settings, chosen: LogLevel | None = None) -> LogLevel:
    """The command's ``-v``/``-q`` (``chosen``), else the setting, else the default."""
    if chosen is not None:
        return chosen
    if settings.log_level is not None:
        return settings.log_level
    return LogLevel.INFO if uses_json(settings) else LogLevel.WARNING


def configure_logging(settings: Settings, *, level: LogLevel | None = None) -> None:
    use_json = uses_json(settings)
    threshold = _LEVELS[effective_level(settings, level)]
    handler = logging.StreamHandler(sys.stderr)
    secrets = settings_secrets(settings)
    redact = Redactor(secrets)
    handler.setFormatter(JsonFormatter(redact) if use_json else TextFormatter(redact))
    handler.addFilter(RedactSecrets(secrets))
    # The handler's own level too: records a library logger lets through (they propagate
    # past the root logger's level) still stop here.
    handler.setLevel(threshold)
    chatty = logging.INFO if threshold <= logging.DEBUG else logging.WARNING
    floors = dict.fromkeys(_CHATTY, chatty)
    floors.update(dict.fromkeys(_NEVER_BELOW_WARNING, logging.WARNING))
    handler.addFilter(LibraryFloor(floors))
    root = logging.getLogger()
    for existing in list(root.handlers):
        if getattr(existing, "_hmrc_sync", False):
            root.removeHandler(existing)
    handler._hmrc_sync = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(threshold)
    for name, floor in floors.items():  # and the loggers themselves, to skip the work
        logging.getLogger(name).setLevel(floor)


class _Held(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def held_records() -> Iterator[list[logging.LogRecord]]:
    """Keep the records logged while the settings load (a mistyped variable's warning), to
    replay with ``replay`` once logging is configured: in the chosen format, and not at all
    under -q."""
    root = logging.getLogger()
    saved = root.handlers[:]
    held = _Held()
    root.handlers[:] = [held]
    try:
        yield held.records
    finally:
        root.handlers[:] = saved + [h for h in root.handlers if h is not held]


def replay(records: Iterable[logging.LogRecord]) -> None:
    for record in records:
        logging.getLogger(record.name).handle(record)
