"""Logging for the entry points (library modules only ever call ``getLogger``).

JSON lines to stderr when not on a terminal (containers), plain text on a terminal. A filter
replaces any configured secret that slips into a record with ``***`` — a last line of
defence: the code never logs secrets on purpose.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable

from pydantic import SecretStr

from hmrc_sync.db.urls import database_secrets
from hmrc_sync.settings import Settings


class RedactSecrets(logging.Filter):
    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets = sorted({s for s in secrets if len(s) >= 6}, key=len, reverse=True)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = self._redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            # A traceback's text (a driver's error may repeat the connection string) too.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._redact(record.exc_text)
        return True

    def _redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text


class JsonFormatter(logging.Formatter):
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
            entry["exception"] = record.exc_text or self.formatException(record.exc_info)
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


def configure_logging(
    settings: Settings, *, verbose: bool = False, json_lines: bool | None = None
) -> None:
    use_json = (not sys.stderr.isatty()) if json_lines is None else json_lines
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter() if use_json else logging.Formatter("%(levelname)s %(name)s: %(message)s")
    )
    handler.addFilter(RedactSecrets(settings_secrets(settings)))
    root = logging.getLogger()
    for existing in list(root.handlers):
        if getattr(existing, "_hmrc_sync", False):
            root.removeHandler(existing)
    handler._hmrc_sync = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    # On a terminal the commands print their own summaries; logs add only warnings.
    root.setLevel(logging.DEBUG if verbose else (logging.INFO if use_json else logging.WARNING))
    for noisy in ("httpx", "httpcore", "hvac", "urllib3", "alembic", "sqlalchemy"):
        # httpx logs every request URL at INFO, Alembic its plugin setup on every command:
        # third-party chatter below WARNING is never shown.
        logging.getLogger(noisy).setLevel(logging.WARNING)
