"""Benchmark: how long the CLI takes to start, against importing httpx in the same Python.

    uv run python benchmarks/bench_startup.py [--runs 15]

Each command is run as a whole process (the installed ``hmrc-sync`` script beside this
Python) ``--runs`` times, and the median wall time is compared with the median of
``python -c "import httpx"``, measured in the same loop (runs interleaved, so load on the
machine affects both alike). Target: ``hmrc-sync --help`` and ``hmrc-sync sync --help`` each
at most 2.0 times the baseline.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET = 2.0
COMMANDS: dict[str, list[str]] = {
    "hmrc-sync --help": ["--help"],
    "hmrc-sync sync --help": ["sync", "--help"],
}


def _timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=15, help="runs of each (median taken)")
    args = parser.parse_args()
    script = Path(sys.executable).parent / "hmrc-sync"
    if not script.exists():
        print(f"error: {script} is not installed (run `uv sync`)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as home:
        env = {k: v for k, v in os.environ.items() if not k.startswith("HMRC_SYNC_")}
        env.update(HOME=home, XDG_DATA_HOME=home, XDG_CONFIG_HOME=home)
        baseline_argv = [sys.executable, "-c", "import httpx"]
        _timed(baseline_argv, env)  # warm the file cache once for every command
        for command in COMMANDS.values():
            _timed([str(script), *command], env)
        times: dict[str, list[float]] = {"baseline": [], **{name: [] for name in COMMANDS}}
        for _ in range(args.runs):
            times["baseline"].append(_timed(baseline_argv, env))
            for name, command in COMMANDS.items():
                times[name].append(_timed([str(script), *command], env))
    baseline = statistics.median(times["baseline"])
    print(f"python -c 'import httpx': median {baseline * 1000:.0f} ms over {args.runs} runs")
    worst = 0.0
    for name in COMMANDS:
        median = statistics.median(times[name])
        ratio = median / baseline
        worst = max(worst, ratio)
        print(f"{name}: median {median * 1000:.0f} ms, ratio {ratio:.2f} (target <= {TARGET})")
    return 0 if worst <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
