"""payslip lines: student and postgraduate loans, pension type, payrolled benefits, NIable pay,
NI and student-loan year-to-date, directors, payments after leaving; P60 loan boxes

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from hmrc_sync.db.base import Money

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PAYSLIP_COLUMNS = (
    ("student_loan_plan", sa.Text(), None),
    ("postgraduate_loan", Money, "0"),
    ("pension_type", sa.Text(), None),
    ("payrolled_benefits", Money, "0"),
    ("niable_pay", Money, None),
    ("ytd_national_insurance", Money, None),
    ("ytd_student_loan", Money, None),
    ("director", sa.Boolean(), sa.false()),
    ("director_ni_method", sa.Text(), None),
    ("paid_after_leaving", sa.Boolean(), sa.false()),
)
_P60_COLUMNS = (("student_loan", Money), ("postgraduate_loan", Money))


def upgrade() -> None:
    with op.batch_alter_table("payslip") as batch:
        for name, kind, default in _PAYSLIP_COLUMNS:
            batch.add_column(
                sa.Column(name, kind, nullable=default is None, server_default=default)
            )
    with op.batch_alter_table("p60") as batch:
        for name, kind in _P60_COLUMNS:
            batch.add_column(sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("p60") as batch:
        for name, _ in reversed(_P60_COLUMNS):
            batch.drop_column(name)
    with op.batch_alter_table("payslip") as batch:
        for name, _, _ in reversed(_PAYSLIP_COLUMNS):
            batch.drop_column(name)
