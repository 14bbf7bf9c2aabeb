"""Engines, sessions and migrations.

``make_engine`` accepts the URLs users write (``postgresql://…`` uses psycopg 3) and prepares
each connection: on PostgreSQL the ``hmrc_sync`` schema comes first on the search path, so
hmrc-sync's tables never mix with payslip-ingest's; on SQLite, foreign keys, WAL and a busy
timeout so several processes can share one file.
"""

from __future__ import annotations

import os
import re
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import Engine, create_engine, event, func, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from hmrc_sync.db.base import POSTGRES_SCHEMA
from hmrc_sync.db.models import TaxYearSnapshot
from hmrc_sync.db.urls import is_secret_key, mask_database_url, scrub
from hmrc_sync.errors import ConfigurationError, DatabaseError

if TYPE_CHECKING:  # alembic is imported only by the functions that use it
    from alembic.config import Config

# Where the database URL comes from, for messages that ask the user to check it.
URL_SOURCE: Final = "from HMRC_SYNC_DATABASE_URL, or --database-url"
# A connection failure's driver text (matched case-insensitively) -> what it means and what
# to do.
_CONNECT_PROBLEMS: Final = (
    (
        r"connection refused",
        "connection refused; check the host and port and that PostgreSQL is running",
    ),
    (
        r"failed to resolve host|could not translate host name|name or service not known",
        "the host name is unknown; check the host in the URL",
    ),
    (
        r"timeout expired|timed out",
        "the connection timed out; check the host, the port and any firewall between",
    ),
    (
        r'database ".*" does not exist',
        "no such database on that server; create it (createdb NAME) or correct the name "
        "after the last '/'",
    ),
    (
        r'role ".*" does not exist',
        "the server knows no such user; check the user name before the '@'",
    ),
    (
        r"password authentication failed|no password supplied",
        "the server refused the user or password; check them",
    ),
    (
        r"unable to open database file",
        "SQLite cannot open the file; check the path and that its directory is writable",
    ),
)

# Each engine's URL as written (``postgresql://…``, not the driver-qualified form SQLAlchemy
# keeps), for messages.
_AS_WRITTEN: Final[weakref.WeakKeyDictionary[Engine, str]] = weakref.WeakKeyDictionary()

# Any fixed 64-bit key will do; this one spells "hmrcsync" in ASCII.
MIGRATION_LOCK_KEY: Final = 0x686D_7263_7379_6E63
VERSION_TABLE: Final = "alembic_version"


def normalise_url(raw: str) -> URL:
    """Parse a database URL, choosing psycopg 3 for plain ``postgresql://`` URLs."""
    try:
        url = make_url(raw)
    except (ArgumentError, ValueError):
        raise ConfigurationError(
            f"the database URL {mask_database_url(raw)} ({URL_SOURCE}) cannot be read; write "
            "sqlite:////PATH/TO/FILE.db or postgresql://USER:PASSWORD@HOST:5432/DATABASE"
        ) from None
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def make_engine(raw_url: str, **kwargs: Any) -> Engine:
    """An engine whose JSON columns keep HMRC's numbers exact (``Decimal``, never float)."""
    from hmrc_sync.jsonio import dumps_with_floats, loads

    kwargs.setdefault("json_serializer", dumps_with_floats)
    kwargs.setdefault("json_deserializer", loads)
    url = normalise_url(raw_url)
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        if url.database and url.database != ":memory:":
            # Made on the first connection, not here: a command that never connects (a
            # read-only one finding no database) leaves no empty file behind.
            path = Path(url.database).expanduser()
            event.listen(engine, "do_connect", lambda *_: _create_private_sqlite_file(path))
        event.listen(engine, "connect", _prepare_sqlite)
        event.listen(engine, "begin", _begin_immediate)
    else:
        url, kwargs = _secrets_to_connect_args(url, kwargs)
        engine = create_engine(url, pool_pre_ping=True, **kwargs)
        event.listen(engine, "connect", _prepare_postgres)
    _AS_WRITTEN[engine] = raw_url
    return engine


def _secrets_to_connect_args(url: URL, kwargs: dict[str, Any]) -> tuple[URL, dict[str, Any]]:
    """Move secret query values (``?password=``, ``?sslpassword=``) out of the URL into the
    driver's connect arguments, so that the engine's URL, and its repr, never hold them
    (SQLAlchemy hides only the userinfo password)."""
    secret = [key for key in url.query if is_secret_key(key)]
    if not secret:
        return url, kwargs
    moved = {}
    for key in secret:
        value = url.query[key]
        moved[key] = value[-1] if isinstance(value, tuple) else value
    connect_args = {**moved, **kwargs.get("connect_args", {})}
    return url.difference_update_query(secret), {**kwargs, "connect_args": connect_args}


def sqlite_file(raw_url: str) -> Path | None:
    """The file of a SQLite URL (None for PostgreSQL or an in-memory database)."""
    url = normalise_url(raw_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database).expanduser()


def require_sqlite_location(path: Path) -> None:
    """Refuse (exit 2) a SQLite path that can never be created: a directory, or one whose
    nearest existing ancestor is a regular file."""
    if path.is_dir():
        raise ConfigurationError(
            f"HMRC_SYNC_DATABASE_URL: the SQLite path {path} is a directory; name a file in it "
            "(sqlite:////path/to/dir/hmrc-sync.db)"
        )
    ancestor = path.parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise ConfigurationError(
            f"HMRC_SYNC_DATABASE_URL: cannot create the SQLite database {path} ({ancestor} is "
            "a file, not a directory); choose a writable path"
        )


def _create_private_sqlite_file(path: Path) -> None:
    """The database's directory 0700 and its file 0600 before SQLite opens it (its -wal and
    -shm files take the database file's mode): payslips and HMRC's figures are personal."""

    require_sqlite_location(path)
    try:
        if not path.parent.exists():
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not path.exists():
            os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
            os.chmod(path, 0o600)
    except OSError as exc:
        raise ConfigurationError(
            f"HMRC_SYNC_DATABASE_URL: cannot create the SQLite database {path} "
            f"({exc.strerror or type(exc).__name__}); choose a writable path"
        ) from None


def _prepare_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event open transactions (pysqlite's own BEGIN is deferred).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def _begin_immediate(connection: Any) -> None:
    """Every SQLite transaction takes the write lock up front, so two processes can never both
    read "no snapshot yet" and then both write one (busy_timeout makes the second wait)."""
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _prepare_postgres(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"SET search_path TO {POSTGRES_SCHEMA}, public")
    cursor.close()
    dbapi_connection.commit()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


# --------------------------------------------------------------------------- migrations
def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", "hmrc_sync:migrations")
    cfg.attributes["engine"] = engine
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    heads = ScriptDirectory.from_config(_script_config()).get_heads()
    if len(heads) != 1:  # pragma: no cover - guarded by a test on the migration graph
        raise DatabaseError(f"the migrations have {len(heads)} heads; expected one")
    return heads[0]


def _script_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", "hmrc_sync:migrations")
    return cfg


def current_revision(engine: Engine) -> str | None:
    """The applied revision, or None for a database hmrc-sync has never migrated."""
    from alembic.runtime.migration import MigrationContext

    try:
        with engine.connect() as connection:
            opts: dict[str, Any] = {"version_table": VERSION_TABLE}
            if is_postgres(engine):
                opts["version_table_schema"] = POSTGRES_SCHEMA
            return MigrationContext.configure(connection, opts=opts).get_current_revision()
    except SQLAlchemyError as exc:
        raise database_error(exc, engine_url(engine), "reading the migration revision") from None


def _run(engine: Engine, action: str, target: str) -> None:
    from alembic import command

    cfg = alembic_config(engine)
    try:
        with engine.begin() as connection:
            if is_postgres(engine):
                # Serialise concurrent `migrate` runs (init containers, CronJobs): the second
                # waits, then finds the database at head and does nothing.
                connection.execute(select(func.pg_advisory_xact_lock(MIGRATION_LOCK_KEY)))
                connection.execute(text(f"CREATE SCHEMA IF NOT EXISTS {POSTGRES_SCHEMA}"))
            cfg.attributes["connection"] = connection
            if action == "upgrade":
                command.upgrade(cfg, target)
            else:
                command.downgrade(cfg, target)
    except SQLAlchemyError as exc:
        raise database_error(exc, engine_url(engine), "migrating") from None


def upgrade(engine: Engine, target: str = "head") -> None:
    _run(engine, "upgrade", target)


def downgrade(engine: Engine, target: str = "base") -> None:
    _run(engine, "downgrade", target)


def snapshot_count(engine: Engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(TaxYearSnapshot)) or 0


def engine_url(engine: Engine) -> str:
    """The engine's URL as the user wrote it, password and all: only for ``database_error``
    (which shows it masked and scrubs its secrets from the driver's text)."""
    return _AS_WRITTEN.get(engine) or engine.url.render_as_string(hide_password=False)


def database_error(exc: BaseException, raw_url: str, doing: str) -> DatabaseError:
    """A driver failure as a ``DatabaseError`` that names the (masked) URL and where it comes
    from, says what went wrong and what to check. The driver's own text appears only when no
    known cause matches, scrubbed of the URL's password and secret query values."""
    driver_text = _short(exc)
    where = f"{mask_database_url(raw_url)} ({URL_SOURCE})"
    for pattern, meaning in _CONNECT_PROBLEMS:
        if re.search(pattern, driver_text, re.IGNORECASE):
            return DatabaseError(f"cannot connect to the database {where}: {meaning}")
    if re.search(r"relation .* does not exist|no such table", driver_text, re.IGNORECASE):
        return DatabaseError(
            f"{doing} failed on the database {where}: its tables are missing; run "
            "`hmrc-sync migrate`, then run again"
        )
    return DatabaseError(
        f"{doing} failed on the database {where}: {scrub(driver_text, raw_url)}; check the URL "
        "and that the database is up"
    )


def _short(exc: BaseException) -> str:
    """The first line of a driver error, without SQL or parameters (which could hold data)."""
    original = getattr(exc, "orig", None)
    text = (str(original) if original is not None else str(exc)).strip()
    return text.splitlines()[0] if text else type(exc).__name__
