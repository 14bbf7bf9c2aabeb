"""Benchmark: the web service under load — 50 concurrent clients on /healthz, /metrics and the
owner's status page for 30 s on loopback while a webhook sync of all six tax years runs.

    uv run python benchmarks/bench_serve_load.py [--seconds 30] [--clients 50]
        [--latency-ms 150] [--database-url URL] [--rss-limit-mb 150]

The emulator runs in this process (3 requests/second, ``--latency-ms`` on every request, so the
sync lasts); ``hmrc-sync serve`` runs as a separate process, whose resident memory is sampled
from /proc every 0.5 s (VmRSS) and read once more at the end (VmHWM, the kernel's high-water
mark). Each client has its own connection and sends its next request as soon as the last one
is answered. Target: no error (non-2xx or exception) on any request, the sync finishes OK, and
the server's peak resident memory stays under 150 MB. Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hmrc_sync.bootstrap import bootstrap
from hmrc_sync.db.engine import upgrade
from hmrc_sync.emulator.config import FaultConfig
from hmrc_sync.emulator.inprocess import free_port
from hmrc_sync.sync.model import resolve_tax_years
from tests.support.emulated import EmulatedHmrc, employer, emulated_hmrc

ENDPOINTS = ("/healthz", "/metrics", "/")
RATE = 3
REQUEST_TIMEOUT_S = 10.0
SAMPLE_EVERY_S = 0.5


# ---------------------------------------------------------------------- server process memory
def proc_status_kb(pid: int, field_name: str) -> int | None:
    """A ``kB`` field of /proc/PID/status (VmRSS, VmHWM), or None once the process is gone."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith(field_name + ":"):
            return int(line.split()[1])
    return None


class RssSampler:
    """Samples VmRSS of one process every ``every`` seconds in a daemon thread."""

    def __init__(self, pid: int, every: float = SAMPLE_EVERY_S) -> None:
        self.pid = pid
        self.every = every
        self.samples_kb: list[int] = []
        self.times: list[float] = []  # time.monotonic() of each sample
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            value = proc_status_kb(self.pid, "VmRSS")
            if value is not None:
                self.samples_kb.append(value)
                self.times.append(time.monotonic())
            self._stop.wait(self.every)

    def at(self, moment: float) -> int:
        """The last sample taken at or before ``moment`` (0 when there is none)."""
        taken = [kb for t, kb in zip(self.times, self.samples_kb, strict=True) if t <= moment]
        return taken[-1] if taken else 0

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


# ---------------------------------------------------------------------- load
@dataclass
class EndpointStats:
    latencies_s: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)

    @property
    def requests(self) -> int:
        return len(self.latencies_s) + sum(self.errors.values())


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (``p`` in 0-100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))  # ceil(n * p / 100), at least 1
    return ordered[int(rank) - 1]


async def one_client(
    index: int,
    base_url: str,
    admin_token: str,
    deadline: float,
    budget: list[int],
    stats: dict[str, EndpointStats],
) -> None:
    """Round-robin over the endpoints on one keep-alive connection until the deadline or until
    the shared request budget is spent."""
    headers = {"Authorization": f"Bearer {admin_token}"}
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    async with httpx.AsyncClient(
        base_url=base_url, timeout=REQUEST_TIMEOUT_S, limits=limits
    ) as client:
        turn = index
        while time.monotonic() < deadline and budget[0] > 0:
            budget[0] -= 1
            path = ENDPOINTS[turn % len(ENDPOINTS)]
            turn += 1
            started = time.perf_counter()
            try:
                response = await client.get(path, headers=headers if path == "/" else None)
            except httpx.HTTPError as exc:
                stats[path].errors[type(exc).__name__] += 1
                continue
            elapsed = time.perf_counter() - started
            if 200 <= response.status_code < 300:
                stats[path].latencies_s.append(elapsed)
            else:
                stats[path].errors[f"HTTP {response.status_code}"] += 1


async def run_load(
    base_url: str, admin_token: str, clients: int, seconds: float, max_requests: int
) -> tuple[dict[str, EndpointStats], float]:
    stats = {path: EndpointStats() for path in ENDPOINTS}
    budget = [max_requests]
    started = time.monotonic()
    deadline = started + seconds
    tasks = [one_client(i, base_url, admin_token, deadline, budget, stats) for i in range(clients)]
    # A hard stop a little after the deadline: one slow request cannot hold the run open.
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=seconds + REQUEST_TIMEOUT_S + 5)
    return stats, time.monotonic() - started


# ---------------------------------------------------------------------- the sync
@dataclass
class SyncOutcome:
    status: int | None = None
    exit_code: object = None
    error: str | None = None
    started: float = 0.0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.exit_code == 0


def trigger_sync(base_url: str, webhook_token: str, outcome: SyncOutcome) -> None:
    outcome.started = time.monotonic()
    try:
        with httpx.Client(base_url=base_url, timeout=300) as client:
            response = client.post(
                "/sync",
                params={"tax_year": "all"},
                headers={"Authorization": f"Bearer {webhook_token}"},
            )
        outcome.status = response.status_code
        try:
            outcome.exit_code = response.json().get("exit_code")
        except ValueError:
            outcome.error = response.text[:200]
    except httpx.HTTPError as exc:
        outcome.error = f"{type(exc).__name__}: {exc}"
    outcome.seconds = time.monotonic() - outcome.started


# ---------------------------------------------------------------------- the server process
@contextmanager
def server_process(
    hmrc: EmulatedHmrc, database_url: str, port: int, log_path: Path, tokens: dict[str, str]
) -> Iterator[subprocess.Popen[bytes]]:
    env = hmrc.env(database_url, **tokens)
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*hmrc.cli(), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield process
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)  # uvicorn shuts down gracefully
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def wait_healthy(base_url: str, process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with {process.returncode} before answering")
        try:
            if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"the server did not answer /healthz within {timeout:.0f} s")


def log_levels(log_path: Path) -> Counter[str]:
    """How many of the server's JSON log lines are at each level (non-JSON lines: 'other')."""
    levels: Counter[str] = Counter()
    for line in log_path.read_text(errors="replace").splitlines():
        try:
            levels[str(json.loads(line).get("level", "other"))] += 1
        except (ValueError, AttributeError):
            levels["other"] += 1
    return levels


def notable_log_lines(log_path: Path) -> list[str]:
    """The server's warnings and errors, as 'level logger: message'."""
    notable = []
    for line in log_path.read_text(errors="replace").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and entry.get("level") in ("warning", "error", "critical"):
            notable.append(f"{entry['level']} {entry.get('logger')}: {entry.get('message')}")
    return notable


# ---------------------------------------------------------------------- report
def print_table(stats: dict[str, EndpointStats], wall_s: float) -> tuple[int, int]:
    print(
        f"{'endpoint':<9} {'requests':>8} {'errors':>6} {'req/s':>7} "
        f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7}"
    )
    total = errors = 0
    everything: list[float] = []
    for path, s in stats.items():
        total += s.requests
        errors += sum(s.errors.values())
        everything.extend(s.latencies_s)
        print(_row(path, s.requests, sum(s.errors.values()), wall_s, s.latencies_s))
    print(_row("all", total, errors, wall_s, everything))
    for path, s in stats.items():
        for kind, count in s.errors.most_common():
            print(f"  error on {path}: {count} x {kind}")
    return total, errors


def _row(name: str, requests: int, errors: int, wall_s: float, latencies: list[float]) -> str:
    if latencies:
        p50, p95, p99 = (1000 * percentile(latencies, p) for p in (50, 95, 99))
        figures = f"{p50:>7.1f} {p95:>7.1f} {p99:>7.1f} {1000 * max(latencies):>7.1f}"
    else:
        figures = f"{'—':>7} {'—':>7} {'—':>7} {'—':>7}"
    return f"{name:<9} {requests:>8} {errors:>6} {requests / wall_s:>7.1f} {figures}"


# ---------------------------------------------------------------------- main
def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--seconds", type=float, default=30.0, help="length of the load")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients")
    parser.add_argument("--latency-ms", type=int, default=150, help="emulator latency")
    parser.add_argument(
        "--max-requests", type=int, default=500_000, help="cap on the load's requests"
    )
    parser.add_argument("--rss-limit-mb", type=float, default=150.0, help="target (MB = MiB)")
    parser.add_argument(
        "--database-url",
        help="an empty database to migrate and use (default: a SQLite file in a temporary "
        "directory)",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-serve-") as tmp:
        workdir = Path(tmp)
        database_url = args.database_url or f"sqlite:///{workdir}/bench.db"
        faults = FaultConfig(latency_ms=args.latency_ms)
        with emulated_hmrc(workdir, rate_limit=RATE, faults=faults) as hmrc:
            for index, year in enumerate(resolve_tax_years("all")):
                pay = Decimal(40000 + 1000 * index)
                hmrc.seed(
                    year, [employer("123/AB45678", "Acme Analytics Ltd", str(pay), str(pay / 6))]
                )
            container = bootstrap(hmrc.settings(database_url))
            upgrade(container.engine)
            hmrc.grant(container.token_store)
            container.close()
            failed = run_benchmark(args, hmrc, database_url, workdir)
    sys.exit(1 if failed else 0)


def run_benchmark(
    args: argparse.Namespace, hmrc: EmulatedHmrc, database_url: str, workdir: Path
) -> bool:
    tokens = {
        "HMRC_SYNC_ADMIN_TOKEN": secrets.token_urlsafe(24),
        "HMRC_SYNC_WEBHOOK_TOKEN": secrets.token_urlsafe(24),
    }
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = workdir / "serve.log"
    with server_process(hmrc, database_url, port, log_path, tokens) as process:
        wait_healthy(base_url, process)
        idle_kb = proc_status_kb(process.pid, "VmRSS") or 0
        time.sleep(1.1)  # let the emulator's rate-limit window forget the set-up
        outcome = SyncOutcome()
        sync_thread = threading.Thread(
            target=trigger_sync,
            args=(base_url, tokens["HMRC_SYNC_WEBHOOK_TOKEN"], outcome),
            name="sync",
        )
        with RssSampler(process.pid) as sampler:
            load_started = time.monotonic()
            sync_thread.start()
            stats, wall_s = asyncio.run(
                run_load(
                    base_url,
                    tokens["HMRC_SYNC_ADMIN_TOKEN"],
                    args.clients,
                    args.seconds,
                    args.max_requests,
                )
            )
            sync_thread.join(timeout=300)
        hwm_kb = proc_status_kb(process.pid, "VmHWM") or 0
        alive = process.poll() is None
    stopped = process.returncode

    print(
        f"{args.clients} clients for {args.seconds:.0f} s on loopback (load wall {wall_s:.2f} s); "
        f"{os.cpu_count()} CPUs; emulator latency {args.latency_ms} ms, {RATE} req/s; "
        f"database {'SQLite' if database_url.startswith('sqlite') else 'PostgreSQL'}"
    )
    total, errors = print_table(stats, wall_s)
    peak_kb = max(sampler.samples_kb, default=0)
    last_kb = sampler.samples_kb[-1] if sampler.samples_kb else 0
    sync_end_kb = sampler.at(outcome.started + outcome.seconds)
    sync_end = outcome.started + outcome.seconds - load_started
    print(
        f"sync: {'OK' if outcome.ok else 'FAILED'} (HTTP {outcome.status}, exit code "
        f"{outcome.exit_code}) in {outcome.seconds:.2f} s, ended {sync_end:.2f} s into the load"
        + (f"; {outcome.error}" if outcome.error else "")
    )
    print(
        f"server RSS: idle {idle_kb / 1024:.1f} MB, peak of {len(sampler.samples_kb)} samples "
        f"{peak_kb / 1024:.1f} MB, at the sync's end {sync_end_kb / 1024:.1f} MB, "
        f"last {last_kb / 1024:.1f} MB, "
        f"VmHWM {hwm_kb / 1024:.1f} MB (limit {args.rss_limit_mb:.0f} MB; MB = MiB)"
    )
    levels = log_levels(log_path)
    # uvicorn re-raises the SIGTERM it caught once it has shut down, hence -15 when clean.
    clean = stopped in (0, -signal.SIGTERM) and "Finished server process" in log_path.read_text()
    print(
        f"server: alive through the load {alive}; stopped {'cleanly' if clean else 'UNCLEANLY'} "
        f"(exit status {stopped}); log lines "
        + ", ".join(f"{level} {count}" for level, count in sorted(levels.items()))
    )
    for line in notable_log_lines(log_path)[:5]:
        print(f"  server {line}")
    if levels.get("error") or levels.get("critical") or errors:
        tail = log_path.read_text(errors="replace").splitlines()[-20:]
        print("server log (last 20 lines):", *tail, sep="\n  ")

    worst_kb = max(peak_kb, hwm_kb)
    failed = bool(
        errors
        or not total
        or not outcome.ok
        or not alive
        or not clean
        or worst_kb / 1024 >= args.rss_limit_mb
    )
    print("RESULT:", "FAIL" if failed else "PASS")
    return failed


if __name__ == "__main__":
    main()
