"""A driver failure becomes a DatabaseError naming the masked URL, where it comes from, what
went wrong and what to check; the driver's text only when no known cause matches, scrubbed."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError

from hmrc_sync.db.engine import database_error
from hmrc_sync.errors import ExitCode

URL = "postgresql://hmrc:s3cret-pw@db:5432/hmrc?password=q-s3cret"


def failure(text: str) -> OperationalError:
    return OperationalError("SELECT 1", {"p": "param-value-7"}, Exception(text))


@pytest.mark.parametrize(
    ("driver", "meaning"),
    [
        ('connection to server at "db", port 5432 failed: Connection refused', "refused"),
        ("failed to resolve host 'db': Name or service not known", "host name is unknown"),
        ('FATAL:  database "hmrc" does not exist', "no such database"),
        ('FATAL:  role "hmrc" does not exist', "no such user"),
        ('FATAL:  password authentication failed for user "hmrc"', "user or password"),
        ("connection timeout expired", "timed out"),
    ],
)
def test_known_connection_failures_say_what_to_check(driver: str, meaning: str) -> None:
    error = database_error(failure(driver), URL, "reading")
    assert error.exit_code == ExitCode.FAILED
    assert error.message.startswith(
        "cannot connect to the database postgresql://hmrc:***@db:5432/hmrc?password=*** "
        "(from HMRC_SYNC_DATABASE_URL, or --database-url): "
    )
    assert meaning in error.message
    assert "s3cret" not in error.message


def test_missing_tables_say_migrate() -> None:
    error = database_error(failure('relation "sync_run" does not exist'), URL, "syncing")
    assert "syncing failed" in error.message
    assert "hmrc-sync migrate" in error.message


def test_other_driver_text_is_kept_but_scrubbed() -> None:
    error = database_error(failure("odd failure near s3cret-pw and q-s3cret\nLINE 2"), URL, "x")
    assert "odd failure near *** and ***" in error.message
    assert "s3cret" not in error.message
    assert "LINE 2" not in error.message
    assert "param-value-7" not in error.message, "never the statement's parameters"


def test_secret_query_values_leave_the_engine_url_for_the_driver() -> None:
    from sqlalchemy import event

    from hmrc_sync.db.engine import engine_url, make_engine

    raw = "postgresql://hmrc:userinfo-pw@127.0.0.1:1/hmrc?sslpassword=ssl-pw&password=q-pw&connect_timeout=1"
    engine = make_engine(raw)
    assert "q-pw" not in repr(engine)
    assert "ssl-pw" not in repr(engine)
    assert "userinfo-pw" not in repr(engine)
    assert engine.url.query == {"connect_timeout": "1"}
    assert engine_url(engine) == raw, "messages start from the URL as written"
    seen: dict[str, object] = {}

    @event.listens_for(engine, "do_connect")
    def capture(
        _dialect: object, _record: object, _args: object, params: dict[str, object]
    ) -> None:
        seen.update(params)
        raise ConnectionRefusedError("stop here")

    with pytest.raises(ConnectionRefusedError):
        engine.connect()
    assert seen["password"] == "q-pw", "the driver still gets them"
    assert seen["sslpassword"] == "ssl-pw"
    engine.dispose()
