"""tax_year_snapshot (append-only) and fetch_log

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from hmrc_sync.db.base import BigId, JsonDocument, Money, UtcDateTime

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_APPEND_ONLY_MESSAGE = "tax_year_snapshot is append-only: rows are never updated or deleted"


def upgrade() -> None:
    op.create_table(
        "tax_year_snapshot",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("tax_year", sa.Text(), nullable=False),
        sa.Column("employer_paye_ref", sa.Text(), nullable=False),
        sa.Column("snapshot_date", UtcDateTime(), nullable=False),
        sa.Column("gross_pay", Money, nullable=True),
        sa.Column("income_tax", Money, nullable=True),
        sa.Column("ni_contributions", Money, nullable=True),
        sa.Column("employer_name", sa.Text(), nullable=True),
        sa.Column("benefits_in_kind", Money, nullable=True),
        sa.Column("source_api", sa.Text(), nullable=False),
        sa.Column("raw", JsonDocument, nullable=False),
        sa.Column("content_hash", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tax_year_snapshot")),
        sa.UniqueConstraint(
            "tax_year",
            "employer_paye_ref",
            "snapshot_date",
            name=op.f("uq_tax_year_snapshot_tax_year_employer_paye_ref_snapshot_date"),
        ),
    )
    op.create_index(
        "ix_tax_year_snapshot_latest",
        "tax_year_snapshot",
        ["tax_year", "employer_paye_ref", "snapshot_date"],
    )
    op.create_table(
        "fetch_log",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Text(), nullable=True),
        sa.Column("requested_at", UtcDateTime(), nullable=False),
        sa.Column("method", sa.Text(), nullable=False),
        sa.Column("endpoint", sa.Text(), nullable=False),
        sa.Column("api", sa.Text(), nullable=True),
        sa.Column("tax_year", sa.Text(), nullable=True),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("hmrc_code", sa.Text(), nullable=True),
        sa.Column("correlation_id", sa.Text(), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fetch_log")),
    )
    op.create_index("ix_fetch_log_requested_at", "fetch_log", ["requested_at"])
    _forbid_snapshot_changes()


def _forbid_snapshot_changes() -> None:
    """A trigger on each side so that even a hand-written UPDATE or DELETE is refused."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"""
            CREATE FUNCTION tax_year_snapshot_append_only() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '{_APPEND_ONLY_MESSAGE}';
            END
            $$
            """
        )
        op.execute(
            """
            CREATE TRIGGER tax_year_snapshot_append_only
            BEFORE UPDATE OR DELETE ON tax_year_snapshot
            FOR EACH ROW EXECUTE FUNCTION tax_year_snapshot_append_only()
            """
        )
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"""
                CREATE TRIGGER tax_year_snapshot_no_{action.lower()}
                BEFORE {action} ON tax_year_snapshot
                BEGIN SELECT RAISE(ABORT, '{_APPEND_ONLY_MESSAGE}'); END
                """
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS tax_year_snapshot_append_only ON tax_year_snapshot")
        op.execute("DROP FUNCTION IF EXISTS tax_year_snapshot_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS tax_year_snapshot_no_update")
        op.execute("DROP TRIGGER IF EXISTS tax_year_snapshot_no_delete")
    op.drop_index("ix_fetch_log_requested_at", table_name="fetch_log")
    op.drop_table("fetch_log")
    op.drop_index("ix_tax_year_snapshot_latest", table_name="tax_year_snapshot")
    op.drop_table("tax_year_snapshot")
