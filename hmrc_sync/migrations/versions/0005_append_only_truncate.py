"""tax_year_snapshot: refuse TRUNCATE (PostgreSQL) and REPLACE over a row (SQLite)

Revision 0001's row triggers refuse UPDATE and DELETE, but not every way to lose a snapshot:
PostgreSQL's TRUNCATE fires no row trigger, and SQLite's ``REPLACE``/``INSERT OR REPLACE``
deletes the conflicting row without firing DELETE triggers (recursive triggers are off). This
adds a statement trigger on TRUNCATE and a BEFORE INSERT trigger that refuses an insert that
would collide with a row (its id, or the unique (tax year, employer, snapshot date)); a plain
INSERT would fail on those anyway, so only REPLACE changes behaviour. Self-contained: its own
function and triggers, dropped on downgrade.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MESSAGE = "tax_year_snapshot is append-only: TRUNCATE and REPLACE are refused"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"""
            CREATE FUNCTION tax_year_snapshot_no_truncate() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '{_MESSAGE}';
            END
            $$
            """
        )
        op.execute(
            """
            CREATE TRIGGER tax_year_snapshot_no_truncate
            BEFORE TRUNCATE ON tax_year_snapshot
            FOR EACH STATEMENT EXECUTE FUNCTION tax_year_snapshot_no_truncate()
            """
        )
    else:
        op.execute(
            f"""
            CREATE TRIGGER tax_year_snapshot_no_replace
            BEFORE INSERT ON tax_year_snapshot
            WHEN EXISTS (
                SELECT 1 FROM tax_year_snapshot
                WHERE id = NEW.id
                   OR (tax_year = NEW.tax_year
                       AND employer_paye_ref = NEW.employer_paye_ref
                       AND snapshot_date = NEW.snapshot_date)
            )
            BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END
            """  # noqa: S608 (constants only)
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS tax_year_snapshot_no_truncate ON tax_year_snapshot")
        op.execute("DROP FUNCTION IF EXISTS tax_year_snapshot_no_truncate()")
    else:
        op.execute("DROP TRIGGER IF EXISTS tax_year_snapshot_no_replace")
