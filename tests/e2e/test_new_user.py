"""A newcomer's first hour, as the README tells it, with an empty HOME: the demo; the
emulator started plainly; ``auth login`` with the printed test user (its sign-in and grant
pages driven over HTTP); ``migrate``; ``sync --tax-year all``; importing the example payslips;
``reconcile``; ``status``. Each exits as documented, and the demo leaves the default
database alone."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx

from hmrc_sync.emulator import driver
from hmrc_sync.emulator.inprocess import free_port
from tests.support.shared import REPO_ROOT

EXIT_OK, EXIT_MISMATCH = 0, 6


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HMRC_SYNC_", "VAULT_"))}
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CONFIG_HOME=str(home / ".config"),
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


def _run(home: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hmrc_sync", *args],
        env=_env(home, **extra),
        cwd=home,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _banner(process: subprocess.Popen[str]) -> tuple[dict[str, str], str, str]:
    assert process.stdout is not None
    exports: dict[str, str] = {}
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if match := re.match(r"\s*export (HMRC_SYNC_\w+)=(\S+)", line):
            exports[match.group(1)] = match.group(2)
        if match := re.match(r"\s*user id (\d+)\s+password (\S+)", line):
            return exports, match.group(1), match.group(2)
    raise AssertionError("the emulator printed no test user")


def _wait_until_up(url: str) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(url + "/", timeout=2)
            return
        except httpx.TransportError:
            assert time.monotonic() < deadline, "the emulator did not start"
            time.sleep(0.1)


def _login(home: Path, env: dict[str, str], user_id: str, password: str) -> int:
    login = subprocess.Popen(
        [sys.executable, "-m", "hmrc_sync", "auth", "login", "--no-browser", "--timeout", "60"],
        env=_env(home, **env),
        cwd=home,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert login.stdout is not None
        url = ""
        while not url.startswith("http"):
            url = login.stdout.readline().strip()
            assert url or login.poll() is None, login.stderr.read() if login.stderr else ""
        with httpx.Client(base_url=env["HMRC_SYNC_API_BASE_URL"], timeout=30) as http:
            answer = driver.sign_in_and_grant(http, url, user_id, password)
        assert answer.code is not None
        httpx.get(answer.redirect_url, timeout=30)  # the browser returning to auth login
        return login.wait(timeout=60)
    finally:
        if login.poll() is None:
            login.kill()
        for stream in (login.stdout, login.stderr):
            if stream is not None:
                stream.close()


def test_a_newcomers_first_hour(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    default_db = home / ".local" / "share" / "hmrc-sync" / "hmrc-sync.db"

    demo = _run(home, "demo")
    assert demo.returncode == EXIT_OK, demo.stderr
    assert not default_db.exists(), "the demo never writes the default database"

    port, callback_port = free_port(), free_port()
    redirect_uri = f"http://localhost:{callback_port}/oauth/callback"
    emulator = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hmrc_sync",
            "emulator",
            "--port",
            str(port),
            "--redirect-uri",
            redirect_uri,
        ],
        env=_env(home),
        cwd=home,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        exports, user_id, password = _banner(emulator)
        assert {"HMRC_SYNC_UTR", "HMRC_SYNC_NINO", "HMRC_SYNC_CLIENT_ID"} <= set(exports)
        assert exports["HMRC_SYNC_REDIRECT_URI"] == redirect_uri
        _wait_until_up(exports["HMRC_SYNC_API_BASE_URL"])
        assert _login(home, exports, user_id, password) == EXIT_OK

        steps = [
            (("migrate",), (EXIT_OK,)),
            (("sync", "--tax-year", "all"), (EXIT_OK,)),
            (("payslips", "import", str(REPO_ROOT / "docs/examples/payslips.csv")), (EXIT_OK,)),
            (("reconcile",), (EXIT_OK, EXIT_MISMATCH)),
            (("status",), (EXIT_OK,)),
        ]
        for args, expected in steps:
            result = _run(home, *args, **exports)
            assert result.returncode in expected, (args, result.stdout, result.stderr)
    finally:
        emulator.terminate()
        emulator.wait(timeout=20)
        if emulator.stdout is not None:
            emulator.stdout.close()

    with sqlite3.connect(default_db) as connection:
        payslips = connection.execute("SELECT count(*) FROM payslip").fetchone()[0]
        snapshots = connection.execute(
            "SELECT count(DISTINCT tax_year) FROM tax_year_snapshot"
        ).fetchone()[0]
    connection.close()
    assert payslips == 11, "only the example file's payslips, none of the demo's"
    assert snapshots == 2, "the starter user's two available years; the current one is not yet"
