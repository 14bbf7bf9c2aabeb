"""Throwaway databases for the tests: a SQLite file per test, and one PostgreSQL database per
test run (created on the server at 127.0.0.1:5432 and dropped afterwards).

Set ``HMRC_SYNC_TEST_POSTGRES_URL`` to use another server (it must allow CREATE DATABASE).
When PostgreSQL cannot be reached, its tests skip, except under ``CI=true``, where they fail.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from tests.support.shared import in_ci

DEFAULT_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def admin_url() -> str:
    return os.environ.get("HMRC_SYNC_TEST_POSTGRES_URL", DEFAULT_ADMIN_URL)


@contextmanager
def throwaway_postgres_database() -> Iterator[str]:
    """Create an empty database, yield its URL, drop it (with any connections) afterwards."""
    admin = create_engine(admin_url(), isolation_level="AUTOCOMMIT")
    name = f"hmrc_sync_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        admin.dispose()
        reason = (
            f"PostgreSQL is unreachable at {make_url(admin_url()).render_as_string()}: {exc.orig}"
        )
        if in_ci():
            pytest.fail(reason + " (CI=true: PostgreSQL tests must run)", pytrace=False)
        pytest.skip(reason)
    try:
        yield make_url(admin_url()).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
