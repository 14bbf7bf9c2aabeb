"""Benchmark: peak memory of ``payslips import`` on 1k, 10k and 100k payslip rows.

    uv run python benchmarks/bench_import.py [--rows 1000 10000 100000] [--source DIR]

Each size is a CSV of monthly-looking payslips (a different employer every 12 rows, so every
row is a new payslip), imported into a fresh, migrated SQLite database by a fresh interpreter,
which reports its own peak resident set size (``ru_maxrss``) before and after the import.
``--source`` imports ``hmrc_sync`` from another checkout (e.g. ``git archive`` of an older
commit) to compare.

Target: bounded memory, i.e. the peak grows far slower than the file (the import streams the
file and writes batches of rows, instead of holding every row).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = """
import json, resource, sys
from pathlib import Path
from hmrc_sync.db.engine import make_engine, upgrade
from hmrc_sync.payslips import import_payslips_csv
engine = make_engine(sys.argv[1])
upgrade(engine)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
report = import_payslips_csv(engine, Path(sys.argv[2]))
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"added": report.added, "before_kib": before, "after_kib": after}))
"""

HEADER = (
    "pay_date,employer,gross_pay,taxable_pay,income_tax,national_insurance,"
    "ytd_taxable_pay,tax_code,other_deductions\n"
)


def write_csv(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.write(HEADER)
        for index in range(rows):
            month, employer = index % 12, index // 12
            year = 2017 + employer % 9
            pay_date = f"{year if month < 9 else year + 1}-{(month + 3) % 12 + 1:02d}-25"
            handle.write(
                f"{pay_date},Employer {employer} Ltd,5000.00,4700.00,832.47,261.50,"
                f'{4700 * (month + 1)}.00,1257L,"{{""Gym"": 25.00}}"\n'
            )


def measure(rows: int, source: Path) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as work:
        csv_path = Path(work) / "slips.csv"
        write_csv(csv_path, rows)
        url = f"sqlite:///{Path(work) / 'bench.db'}"
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", CHILD, url, str(csv_path)],
            cwd=source,
            env={"PYTHONPATH": str(source), "PATH": "", "HOME": work},
            capture_output=True,
            text=True,
            check=True,
        )
        seconds = time.perf_counter() - started
        figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
        figures["file_mib"] = csv_path.stat().st_size / 2**20
    figures["seconds"] = seconds
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--source", type=Path, default=ROOT, help="checkout to import from")
    args = parser.parse_args()
    print("| rows | file MiB | RSS before MiB | peak RSS MiB | import growth MiB | wall s |")
    print("|---|---|---|---|---|---|")
    for rows in args.rows:
        got = measure(rows, args.source)
        assert got["added"] == rows, got
        before, after = got["before_kib"] / 1024, got["after_kib"] / 1024
        print(
            f"| {rows:,} | {got['file_mib']:.1f} | {before:.0f} | {after:.0f} | "
            f"{after - before:.0f} | {got['seconds']:.1f} |"
        )


if __name__ == "__main__":
    main()
