"""Payslip import streams the file (batches in one transaction, rolled back on a bad row) and
names the physical line of a bad byte, an over-long field or a bad value."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from hmrc_sync.cli import cli
from hmrc_sync.db.engine import make_engine, upgrade
from hmrc_sync.db.models import PayslipRecord
from hmrc_sync.errors import ExitCode
from hmrc_sync.payslips import PayslipFileError, import_payslips_csv, read_payslips_csv
from hmrc_sync.payslips.csvfile import MAX_LISTED_PROBLEMS
from hmrc_sync.payslips.importer import BATCH_ROWS

HEADER = "pay_date,employer,gross_pay,income_tax,national_insurance,tax_period,other_deductions"
NOW = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)


def _row(day: int, employer: str = "Acme Ltd", **changes: str) -> str:
    date = dt.date(2024, 4, 6) + dt.timedelta(days=day % 360)
    values = {
        "pay_date": date.isoformat(),
        "employer": employer,
        "gross_pay": "5000.00",
        "income_tax": "832.47",
        "national_insurance": "261.50",
        "tax_period": "",
        "other_deductions": "",
    }
    values.update(changes)
    return ",".join(values.values())


def _write_bytes(tmp_path: Path, lines: list[bytes]) -> Path:
    path = tmp_path / "slips.csv"
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def _count(engine: Engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(PayslipRecord)) or 0


def test_a_bad_byte_is_reported_on_its_own_line(tmp_path: Path) -> None:
    lines = [HEADER.encode(), *(_row(day).encode() for day in range(3))]
    lines.append(_row(3, employer="Acme \xff Ltd").encode("latin-1"))  # line 5
    lines += [_row(day).encode() for day in range(4, 400)]  # the decoder reads ahead in blocks
    path = _write_bytes(tmp_path, lines)
    with pytest.raises(PayslipFileError) as caught:
        read_payslips_csv(path)
    assert "line 5: byte 0xff" in caught.value.message
    assert "UTF-8" in caught.value.message
    assert [problem.line for problem in caught.value.problems] == [5]


def test_a_huge_field_is_a_clean_error_with_its_line(tmp_path: Path) -> None:
    huge = '"' + "x" * 200_000 + '"'
    path = _write_bytes(
        tmp_path, [HEADER.encode(), _row(1).encode(), _row(2, employer=huge).encode()]
    )
    with pytest.raises(PayslipFileError) as caught:
        read_payslips_csv(path)
    assert "line 3: a field is longer than 131072 characters" in caught.value.message
    assert len(caught.value.message) < 500


def test_a_quoted_field_over_two_lines_keeps_later_line_numbers_physical(tmp_path: Path) -> None:
    path = _write_bytes(
        tmp_path,
        [
            HEADER.encode(),
            _row(1, employer='"Acme\nLtd"').encode(),  # lines 2 and 3
            _row(2, gross_pay="lots").encode(),  # line 4
        ],
    )
    read = read_payslips_csv(path)
    assert [(problem.line, problem.column) for problem in read.problems] == [(4, "gross_pay")]
    assert [line for line, _ in read.rows] == [2]


def test_a_bad_row_after_several_batches_undoes_them_all(database_url: str, tmp_path: Path) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    rows = [_row(day, employer=f"E{day // 360}") for day in range(BATCH_ROWS * 2 + 10)]
    bad = [*rows, _row(1, gross_pay="oops")]
    path = _write_bytes(tmp_path, [HEADER.encode(), *(row.encode() for row in bad)])
    with pytest.raises(PayslipFileError) as caught:
        import_payslips_csv(engine, path, now=NOW)
    assert f"line {len(bad) + 1}, gross_pay" in caught.value.message
    assert _count(engine) == 0, "the batches already written were rolled back"
    good = _write_bytes(tmp_path, [HEADER.encode(), *(row.encode() for row in rows)])
    first = import_payslips_csv(engine, good, now=NOW)
    assert (first.added, first.updated, first.unchanged) == (len(rows), 0, 0)
    again = import_payslips_csv(engine, good, now=NOW)
    assert (again.added, again.updated, again.unchanged) == (0, 0, len(rows))
    engine.dispose()


def test_thousands_of_bad_rows_list_the_first_and_count_the_rest(
    sqlite_url: str, tmp_path: Path
) -> None:
    engine = make_engine(sqlite_url)
    upgrade(engine)
    rows = [_row(day, gross_pay="x") for day in range(MAX_LISTED_PROBLEMS + 50)]
    path = _write_bytes(tmp_path, [HEADER.encode(), *(row.encode() for row in rows)])
    with pytest.raises(PayslipFileError) as caught:
        import_payslips_csv(engine, path, now=NOW)
    assert caught.value.message.startswith(f"{path}: {len(rows)} problems; nothing was read")
    assert caught.value.message.endswith("… and 50 more")
    assert len(caught.value.problems) == MAX_LISTED_PROBLEMS
    engine.dispose()


@pytest.mark.parametrize(
    ("row", "needle"),
    [
        (_row(1, tax_period="--5"), "line 3, tax_period: '--5' is not a whole number"),
        (_row(1, tax_period="²"), "line 3, tax_period: '²' is not a whole number"),
        (
            _row(1, other_deductions='"' + '{""a"": ' * 1200 + "1" + "}" * 1200 + '"'),
            "line 3, other_deductions: is nested",
        ),
        ("\xff".join(_row(1).split(",", 1)), "line 3: byte 0xff"),
    ],
)
def test_payslip_import_exits_2_naming_the_line(
    sqlite_url: str, tmp_path: Path, row: str, needle: str
) -> None:
    upgrade(make_engine(sqlite_url))
    encoding = "latin-1" if "\xff" in row else "utf-8"
    path = _write_bytes(tmp_path, [HEADER.encode(), _row(0).encode(), row.encode(encoding)])
    result = CliRunner().invoke(
        cli, ["payslips", "import", str(path), "--database-url", sqlite_url]
    )
    assert result.exit_code == ExitCode.CONFIGURATION, result.output
    assert needle in result.output
    assert "Traceback" not in result.output
    assert "nothing was read" in result.output


def test_a_huge_paperless_doc_id_exits_2(sqlite_url: str, tmp_path: Path) -> None:
    upgrade(make_engine(sqlite_url))
    path = tmp_path / "slips.csv"
    path.write_text(
        "pay_date,gross_pay,income_tax,national_insurance,paperless_doc_id\n"
        f"2024-04-25,100,0,0,{10**20}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        cli, ["payslips", "import", str(path), "--database-url", sqlite_url]
    )
    assert result.exit_code == ExitCode.CONFIGURATION, result.output
    assert "line 2, paperless_doc_id" in result.output
    assert "Traceback" not in result.output


def test_dry_run_reads_every_row_and_counts_beyond_the_listed_problems(tmp_path: Path) -> None:
    rows = [_row(day) for day in range(20)] + [
        _row(day, gross_pay="x") for day in range(MAX_LISTED_PROBLEMS + 5)
    ]
    path = _write_bytes(tmp_path, [HEADER.encode(), *(row.encode() for row in rows)])
    refused = CliRunner().invoke(cli, ["payslips", "import", "--dry-run", str(path)])
    assert refused.exit_code == ExitCode.CONFIGURATION
    assert f"{MAX_LISTED_PROBLEMS + 5} problems; nothing was read" in refused.output
    assert "… and 5 more" in refused.output
    skipped = CliRunner().invoke(cli, ["payslips", "import", "--dry-run", "--skip-bad", str(path)])
    assert skipped.exit_code == 0, skipped.output
    assert "would import 20 payslips (dry run: nothing changed)" in skipped.stdout
    assert "… and 5 more" in skipped.stderr


@pytest.mark.parametrize("ending", [b"\n", b"\r\n", b"\r"], ids=["LF", "CRLF", "CR"])
def test_every_line_ending_counts_lines_alike(tmp_path: Path, ending: bytes) -> None:
    # Enough rows that lines and CRLF pairs straddle the reader's 64 KiB blocks.
    rows = [_row(day, employer=f"Employer {day}") for day in range(2000)]
    rows[1500] = _row(1500, gross_pay="bad")
    path = tmp_path / "slips.csv"
    path.write_bytes(ending.join([HEADER.encode(), *(row.encode() for row in rows)]) + ending)
    read = read_payslips_csv(path)
    assert [(problem.line, problem.column) for problem in read.problems] == [(1502, "gross_pay")]
    assert len(read.rows) == 1999
    assert read.rows[-1][0] == 2001
