from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from hmrc_sync.db.engine import make_engine, upgrade


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """A migrated database of each kind (SQLite and PostgreSQL)."""
    engine = make_engine(database_url)
    upgrade(engine)
    try:
        yield engine
    finally:
        engine.dispose()
