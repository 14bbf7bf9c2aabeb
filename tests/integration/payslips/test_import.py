"""``import_payslips_csv`` / ``import_p60_csv``: all or nothing, idempotent, line numbers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from hmrc_sync.db.models import P60Record, PayslipRecord
from hmrc_sync.payslips import (
    PayslipFileError,
    TableSource,
    import_p60_csv,
    import_payslips_csv,
    read_payslips_csv,
)

HEADER = "pay_date,employer,gross_pay,taxable_pay,income_tax,national_insurance,ytd_taxable_pay"
GOOD_ROWS = [
    "2024-04-25,Acme Ltd,5000.00,4700.00,832.06,261.50,4700.00",
    "2024-05-24,Acme Ltd,5000.00,4700.00,832.47,261.50,9400.00",
    "2024-06-25,Acme Ltd,5000.00,4700.00,832.47,261.50,14100.00",
]
NOW = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)


def _write(tmp_path: Path, name: str, lines: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _count(engine: Engine, model: type[PayslipRecord] | type[P60Record] = PayslipRecord) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_import_then_reimport_adds_nothing(engine: Engine, tmp_path: Path) -> None:
    path = _write(tmp_path, "slips.csv", [HEADER, *GOOD_ROWS])
    first = import_payslips_csv(engine, path, now=NOW)
    assert (first.added, first.updated, first.unchanged) == (3, 0, 0)
    again = import_payslips_csv(engine, path, now=NOW)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 3)
    assert _count(engine) == 3


def test_a_changed_row_is_updated_in_place(engine: Engine, tmp_path: Path) -> None:
    import_payslips_csv(engine, _write(tmp_path, "a.csv", [HEADER, *GOOD_ROWS]), now=NOW)
    changed = [*GOOD_ROWS[:2], GOOD_ROWS[2].replace("832.47", "840.00")]
    report = import_payslips_csv(engine, _write(tmp_path, "b.csv", [HEADER, *changed]), now=NOW)
    assert (report.added, report.updated, report.unchanged) == (0, 1, 2)
    with Session(engine) as session:
        june = session.scalars(
            select(PayslipRecord).where(PayslipRecord.pay_date == dt.date(2024, 6, 25))
        ).one()
    assert june.income_tax == Decimal("840.00")
    assert june.source_file is not None
    assert june.source_file.endswith("b.csv")


def test_a_payslip_repeated_in_the_file_is_kept_twice(engine: Engine, tmp_path: Path) -> None:
    path = _write(tmp_path, "dup.csv", [HEADER, *GOOD_ROWS, GOOD_ROWS[1]])
    assert import_payslips_csv(engine, path, now=NOW).added == 4
    assert import_payslips_csv(engine, path, now=NOW).added == 0
    slips = TableSource(engine).payslips()
    assert [s.pay_date for s in slips].count(dt.date(2024, 5, 24)) == 2


def test_a_file_with_errors_imports_nothing_and_names_each_line(
    engine: Engine, tmp_path: Path
) -> None:
    import_payslips_csv(engine, _write(tmp_path, "ok.csv", [HEADER, *GOOD_ROWS]), now=NOW)
    bad = _write(
        tmp_path,
        "bad.csv",
        [
            HEADER,
            "2024-07-25,Acme Ltd,5000.00,4700.00,832.47,261.50,18800.00",  # line 2: fine
            "2024-08-25,Acme Ltd,five thousand,4700.00,832.47,261.50,",  # line 3
            "",  # line 4: blank, skipped
            "2024-09-31,Acme Ltd,5000.00,4700.00,832.47,,",  # line 5: date and NI
            "2024-10-25,Acme Ltd,5000.00,4700.00,832.47,261.50,1,extra",  # line 6
        ],
    )
    with pytest.raises(PayslipFileError) as caught:
        import_payslips_csv(engine, bad, now=NOW)
    problems = [(p.line, p.column) for p in caught.value.problems]
    assert problems == [
        (3, "gross_pay"),
        (5, "pay_date"),
        (5, "national_insurance"),
        (6, None),
    ]
    assert "line 3, gross_pay: 'five thousand' is not an amount" in caught.value.message
    assert "nothing was read" in caught.value.message
    assert _count(engine) == 3, "the good line 2 was not imported either"


def test_skip_bad_imports_the_good_rows_and_lists_the_bad(engine: Engine, tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "mixed.csv",
        [HEADER, GOOD_ROWS[0], "2024-05-24,Acme Ltd,x,4700.00,832.47,261.50,", GOOD_ROWS[2]],
    )
    report = import_payslips_csv(engine, path, skip_bad=True, now=NOW)
    assert (report.added, [p.line for p in report.skipped]) == (2, [3])
    assert "1 bad line skipped: 3" in report.summary_line()
    assert _count(engine) == 2


def test_a_bad_header_imports_nothing_even_with_skip_bad(engine: Engine, tmp_path: Path) -> None:
    path = _write(tmp_path, "h.csv", [HEADER + ",income_taxx", GOOD_ROWS[0] + ",1"])
    with pytest.raises(PayslipFileError) as caught:
        import_payslips_csv(engine, path, skip_bad=True, now=NOW)
    assert [(p.line, "income_taxx" in p.reason) for p in caught.value.problems] == [(1, True)]
    missing = _write(tmp_path, "m.csv", ["pay_date,gross_pay", "2024-04-25,1"])
    with pytest.raises(PayslipFileError, match="missing required column"):
        import_payslips_csv(engine, missing, now=NOW)
    assert _count(engine) == 0


def test_the_table_source_returns_what_was_imported(engine: Engine, tmp_path: Path) -> None:
    path = _write(tmp_path, "slips.csv", [HEADER, *GOOD_ROWS])
    import_payslips_csv(engine, path, now=NOW)
    from_table = TableSource(engine).payslips()
    from_file = read_payslips_csv(path).items
    assert from_table == from_file  # source_ref is not compared
    assert from_table[0].source_ref.startswith("payslip#")


def test_p60_import_is_idempotent_and_refuses_two_per_employer(
    engine: Engine, tmp_path: Path
) -> None:
    header = "tax_year,employer,gross_pay,income_tax,national_insurance,tax_code"
    path = _write(tmp_path, "p60.csv", [header, "2024/25,Acme Ltd,56400,9989.27,3138,1257L"])
    assert import_p60_csv(engine, path, now=NOW).added == 1
    assert import_p60_csv(engine, path, now=NOW).unchanged == 1
    (p60,) = TableSource(engine).p60s()
    assert (p60.employer, p60.gross_pay, p60.tax_code) == ("Acme Ltd", Decimal("56400.00"), "1257L")
    twice = _write(
        tmp_path,
        "twice.csv",
        [header, "2023/24,Acme Ltd,1,1,1,", "2023-24,Acme Ltd,2,2,2,"],
    )
    with pytest.raises(PayslipFileError, match="one P60 per tax year and employer") as caught:
        import_p60_csv(engine, twice, now=NOW)
    assert [p.line for p in caught.value.problems] == [2, 3]
    assert _count(engine, P60Record) == 1


FULL_HEADER = (
    "pay_date,employer,gross_pay,taxable_pay,income_tax,national_insurance,net_pay,"
    "student_loan,student_loan_plan,postgraduate_loan,pension_employee,pension_type,"
    "payrolled_benefits,niable_pay,ytd_national_insurance,ytd_student_loan,director,"
    "director_ni_method,paid_after_leaving"
)
FULL_ROWS = [
    "2024-04-25,Acme Ltd,5000.00,4950.00,731.00,261.50,3797.50,82.00,plan1,45.00,200.00,"
    "net_pay,150.00,5000.00,261.50,82.00,true,standard_annual,false",
    "2024-05-24,Acme Ltd,5000.00,4950.00,731.00,261.50,3797.50,82.00,plan1,45.00,200.00,"
    "net_pay,150.00,5000.00,523.00,164.00,true,standard_annual,false",
]


def test_every_payslip_line_survives_the_table(engine: Engine, tmp_path: Path) -> None:
    path = _write(tmp_path, "full.csv", [FULL_HEADER, *FULL_ROWS])
    report = import_payslips_csv(engine, path, now=NOW)
    assert report.added == 2
    from_table = TableSource(engine).payslips()
    assert from_table == read_payslips_csv(path).items
    first = from_table[0]
    assert (first.student_loan_plan, first.pension_type, first.director) == (
        "plan1",
        "net_pay",
        True,
    )
    assert (first.postgraduate_loan, first.payrolled_benefits) == (
        Decimal("45.00"),
        Decimal("150.00"),
    )
    assert from_table[1].ytd_student_loan == Decimal("164.00")
    rerun = import_payslips_csv(engine, path, now=NOW)
    assert (rerun.added, rerun.updated) == (0, 0)
