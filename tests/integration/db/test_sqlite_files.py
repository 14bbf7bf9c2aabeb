"""The SQLite database is private: its directory 0700, the file and its WAL/SHM files 0600;
a path that cannot be created is a clean configuration error (exit 2); nothing is created
before the first connection."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import text

from hmrc_sync.db.engine import make_engine
from hmrc_sync.errors import ConfigurationError, ExitCode


def test_the_database_and_its_journal_files_are_private(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        path = tmp_path / "data" / "hmrc-sync.db"
        engine = make_engine(f"sqlite:///{path}")
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE t (x INTEGER)"))
            connection.execute(text("INSERT INTO t VALUES (1)"))
            modes = {p.name: p.stat().st_mode & 0o777 for p in path.parent.iterdir() if p.is_file()}
        engine.dispose()
    finally:
        os.umask(old)
    assert path.parent.stat().st_mode & 0o777 == 0o700
    assert modes["hmrc-sync.db"] == 0o600
    assert modes.get("hmrc-sync.db-wal", 0o600) == 0o600
    assert modes.get("hmrc-sync.db-shm", 0o600) == 0o600
    assert "hmrc-sync.db-wal" in modes


def test_an_unusable_path_is_a_configuration_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    engine = make_engine(f"sqlite:///{blocker}/db.sqlite")
    with pytest.raises(ConfigurationError) as caught, engine.connect():
        pass
    assert caught.value.exit_code == ExitCode.CONFIGURATION
    assert "choose a writable path" in caught.value.message


def test_an_engine_makes_no_file_until_it_connects(tmp_path: Path) -> None:
    """A command that only reads can build the engine and still find no database."""
    path = tmp_path / "data" / "hmrc-sync.db"
    engine = make_engine(f"sqlite:///{path}")
    assert not path.parent.exists()
    with engine.connect():
        assert path.exists()
    engine.dispose()
