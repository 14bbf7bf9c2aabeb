"""Cross-process locks for the token refresh (step 1 of the rotation protocol in design.md).

On PostgreSQL an advisory lock serialises every process of every pod that shares the database;
elsewhere a file lock beside the token file serialises the processes of one machine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Final

from filelock import FileLock, Timeout
from sqlalchemy import Engine, func, select

from hmrc_sync.errors import TokenStoreError

# "hmrcrefr" in ASCII; distinct from the migration lock.
REFRESH_LOCK_KEY: Final = 0x686D_7263_7265_6672

LockFactory = Callable[[], AbstractContextManager[None]]


def postgres_lock(
    engine: Engine, key: int = REFRESH_LOCK_KEY, timeout_s: float = 120
) -> LockFactory:
    @contextmanager
    def hold() -> Iterator[None]:
        with engine.connect() as connection:
            connection.exec_driver_sql(f"SET lock_timeout = '{int(timeout_s * 1000)}ms'")
            connection.execute(select(func.pg_advisory_lock(key)))
            connection.commit()
            try:
                yield
            finally:
                connection.execute(select(func.pg_advisory_unlock(key)))
                connection.commit()

    return hold


def file_lock(path: Path, timeout_s: float = 120) -> LockFactory:
    @contextmanager
    def hold() -> Iterator[None]:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        lock = FileLock(str(path), timeout=timeout_s)
        try:
            with lock:
                yield
        except Timeout:
            raise TokenStoreError(
                f"another hmrc-sync process has held the refresh lock {path} for "
                f"{timeout_s:.0f} s; if none is running, delete the lock file"
            ) from None

    return hold
