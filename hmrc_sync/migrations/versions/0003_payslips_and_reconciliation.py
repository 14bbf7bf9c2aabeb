"""payslip and p60 (imported by hmrc-sync) and reconciliation findings

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from hmrc_sync.db.base import BigId, JsonDocument, Money, UtcDateTime

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "payslip",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("pay_date", sa.Date(), nullable=False),
        sa.Column("tax_year", sa.Text(), nullable=False),
        sa.Column("employer", sa.Text(), nullable=False),
        sa.Column("occurrence", sa.Integer(), nullable=False),
        sa.Column("gross_pay", Money, nullable=False),
        sa.Column("net_pay", Money, nullable=True),
        sa.Column("salary", Money, nullable=True),
        sa.Column("bonus", Money, nullable=False),
        sa.Column("rsu_vest", Money, nullable=False),
        sa.Column("rsu_offset", Money, nullable=False),
        sa.Column("pension_sacrifice", Money, nullable=False),
        sa.Column("taxable_pay", Money, nullable=True),
        sa.Column("income_tax", Money, nullable=False),
        sa.Column("cash_income_tax", Money, nullable=True),
        sa.Column("national_insurance", Money, nullable=False),
        sa.Column("pension_employee", Money, nullable=False),
        sa.Column("pension_employer", Money, nullable=False),
        sa.Column("student_loan", Money, nullable=False),
        sa.Column("other_deductions", JsonDocument, nullable=True),
        sa.Column("validated", sa.Boolean(), nullable=True),
        sa.Column("paperless_doc_id", sa.Integer(), nullable=True),
        sa.Column("ytd_gross", Money, nullable=True),
        sa.Column("ytd_taxable_pay", Money, nullable=True),
        sa.Column("ytd_tax_paid", Money, nullable=True),
        sa.Column("tax_code", sa.Text(), nullable=True),
        sa.Column("ni_category", sa.Text(), nullable=True),
        sa.Column("pay_frequency", sa.Text(), nullable=True),
        sa.Column("tax_period", sa.Integer(), nullable=True),
        sa.Column("employer_paye_ref", sa.Text(), nullable=True),
        sa.Column("imported_at", UtcDateTime(), nullable=False),
        sa.Column("source_file", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payslip")),
        sa.UniqueConstraint(
            "employer",
            "pay_date",
            "occurrence",
            name=op.f("uq_payslip_employer_pay_date_occurrence"),
        ),
    )
    op.create_index("ix_payslip_tax_year", "payslip", ["tax_year"])
    op.create_table(
        "p60",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("tax_year", sa.Text(), nullable=False),
        sa.Column("employer", sa.Text(), nullable=False),
        sa.Column("gross_pay", Money, nullable=False),
        sa.Column("income_tax", Money, nullable=False),
        sa.Column("national_insurance", Money, nullable=False),
        sa.Column("tax_code", sa.Text(), nullable=True),
        sa.Column("paperless_doc_id", sa.Integer(), nullable=True),
        sa.Column("employer_paye_ref", sa.Text(), nullable=True),
        sa.Column("previous_pay", Money, nullable=True),
        sa.Column("previous_tax", Money, nullable=True),
        sa.Column("imported_at", UtcDateTime(), nullable=False),
        sa.Column("source_file", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_p60")),
        sa.UniqueConstraint("tax_year", "employer", name=op.f("uq_p60_tax_year_employer")),
    )
    op.create_table(
        "reconciliation",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Text(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("tax_year", sa.Text(), nullable=False),
        sa.Column("employer", sa.Text(), nullable=False),
        sa.Column("employer_paye_ref", sa.Text(), nullable=True),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("metric", sa.Text(), nullable=False),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.Column("pay_date", sa.Date(), nullable=True),
        sa.Column("tax_period", sa.Integer(), nullable=True),
        sa.Column("payslip_ref", sa.Text(), nullable=True),
        sa.Column("hmrc_value", Money, nullable=True),
        sa.Column("p60_value", Money, nullable=True),
        sa.Column("payslip_value", Money, nullable=True),
        sa.Column("expected_value", Money, nullable=True),
        sa.Column("difference", Money, nullable=True),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("explanation_code", sa.Text(), nullable=True),
        sa.Column("explanation", sa.Text(), nullable=True),
        sa.Column("availability", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reconciliation")),
    )
    op.create_index("ix_reconciliation_tax_year", "reconciliation", ["tax_year", "scope"])
    op.create_index("ix_reconciliation_run_id", "reconciliation", ["run_id"])


def downgrade() -> None:
    op.drop_index("ix_reconciliation_run_id", table_name="reconciliation")
    op.drop_index("ix_reconciliation_tax_year", table_name="reconciliation")
    op.drop_table("reconciliation")
    op.drop_table("p60")
    op.drop_index("ix_payslip_tax_year", table_name="payslip")
    op.drop_table("payslip")
