"""A ``payslip_ingest`` fixture schema with the real column names (user-infra.md §1.5, §1.6).

payslip-ingest owns these tables in production; hmrc-sync only reads them. The tests create
them in a throwaway PostgreSQL database to run the dashboard's SQL and the payslip source.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

SCHEMA_DDL = """
CREATE SCHEMA payslip_ingest;
CREATE TABLE payslip_ingest.payslip (
    id serial PRIMARY KEY,
    pay_date date NOT NULL,
    tax_year text NOT NULL,
    employer text,
    gross_pay numeric NOT NULL,
    net_pay numeric NOT NULL,
    salary numeric,
    bonus numeric DEFAULT 0,
    rsu_vest numeric DEFAULT 0,
    rsu_offset numeric DEFAULT 0,
    pension_sacrifice numeric,
    taxable_pay numeric,
    income_tax numeric NOT NULL,
    cash_income_tax numeric,
    national_insurance numeric NOT NULL,
    pension_employee numeric DEFAULT 0,
    pension_employer numeric DEFAULT 0,
    student_loan numeric DEFAULT 0,
    other_deductions jsonb,
    validated boolean DEFAULT false,
    paperless_doc_id integer,
    ytd_gross numeric,
    ytd_taxable_pay numeric,
    ytd_tax_paid numeric
);
CREATE TABLE payslip_ingest.p60_reference (
    id serial PRIMARY KEY,
    tax_year text NOT NULL,
    employer text NOT NULL,
    gross_pay numeric NOT NULL,
    income_tax numeric NOT NULL,
    national_insurance numeric NOT NULL,
    tax_code text,
    paperless_doc_id integer
);
"""


def create_payslip_ingest_schema(connection: Connection) -> None:
    for statement in SCHEMA_DDL.split(";"):
        if statement.strip():
            connection.execute(text(statement))
