"""``--state FILE`` keeps the emulator's state across restarts; the CLI command."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import httpx
from click.testing import CliRunner
from fastapi.testclient import TestClient

from hmrc_sync.commands.emulator import Options, banner, build, emulator_command
from hmrc_sync.emulator import create_emulator_app, driver
from hmrc_sync.emulator.config import EmulatorConfig
from hmrc_sync.emulator.data.catalogue import SUBSCRIBABLE
from hmrc_sync.emulator.data.figures import EmployerFigures
from hmrc_sync.taxyear import TaxYear
from tests.integration.emulator.helpers import (
    APPLICATION,
    CLIENT_ID,
    CLIENT_SECRET,
    REDIRECT_URI,
    SA_SCOPES,
    annual_path,
    api_headers,
)

YEAR = TaxYear.parse("2024-25")


def _income(client: httpx.Client, token: str, utr: str) -> httpx.Response:
    return client.get(
        annual_path("individual-income", utr, YEAR.hmrc), headers=api_headers(token, "1.2")
    )


def _refresh(client: httpx.Client, refresh_token: str) -> httpx.Response:
    return client.post(
        "/oauth/token",
        data={
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
        },
    )


def test_state_file_survives_restarts(tmp_path: Path) -> None:
    state = tmp_path / "state" / "emulator.json"
    config = EmulatorConfig(applications=(APPLICATION,), rate_limit=0, state_file=state)
    first_app = create_emulator_app(config)
    with TestClient(first_app) as first:
        app_token = driver.application_token(first, CLIENT_ID, CLIENT_SECRET)
        user = driver.create_test_user(first, app_token)
        utr = str(user.sa_utr)
        figures = [EmployerFigures("123/AB456", "Acme", Decimal("30000.50"), Decimal("4000.05"))]
        driver.seed_figures(first, app_token, utr, YEAR, figures)
        driver.set_availability(first, app_token, utr, YEAR.previous(), withdraw_now=True)
        url = driver.authorize_url("http://testserver", CLIENT_ID, REDIRECT_URI, SA_SCOPES)
        code = driver.sign_in_and_grant(first, url, user.user_id, user.password).code
        assert code is not None
        tokens = driver.exchange_code(first, CLIENT_ID, CLIENT_SECRET, code, REDIRECT_URI)
        first_app.state.emulator.advance(timedelta(hours=1))
    saved = state.read_text(encoding="utf-8")
    for secret in (tokens["access_token"], tokens["refresh_token"], user.password):
        assert secret not in saved

    second_app = create_emulator_app(config)
    with TestClient(second_app) as second:
        assert second_app.state.emulator.clock_offset == timedelta(hours=1)
        served = _income(second, tokens["access_token"], utr)
        assert '"payFromEmployment":30000.50' in served.text
        rotated = _refresh(second, tokens["refresh_token"])
        assert rotated.status_code == 200
        # The user can sign in again with the password from the first run.
        again = driver.sign_in_and_grant(second, url, user.user_id, user.password)
        assert again.code is not None
        emulator = second_app.state.emulator
        assert emulator.availability_status(utr, YEAR.previous()) == "WITHDRAWN"

    with TestClient(create_emulator_app(config)) as third:
        assert _refresh(third, tokens["refresh_token"]).json()["error"] == "invalid_grant"
        new_access = rotated.json()["access_token"]
        assert _income(third, new_access, utr).status_code == 200
        assert _income(third, tokens["access_token"], utr).status_code == 401


def test_help_documents_every_option() -> None:
    result = CliRunner().invoke(emulator_command, ["--help"])
    assert result.exit_code == 0
    for param in emulator_command.params:
        if param.name == "help":
            continue
        assert getattr(param, "help", None), f"{param.name} has no help"
        for flag in param.opts:
            assert flag in result.output
    for flag in ("--host", "--port", "--seed", "--state", "--client-id", "--client-secret"):
        assert flag in result.output
    assert "http://localhost:8080/oauth/callback" in result.output


def test_no_options_registers_one_application_and_prints_how_to_use_it(tmp_path: Path) -> None:
    options = Options(config=EmulatorConfig(state_file=tmp_path / "state.json"))
    app, application = build(options)
    emulator = app.state.emulator
    assert list(emulator.applications) == [application.client_id]
    assert application.subscriptions == SUBSCRIBABLE
    text = banner(options, application)
    secret = application.client_secret.get_secret_value()
    for line in (
        "export HMRC_SYNC_API_BASE_URL=http://127.0.0.1:9090",
        f"export HMRC_SYNC_CLIENT_ID={application.client_id}",
        f"export HMRC_SYNC_CLIENT_SECRET={secret}",
        "export HMRC_SYNC_REDIRECT_URI=http://localhost:8080/oauth/callback",
    ):
        assert line in text
    # Restarted on the same state without --client-id: the same application again.
    _, again = build(options)
    assert again.client_id == application.client_id
    assert again.client_secret.get_secret_value() == secret
    # --client-id names it.
    _, named = build(Options(client_id="my-id", client_secret="my-secret"))
    assert named.client_id == "my-id"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def _running(state: Path, port: int) -> Iterator[httpx.Client]:
    command = [
        sys.executable,
        "-m",
        "hmrc_sync.emulator",
        "--port",
        str(port),
        "--state",
        str(state),
        "--client-id",
        CLIENT_ID,
        "--client-secret",
        CLIENT_SECRET,
        "--rate-limit",
        "0",
    ]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        printed = [process.stdout.readline() for _ in range(10)]
        expected = f"export HMRC_SYNC_API_BASE_URL=http://127.0.0.1:{port}"
        assert expected in [line.strip() for line in printed]
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            deadline = time.monotonic() + 20
            while True:
                try:
                    client.get("/oauth/authorize")
                    break
                except httpx.TransportError:
                    assert time.monotonic() < deadline, "the emulator did not start"
                    time.sleep(0.05)
            yield client
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


def test_cli_with_state_file_across_process_restarts(tmp_path: Path) -> None:
    state = tmp_path / "emulator.json"
    port = _free_port()
    with _running(state, port) as client:
        token = driver.application_token(client, CLIENT_ID, CLIENT_SECRET)
        user = driver.create_test_user(client, token)
        driver.seed_scenario(client, token, str(user.sa_utr), YEAR)
    with _running(state, port) as client:
        url = driver.authorize_url(str(client.base_url), CLIENT_ID, REDIRECT_URI, SA_SCOPES)
        result = driver.sign_in_and_grant(client, url, user.user_id, user.password)
        assert result.code is not None
        tokens = driver.exchange_code(client, CLIENT_ID, CLIENT_SECRET, result.code, REDIRECT_URI)
        served = _income(client, tokens["access_token"], str(user.sa_utr))
        assert served.status_code == 200
        assert '"payFromEmployment":22500.00' in served.text
