"""Reading a CSV a person made: column names in any case and spacing, a semicolon or tab
separator, the examples in docs/examples, and plurals that agree with their counts."""

from __future__ import annotations

from pathlib import Path

import pytest

from hmrc_sync.payslips.csvfile import (
    canonical_column,
    detect_separator,
    plural,
    problem_summary,
    read_p60_csv,
    read_payslips_csv,
)
from hmrc_sync.payslips.model import PayslipFileError, RowProblem
from hmrc_sync.payslips.rows import P60_COLUMNS, PAYSLIP_COLUMNS
from tests.support.shared import REPO_ROOT

EXAMPLES = REPO_ROOT / "docs" / "examples"
ROW = ("2024-04-25", "5000.00", "832.06", "261.50", "Acme Analytics Ltd")


@pytest.mark.parametrize(
    "name", ["pay_date", "Pay Date", "PAY DATE", " pay-date ", "Pay_Date", "pay  date"]
)
def test_column_names_match_whatever_their_case_and_spacing(name: str) -> None:
    assert canonical_column(name, PAYSLIP_COLUMNS) == "pay_date"


def test_an_unknown_column_is_kept_as_written_for_the_message() -> None:
    assert canonical_column(" Payday ", PAYSLIP_COLUMNS) == "Payday"


@pytest.mark.parametrize(("separator"), [",", ";", "\t"])
def test_the_separator_is_detected(tmp_path: Path, separator: str) -> None:
    header = ("Pay Date", "Gross Pay", "Income Tax", "National Insurance", "Employer")
    path = tmp_path / "slips.csv"
    path.write_text(separator.join(header) + "\n" + separator.join(ROW) + "\n", "utf-8")
    assert detect_separator(separator.join(header)) == separator
    read = read_payslips_csv(path)
    assert read.problems == ()
    (slip,) = read.items
    assert str(slip.income_tax) == "832.06"
    assert slip.employer == "Acme Analytics Ltd"


def test_a_column_named_twice_in_two_spellings_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "slips.csv"
    path.write_text(
        "pay_date,Pay Date,gross_pay,income_tax,national_insurance\n2024-04-25,2024-04-25,1,1,1\n",
        "utf-8",
    )
    read = read_payslips_csv(path)
    assert [str(p) for p in read.problems] == [
        str(RowProblem(1, None, "column named twice: pay_date"))
    ]


def test_the_examples_hold_every_column_and_read_cleanly() -> None:
    payslips = read_payslips_csv(EXAMPLES / "payslips.csv")
    assert payslips.problems == ()
    assert len(payslips.items) == 11
    header = (EXAMPLES / "payslips.csv").read_text("utf-8").splitlines()[0].split(",")
    assert sorted(header) == sorted(PAYSLIP_COLUMNS)
    p60s = read_p60_csv(EXAMPLES / "p60s.csv")
    assert p60s.problems == ()
    p60_header = (EXAMPLES / "p60s.csv").read_text("utf-8").splitlines()[0].split(",")
    assert sorted(p60_header) == sorted(P60_COLUMNS)


def test_plurals_agree_with_their_counts(tmp_path: Path) -> None:
    assert plural(1, "payslip") == "1 payslip"
    assert plural(0, "payslip") == "0 payslips"
    assert plural(2, "P60") == "2 P60s"
    one = problem_summary(tmp_path / "x.csv", (RowProblem(2, None, "bad"),))
    assert "1 problem;" in one
    path = tmp_path / "x.csv"
    path.write_text("pay_date,gross_pay\n", "utf-8")
    with pytest.raises(PayslipFileError) as raised:
        read_payslips_csv(path).raise_for_problems()
    assert "missing required columns income_tax, national_insurance" in str(raised.value)
