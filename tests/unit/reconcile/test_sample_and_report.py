"""The demo's sample year shows each kind of finding; the three output formats."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest

from hmrc_sync.demo.sample_payslips import sample_year
from hmrc_sync.reconcile import (
    Basis,
    HmrcEmployment,
    Metric,
    ReconcileInput,
    ReconcileResult,
    Scope,
    Status,
    YearAvailability,
    reconcile,
)
from hmrc_sync.reconcile.report import COLUMNS, as_csv, as_json, as_table
from hmrc_sync.taxyear import TaxYear

YEAR = TaxYear(2024)


def _sample_result(tax_offset: Decimal = Decimal(0)) -> ReconcileResult:
    sample = sample_year(YEAR)
    hmrc = HmrcEmployment(
        YEAR,
        sample.employer_paye_ref,
        sample.employer.upper(),
        sample.taxable_pay,
        sample.income_tax + tax_offset,
    )
    return reconcile(
        ReconcileInput(
            tax_years=(YEAR,),
            hmrc=(hmrc,),
            availability={YEAR: YearAvailability.AVAILABLE},
            payslips=sample.payslips,
            p60s=(sample.p60,),
        )
    )


def test_the_sample_year_shows_every_common_finding() -> None:
    sample = sample_year(YEAR)
    assert len(sample.payslips) == 11
    assert sum(1 for s in sample.payslips if s.rsu_vest) == 1
    assert {s.pension_sacrifice for s in sample.payslips} == {Decimal("300.00")}
    result = _sample_result()
    assert result.ok
    (gross,) = [f for f in result.findings if f.metric is Metric.GROSS]
    assert gross.status is Status.EXPLAINED
    assert set((gross.explanation_code or "").split("+")) == {
        "missing_period",
        "rsu_notional_pay",
        "salary_sacrifice",
    }
    (pay,) = [
        f
        for f in result.findings
        if f.scope is Scope.YEAR and f.metric is Metric.TAXABLE_PAY and f.basis is Basis.HMRC
    ]
    assert (pay.explanation_code, pay.difference) == ("missing_period", Decimal("4700.00"))


def test_csv_has_one_row_per_finding_with_the_stored_columns() -> None:
    result = _sample_result()
    rows = list(csv.reader(io.StringIO(as_csv(result))))
    assert tuple(rows[0]) == COLUMNS
    assert len(rows) == len(result.findings) + 1
    first = dict(zip(COLUMNS, rows[1], strict=True))
    assert first["tax_year"] == "2024-25"
    assert first["scope"] == "year"


def test_json_carries_the_summary_and_exact_amounts() -> None:
    result = _sample_result(Decimal("250.00"))
    document = json.loads(as_json(result))
    assert document["exit_code"] == 6
    assert document["summary"]["mismatch"] == 1
    (tax,) = [f for f in document["findings"] if f["metric"] == "tax" and f["basis"] == "hmrc"]
    assert tax["status"] == "mismatch"
    assert tax["hmrc_value"] == str(sample_year(YEAR).income_tax + Decimal("250.00"))
    assert isinstance(tax["hmrc_value"], str), "money as exact text, never a float"


def test_table_is_readable() -> None:
    text = as_table(_sample_result())
    assert "Tax year 2024-25  (HMRC data: available)" in text
    assert "Example Employer Ltd (123/EX45678)" in text
    assert "[missing_period+rsu_notional_pay+salary_sacrifice]" in text or (
        "rsu_notional_pay" in text and "salary_sacrifice" in text
    )
    assert text.rstrip().endswith("everything matches or is explained by what is on record.")
    bad = as_table(_sample_result(Decimal("250.00")))
    assert "1 difference(s) nothing on record accounts for" in bad


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0"),
        ("\tTab Ltd", "'\tTab Ltd"),
        ("\rCR Ltd", "'\rCR Ltd"),
        ("-12.50", "-12.50"),
        ("1234.00", "1234.00"),
        ("Acme Ltd", "Acme Ltd"),
        ("", ""),
    ],
)
def test_csv_cells_a_spreadsheet_would_run_are_defused(cell: str, written: str) -> None:
    from hmrc_sync.reconcile.report import safe_cell

    assert safe_cell(cell) == written
