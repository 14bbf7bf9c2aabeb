"""availability per (tax year, API) and sync_run

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from hmrc_sync.db.base import BigId, JsonDocument, UtcDateTime

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "availability",
        sa.Column("tax_year", sa.Text(), nullable=False),
        sa.Column("api", sa.Text(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("last_checked_at", UtcDateTime(), nullable=False),
        sa.Column("first_available_at", UtcDateTime(), nullable=True),
        sa.Column("last_available_at", UtcDateTime(), nullable=True),
        sa.Column("withdrawn_at", UtcDateTime(), nullable=True),
        sa.Column("last_http_status", sa.Integer(), nullable=True),
        sa.Column("last_hmrc_code", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("tax_year", "api", name=op.f("pk_availability")),
    )
    op.create_table(
        "sync_run",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Text(), nullable=False),
        sa.Column("started_at", UtcDateTime(), nullable=False),
        sa.Column("finished_at", UtcDateTime(), nullable=True),
        sa.Column("trigger", sa.Text(), nullable=False),
        sa.Column("connection_method", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("exit_code", sa.Integer(), nullable=True),
        sa.Column("requests", sa.Integer(), nullable=False),
        sa.Column("snapshots_added", sa.Integer(), nullable=False),
        sa.Column("summary", JsonDocument, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_run")),
        sa.UniqueConstraint("run_id", name=op.f("uq_sync_run_run_id")),
    )
    op.create_index("ix_sync_run_started_at", "sync_run", ["started_at"])


def downgrade() -> None:
    op.drop_index("ix_sync_run_started_at", table_name="sync_run")
    op.drop_table("sync_run")
    op.drop_table("availability")
