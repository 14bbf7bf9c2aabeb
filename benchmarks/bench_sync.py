"""Benchmark: sync all six tax years from the emulator at HMRC's 3 requests/second with 150 ms
of latency per request, and compare the wall time with the rate-limit bound.

    uv run python benchmarks/bench_sync.py [--runs 3] [--latency-ms 150]

The bound is requests ÷ 3 per second: no client can finish sooner without being throttled.
Target: wall time within 10% of the bound (ratio ≤ 1.10) and zero 429 answers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hmrc_sync.bootstrap import bootstrap
from hmrc_sync.db.engine import upgrade
from hmrc_sync.db.models import FetchLog
from hmrc_sync.emulator.config import FaultConfig
from hmrc_sync.sync.model import resolve_tax_years
from tests.support.emulated import employer, emulated_hmrc

RATE = 3


def run_once(latency_ms: int) -> tuple[int, float, int]:
    with (
        tempfile.TemporaryDirectory() as workdir,
        emulated_hmrc(
            Path(workdir), rate_limit=RATE, faults=FaultConfig(latency_ms=latency_ms)
        ) as hmrc,
    ):
        years = resolve_tax_years("all")
        for index, year in enumerate(years):
            pay = Decimal(40000 + 1000 * index)
            hmrc.seed(year, [employer("123/AB45678", "Acme Analytics Ltd", str(pay), str(pay / 6))])
        container = bootstrap(hmrc.settings(f"sqlite:///{workdir}/bench.db"))
        upgrade(container.engine)
        hmrc.grant(container.token_store, access_expires_in=dt.timedelta(hours=4))
        time.sleep(1.1)  # let the emulator's window forget the set-up
        started = time.perf_counter()
        report = container.sync_service().run(years)
        wall = time.perf_counter() - started
        with container.sessions() as session:
            throttled = session.scalar(
                select(func.count()).select_from(FetchLog).where(FetchLog.http_status == 429)
            )
        container.close()
        if report.exit_code != 0:
            raise SystemExit(f"sync failed: {report.error}")
        return report.requests, wall, int(throttled or 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--latency-ms", type=int, default=150)
    args = parser.parse_args()
    print(f"{'run':>3} {'requests':>8} {'wall s':>8} {'bound s':>8} {'ratio':>6} {'429s':>5}")
    for run in range(1, args.runs + 1):
        requests, wall, throttled = run_once(args.latency_ms)
        bound = requests / RATE
        print(
            f"{run:>3} {requests:>8} {wall:>8.2f} {bound:>8.2f} {wall / bound:>6.3f} {throttled:>5}"
        )


if __name__ == "__main__":
    main()
