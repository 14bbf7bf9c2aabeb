"""Fault benchmark: N syncs against the emulator with random injected faults, then count what
was lost.

    uv run python benchmarks/bench_faults.py [--runs 30] [--database-url URL] [--seed 1]

Each run is one of:

* ``kill``: a ``hmrc-sync sync`` process killed with SIGKILL at a random moment (1-8 s after
  it starts: start-up takes about 3 s on the project's machine, so most kills land mid-run);
* ``disk-full``: a sync whose token store fails every write once HMRC has rotated the refresh
  token (a disk that filled up between the refresh and the write);
* ``lock-loss`` (PostgreSQL only): two syncs at once, with the refresh lock's connection
  terminated (``pg_terminate_backend``) at a random moment while the emulator delays the
  refresh by 300 ms;
* ``clean``: a plain sync.

Every access token lives 30 s, so every run refreshes (HMRC's refresh tokens are single-use,
so each refresh is a chance to lose the grant). After every run the stored refresh token is
checked against the emulator: a grant lost in that run is counted against the run's kind (and
a fresh grant stored, so the benchmark goes on). A ``kill`` that lands between HMRC's rotation
and the write is the documented crash window (no client can survive SIGKILL there: only HMRC
holds the new pair); every other loss is a bug. A final clean sync follows. Reported: grants
lost per kind, duplicate snapshots (the seeded figures never change, so any second row for a
year and employer is one), runs left ``running`` after the final sync. Target: 0 lost outside
the crash window, 0 duplicates, 0 runs left open.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from sqlalchemy import create_engine, func, select, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hmrc_sync.bootstrap import bootstrap
from hmrc_sync.db.engine import upgrade
from hmrc_sync.db.models import SyncRun, TaxYearSnapshot
from hmrc_sync.emulator.config import FaultConfig
from hmrc_sync.emulator.engine.grants import token_hash
from hmrc_sync.errors import ExitCode, TokenStoreError
from hmrc_sync.oauth.locks import REFRESH_LOCK_KEY
from hmrc_sync.taxyear import TaxYear
from hmrc_sync.tokenstore import FileTokenStore, TokenRecord
from tests.support.emulated import EmulatedHmrc, employer, emulated_hmrc

YEAR = TaxYear(2024)


class FillingDisk(FileTokenStore):
    def write(self, record: TokenRecord, *, expected_version: str | None) -> str:
        if record.grant is not None and record.grant.refreshed_at is not None:
            raise TokenStoreError(f"could not write the token file {self.path}: No space left")
        return super().write(record, expected_version=expected_version)


def _kill(hmrc: EmulatedHmrc, url: str, rng: random.Random) -> str:
    process = subprocess.Popen(
        [*hmrc.cli(), "sync", "--tax-year", YEAR.hmrc],
        env=hmrc.env(url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        process.wait(timeout=rng.uniform(1.0, 8.0))
        return f"finished before the kill (exit {process.returncode})"
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        time.sleep(0.5)  # a refresh in flight at the emulator (300 ms delay) ends before the check
        return "killed"


def _disk_full(hmrc: EmulatedHmrc, url: str) -> str:
    settings = hmrc.settings(url)
    container = bootstrap(settings, token_store=FillingDisk(settings.token_file))
    try:
        report = container.sync_service().run([YEAR])
    finally:
        container.close()
    return f"exit {int(report.exit_code)}"


def _lock_loss(hmrc: EmulatedHmrc, url: str, rng: random.Random) -> str:
    high, low = (REFRESH_LOCK_KEY >> 32) & 0xFFFF_FFFF, REFRESH_LOCK_KEY & 0xFFFF_FFFF
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    exits: list[int] = []

    def one() -> None:
        container = bootstrap(hmrc.settings(url))
        try:
            exits.append(int(container.sync_service().run([YEAR]).exit_code))
        finally:
            container.close()

    workers = [threading.Thread(target=one) for _ in range(2)]
    for worker in workers:
        worker.start()
    time.sleep(rng.uniform(0.05, 0.4))
    with admin.connect() as connection:
        killed = connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' "
                "AND classid = CAST(:h AS bigint)::oid AND objid = CAST(:l AS bigint)::oid"
            ),
            {"h": high, "l": low},
        ).all()
    for worker in workers:
        worker.join()
    admin.dispose()
    return f"{len(killed)} lock connection(s) killed; exits {sorted(exits)}"


def _grant_alive(hmrc: EmulatedHmrc, url: str) -> bool:
    """Whether the pair in the store (or the recovery file) still works at HMRC."""
    settings = hmrc.settings(url)
    candidates = []
    stored = FileTokenStore(settings.token_file).read()
    if stored is not None and stored.value.grant is not None:
        candidates.append(stored.value.grant.refresh_token.get_secret_value())
    recovery = settings.token_file.parent / "token.recovery.json"
    if recovery.exists() and recovery.read_bytes().strip():
        from hmrc_sync.tokenstore import record_from_json

        kept = record_from_json(recovery.read_bytes().strip())
        if kept.grant is not None:
            candidates.append(kept.grant.refresh_token.get_secret_value())
    emulator = hmrc.emulator
    with emulator.lock:
        live = {g.refresh_hash for g in emulator.tokens.grants.values() if g.live(emulator.now())}
    return any(token_hash(token) in live for token in candidates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--database-url", default=None, help="default: a SQLite file")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    kinds = ["kill", "disk-full", "clean"]
    with tempfile.TemporaryDirectory() as workdir:
        url = args.database_url or f"sqlite:///{workdir}/bench.db"
        if url.startswith("postgresql"):
            kinds.append("lock-loss")
        faults = FaultConfig(refresh_delay_ms=300 if "lock-loss" in kinds else 0)
        with emulated_hmrc(
            Path(workdir),
            rate_limit=0,
            faults=faults,
            access_token_lifetime=dt.timedelta(seconds=30),
        ) as hmrc:
            hmrc.seed(YEAR, [employer("123/AB45678", "Acme Analytics Ltd", "52000.00", "8232.00")])
            setup = bootstrap(hmrc.settings(url))
            upgrade(setup.engine)
            hmrc.grant(setup.token_store, access_expires_in=dt.timedelta(seconds=30))
            setup.close()
            counts: collections.Counter[str] = collections.Counter()
            lost: collections.Counter[str] = collections.Counter()
            for run in range(1, args.runs + 1):
                kind = rng.choice(kinds)
                counts[kind] += 1
                if kind == "kill":
                    detail = _kill(hmrc, url, rng)
                elif kind == "disk-full":
                    detail = _disk_full(hmrc, url)
                elif kind == "lock-loss":
                    detail = _lock_loss(hmrc, url, rng)
                else:
                    container = bootstrap(hmrc.settings(url))
                    detail = f"exit {int(container.sync_service().run([YEAR]).exit_code)}"
                    container.close()
                if not _grant_alive(hmrc, url):
                    lost[f"{kind} ({detail})" if kind == "kill" else kind] += 1
                    detail += "; GRANT LOST (a fresh grant is stored to go on)"
                    hmrc.grant(
                        FileTokenStore(hmrc.settings(url).token_file),
                        access_expires_in=dt.timedelta(seconds=30),
                    )
                print(f"{run:>3} {kind:<10} {detail}", flush=True)
            final = bootstrap(hmrc.settings(url))
            report = final.sync_service().run([YEAR])
            with final.sessions() as session:
                rows = session.scalar(select(func.count()).select_from(TaxYearSnapshot)) or 0
                open_runs = session.scalar(
                    select(func.count()).select_from(SyncRun).where(SyncRun.outcome == "running")
                )
                abandoned = session.scalar(
                    select(func.count()).select_from(SyncRun).where(SyncRun.outcome == "abandoned")
                )
            final.close()
    outside = sum(n for kind, n in lost.items() if not kind.startswith("kill"))
    print(f"injections: {dict(counts)}; HMRC refreshes: {len(hmrc.refreshes)}")
    print(f"final sync: exit {int(report.exit_code)} ({report.error or 'ok'})")
    print(
        f"grants lost: {sum(lost.values())} ({dict(lost) or 'none'}); outside the kill -9 "
        f"crash window: {outside + int(report.exit_code == ExitCode.REAUTHORISE)}; "
        f"duplicate snapshots: {rows - 1}; runs left open: {open_runs}; "
        f"runs closed as abandoned: {abandoned}"
    )


if __name__ == "__main__":
    main()
