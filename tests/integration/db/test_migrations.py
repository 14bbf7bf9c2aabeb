from __future__ import annotations

import datetime as dt
import subprocess
import sys
from decimal import Decimal

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import insert, inspect, text, update
from sqlalchemy.exc import DBAPIError

from hmrc_sync.db.base import POSTGRES_SCHEMA, Base
from hmrc_sync.db.engine import current_revision, downgrade, head_revision, make_engine, upgrade
from hmrc_sync.db.models import TaxYearSnapshot

EXPECTED_TABLES = {
    "tax_year_snapshot",
    "fetch_log",
    "availability",
    "sync_run",
    "payslip",
    "p60",
    "reconciliation",
}


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        schema = POSTGRES_SCHEMA if engine.dialect.name == "postgresql" else None
        return set(inspect(engine).get_table_names(schema=schema))
    finally:
        engine.dispose()


def test_upgrade_creates_tables_and_a_second_run_changes_nothing(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        assert _tables(database_url) >= EXPECTED_TABLES
        upgrade(engine)
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_downgrade_to_base_and_upgrade_again(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        downgrade(engine, "base")
        assert current_revision(engine) is None
        assert not (EXPECTED_TABLES & _tables(database_url))
        upgrade(engine)
        assert _tables(database_url) >= EXPECTED_TABLES
    finally:
        engine.dispose()


def test_models_and_migrations_agree(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "target_metadata": Base.metadata}
            )
            diff = compare_metadata(context, Base.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
    finally:
        engine.dispose()


def test_postgres_tables_live_in_the_hmrc_sync_schema_only(postgres_url: str) -> None:
    engine = make_engine(postgres_url)
    try:
        upgrade(engine)
        inspector = inspect(engine)
        assert EXPECTED_TABLES | {"alembic_version"} == set(
            inspector.get_table_names(schema=POSTGRES_SCHEMA)
        )
        assert inspector.get_table_names(schema="public") == []
    finally:
        engine.dispose()


def test_other_apps_alembic_history_is_left_alone(postgres_url: str) -> None:
    """payslip-ingest keeps its own alembic_version in the same database."""
    engine = make_engine(postgres_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE public.alembic_version (version_num text)"))
            connection.execute(text("INSERT INTO public.alembic_version VALUES ('0008')"))
        upgrade(engine)
        with engine.connect() as connection:
            theirs = connection.execute(text("SELECT version_num FROM public.alembic_version"))
            assert theirs.scalars().all() == ["0008"]
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_snapshots_are_append_only(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        with engine.begin() as connection:
            connection.execute(
                insert(TaxYearSnapshot).values(
                    tax_year="2024/25",
                    employer_paye_ref="123/AB456",
                    snapshot_date=dt.datetime(2025, 7, 1, tzinfo=dt.UTC),
                    gross_pay=Decimal("50000.00"),
                    income_tax=Decimal("7486.00"),
                    source_api="individual",
                    raw={},
                    content_hash="x",
                )
            )
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(update(TaxYearSnapshot).values(gross_pay=Decimal("1.00")))
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text("DELETE FROM tax_year_snapshot"))
    finally:
        engine.dispose()


def test_truncate_and_replace_cannot_remove_a_snapshot(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        columns = (
            "tax_year, employer_paye_ref, snapshot_date, gross_pay, income_tax, source_api, "
            "raw, content_hash"
        )
        values = "'2024/25', '123/AB456', '2025-07-01 00:00:00', 50000.00, 7486.00, " + (
            "'individual', '{}', 'x'"
        )
        with engine.begin() as connection:
            insert_row = f"INSERT INTO tax_year_snapshot ({columns}) VALUES ({values})"  # noqa: S608
            connection.execute(text(insert_row))
            snapshot_id = connection.execute(text("SELECT id FROM tax_year_snapshot")).scalar()
        if engine.dialect.name == "postgresql":
            with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
                connection.execute(text("TRUNCATE tax_year_snapshot"))
        else:
            for verb in ("REPLACE", "INSERT OR REPLACE"):
                with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
                    connection.execute(
                        text(
                            f"{verb} INTO tax_year_snapshot (id, {columns}) VALUES (:id, {values})"
                        ),
                        {"id": snapshot_id},
                    )
            with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
                # same (tax year, employer, date): the unique constraint's REPLACE
                connection.execute(text(insert_row.replace("INSERT", "REPLACE", 1)))
            with engine.begin() as connection:  # a REPLACE that overwrites nothing is an insert
                connection.execute(
                    text(insert_row.replace("INSERT", "REPLACE", 1).replace("07-01", "08-01"))
                )
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT id, gross_pay FROM tax_year_snapshot ORDER BY id")
            ).all()
        assert rows[0][0] == snapshot_id
        assert Decimal(str(rows[0][1])) == Decimal("50000.00")
        assert len(rows) == (1 if engine.dialect.name == "postgresql" else 2)
    finally:
        engine.dispose()


def test_two_concurrent_migrate_processes_both_succeed(postgres_url: str) -> None:
    command = [sys.executable, "-m", "hmrc_sync", "migrate", "--database-url", postgres_url]
    processes = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    results = [process.communicate(timeout=120) for process in processes]
    for process, (_out, err) in zip(processes, results, strict=True):
        assert process.returncode == 0, err
    outputs = sorted(out for out, _ in results)
    assert any("Migrated" in out for out in outputs)
    engine = make_engine(postgres_url)
    try:
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()
