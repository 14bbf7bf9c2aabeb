"""Alembic environment. ``hmrc_sync.db.engine`` passes the connection in ``config.attributes``
(so migrations run inside its advisory-locked transaction); run by hand, it connects to
``HMRC_SYNC_DATABASE_URL``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from hmrc_sync.db import models  # noqa: F401  (registers the tables on Base.metadata)
from hmrc_sync.db.base import POSTGRES_SCHEMA, Base
from hmrc_sync.db.engine import VERSION_TABLE, make_engine


def _configure_and_run(connection: Connection) -> None:
    postgres = connection.dialect.name == "postgresql"
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        version_table=VERSION_TABLE,
        version_table_schema=POSTGRES_SCHEMA if postgres else None,
        render_as_batch=not postgres,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _configure_and_run(connection)
        return
    from hmrc_sync.settings import load_settings

    engine = make_engine(load_settings().database_url)
    with engine.begin() as fresh:
        _configure_and_run(fresh)


run()
