"""Cross-process locks for the token refresh (step 1 of the rotation protocol in design.md).

On PostgreSQL an advisory lock serialises every process of every pod that shares the database;
elsewhere a file lock beside the token file serialises the processes of one machine.

A PostgreSQL advisory lock lives as long as its session: if the connection drops (a network
blip, a restarted server, ``pg_terminate_backend``) the lock is gone while the holder still
thinks it has it. So the lock is held on a dedicated connection (never a pooled one, never the
one the sync writes with) with TCP keepalives, and the holder asks ``still_held()`` before and
after the call to HMRC.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Final, Protocol

from filelock import FileLock, Timeout
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from hmrc_sync.errors import DatabaseError, TokenStoreError

log = logging.getLogger(__name__)

# "hmrcrefr" in ASCII; distinct from the migration lock.
REFRESH_LOCK_KEY: Final = 0x686D_7263_7265_6672
# libpq keepalives: a dead peer is noticed within about idle + interval * count seconds.
KEEPALIVES: Final = {
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 5,
    "keepalives_count": 3,
}


class HeldLock(Protocol):
    def still_held(self) -> bool:
        """True while the lock is certainly held (False once its connection is gone)."""
        ...


class _AlwaysHeld:
    def still_held(self) -> bool:
        return True


LockFactory = Callable[[], AbstractContextManager[HeldLock | None]]


class _AdvisoryLock:
    def __init__(self, connection: Connection, key: int) -> None:
        self._connection = connection
        self._key = key

    def still_held(self) -> bool:
        high, low = (self._key >> 32) & 0xFFFF_FFFF, self._key & 0xFFFF_FFFF
        try:
            found = self._connection.execute(
                text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                    "AND pid = pg_backend_pid() AND classid = CAST(:high AS bigint)::oid "
                    "AND objid = CAST(:low AS bigint)::oid AND objsubid = 1"
                ),
                {"high": high, "low": low},
            ).scalar()
            self._connection.commit()
        except SQLAlchemyError:
            return False
        return bool(found)


def postgres_lock(
    engine: Engine, key: int = REFRESH_LOCK_KEY, timeout_s: float = 120
) -> LockFactory:
    """``pg_advisory_lock(key)`` on a dedicated, unpooled connection with keepalives."""
    from hmrc_sync.db.engine import engine_url, make_engine

    # From the URL as written: the engine's own URL has lost its secret query values.
    lock_engine = make_engine(engine_url(engine), poolclass=NullPool, connect_args=dict(KEEPALIVES))

    @contextmanager
    def hold() -> Iterator[HeldLock | None]:
        try:
            connection = lock_engine.connect()
        except SQLAlchemyError as exc:
            raise DatabaseError(
                f"could not connect to PostgreSQL for the refresh lock ({type(exc).__name__}); "
                "check HMRC_SYNC_DATABASE_URL and that the database is up"
            ) from None
        try:
            try:
                connection.exec_driver_sql(f"SET lock_timeout = '{int(timeout_s * 1000)}ms'")
                connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
                connection.commit()
            except SQLAlchemyError as exc:
                raise DatabaseError(
                    f"could not take the refresh lock in PostgreSQL ({type(exc).__name__}); "
                    "another hmrc-sync may hold it, or the database is failing; try again"
                ) from None
            try:
                yield _AdvisoryLock(connection, key)
            finally:
                try:
                    connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                    connection.commit()
                except SQLAlchemyError:  # the session is gone, and the lock with it
                    log.warning("the refresh lock's connection was lost before unlocking")
        finally:
            with contextlib.suppress(SQLAlchemyError):
                connection.close()

    return hold


def file_lock(path: Path, timeout_s: float = 120) -> LockFactory:
    @contextmanager
    def hold() -> Iterator[HeldLock | None]:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        lock = FileLock(str(path), timeout=timeout_s)
        try:
            with lock:
                yield _AlwaysHeld()
        except Timeout:
            raise TokenStoreError(
                f"another hmrc-sync process has held the refresh lock {path} for "
                f"{timeout_s:.0f} s; if none is running, delete the lock file"
            ) from None

    return hold
