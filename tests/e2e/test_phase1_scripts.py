"""The Phase 1 scripts at the repository root, end to end against the emulator: oauth_dance.py
(with this test acting as the browser), `hmrc-sync auth login` (which shares its flow),
headless_auth.py in a real headless Chromium, and headless_auth.py's refusal of production."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from hmrc_sync.bootstrap import bootstrap
from hmrc_sync.emulator.driver import sign_in_and_grant
from hmrc_sync.emulator.inprocess import free_port
from hmrc_sync.errors import ExitCode
from hmrc_sync.taxyear import TaxYear
from hmrc_sync.tokenstore import Grant
from tests.support.browser import require_chromium
from tests.support.emulated import EmulatedHmrc, employer, emulated_hmrc

REPO = Path(__file__).resolve().parents[2]
OAUTH_DANCE = REPO / "oauth_dance.py"
HEADLESS_AUTH = REPO / "headless_auth.py"
ACME = employer("123/AB45678", "Acme Analytics Ltd", "52000.00", "8232.00")
BOLT = employer("456/CD98765", "Bolt Robotics plc", "3150.50", "0.00")
SUBPROCESS_TIMEOUT = 60


@pytest.fixture
def chromium() -> str:
    return require_chromium()


def _callback(port: int) -> str:
    return f"http://localhost:{port}/oauth/callback"


def _env(hmrc: EmulatedHmrc, database_url: str, redirect_uri: str, **extra: str) -> dict[str, str]:
    return hmrc.env(
        database_url, HMRC_SYNC_REDIRECT_URI=redirect_uri, PYTHONUNBUFFERED="1", **extra
    )


def _stored_grant(hmrc: EmulatedHmrc, database_url: str) -> Grant:
    container = bootstrap(hmrc.settings(database_url))
    try:
        stored = container.token_store.read()
    finally:
        container.close()
    assert stored is not None
    assert stored.value.grant is not None
    return stored.value.grant


def _assert_no_secrets(outputs: Iterable[str], secrets: Iterable[str]) -> None:
    text = "\n".join(outputs)
    for secret in secrets:
        assert secret
        assert secret not in text


def _granted_as_browser(
    hmrc: EmulatedHmrc, command: list[str], env: dict[str, str], cwd: Path, redirect_uri: str
) -> tuple[int, str, str, str]:
    """Start ``command`` (which prints HMRC's authorize address and waits on the loopback
    callback), sign in and grant as the browser would, and follow the redirect back to the
    command's callback. Returns (exit code, stdout, stderr, the authorization code)."""
    process = subprocess.Popen(
        command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        printed: list[str] = []
        while True:
            line = process.stdout.readline()
            if not line:
                _, err = process.communicate(timeout=SUBPROCESS_TIMEOUT)
                pytest.fail(f"no authorize address printed; stderr: {err}", pytrace=False)
            printed.append(line)
            if line.startswith(f"{hmrc.url}/oauth/authorize?"):
                break
        with httpx.Client(base_url=hmrc.url, timeout=10) as browser:
            result = sign_in_and_grant(browser, line.strip(), hmrc.user_id, hmrc.password)
            assert result.code is not None
            assert result.redirect_url.startswith(f"{redirect_uri}?")
            page = browser.get(result.redirect_url)
            assert page.status_code == 200
            assert "Access granted" in page.text
        out, err = process.communicate(timeout=SUBPROCESS_TIMEOUT)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    return process.returncode, "".join(printed) + out, err, result.code


def test_oauth_dance_signs_in_stores_the_grant_and_prints_the_figures(
    tmp_path: Path, sqlite_url: str
) -> None:
    redirect_uri = _callback(free_port())
    with emulated_hmrc(tmp_path, redirect_uris=(redirect_uri,)) as hmrc:
        hmrc.seed(TaxYear(2024), [ACME, BOLT])
        command = [sys.executable, str(OAUTH_DANCE), "--no-browser", "--tax-year", "2024-25"]
        env = _env(hmrc, sqlite_url, redirect_uri)
        code, out, err, auth_code = _granted_as_browser(hmrc, command, env, tmp_path, redirect_uri)

        assert code == 0, err
        grant = _stored_grant(hmrc, sqlite_url)
        assert "read:individual-tax" in grant.scopes
        assert "read:individual-income" in grant.scopes
        assert f"stored in file {tmp_path / 'token.json'}" in out
        assert f"tax year 2024-25 (SA UTR {hmrc.utr})" in out
        lines = [" ".join(line.split()) for line in out.splitlines()]
        tax = lines.index("Tax taken off pay (Individual Tax API):")
        pay = lines.index("Pay from employment (Individual Income API):")
        assert lines[tax + 1 : tax + 3] == [
            "employer 123/AB45678 £8,232.00",
            "employer 456/CD98765 £0.00",
        ]
        assert lines[pay + 1 : pay + 3] == [
            "employer 123/AB45678 £52,000.00",
            "employer 456/CD98765 £3,150.50",
        ]
        _assert_no_secrets(
            [out, err],
            [
                grant.access_token.get_secret_value(),
                grant.refresh_token.get_secret_value(),
                hmrc.client_secret,
                hmrc.password,
                auth_code,
            ],
        )


def test_auth_login_shares_the_flow_and_stores_the_grant(tmp_path: Path, sqlite_url: str) -> None:
    redirect_uri = _callback(free_port())
    with emulated_hmrc(tmp_path, redirect_uris=(redirect_uri,)) as hmrc:
        command = [*hmrc.cli(), "auth", "login", "--no-browser", "--timeout", "30"]
        env = _env(hmrc, sqlite_url, redirect_uri)
        code, out, err, auth_code = _granted_as_browser(hmrc, command, env, tmp_path, redirect_uri)

        assert code == 0, err
        assert out.startswith("Open this address to sign in at HMRC and grant access:\n")
        assert "Access granted until " in out
        assert "Waiting up to 30 s for HMRC to send you back..." in err
        grant = _stored_grant(hmrc, sqlite_url)
        _assert_no_secrets(
            [out, err],
            [grant.access_token.get_secret_value(), hmrc.client_secret, auth_code],
        )


@pytest.mark.parametrize(
    "button", ["Sign in to the HMRC online service", "Sign in to Government Gateway"]
)
def test_headless_auth_grants_in_chromium_and_prints_the_figures(
    tmp_path: Path, sqlite_url: str, chromium: str, button: str
) -> None:
    """HMRC's whole journey (start page, sign-in page in either wording, the test-user form
    with its CSRF token, the grant page's #givePermission) in a real headless Chromium."""
    redirect_uri = _callback(free_port())
    with emulated_hmrc(tmp_path, redirect_uris=(redirect_uri,), sign_in_button_text=button) as hmrc:
        previous = TaxYear.parse("previous")
        hmrc.seed(previous, [ACME])
        command = [sys.executable, str(HEADLESS_AUTH), "--json", "--timeout", "60"]

        def run(password: str) -> subprocess.CompletedProcess[str]:
            env = _env(
                hmrc,
                sqlite_url,
                redirect_uri,
                HMRC_SYNC_CHROMIUM=chromium,
                HMRC_SYNC_TEST_USER_ID=hmrc.user_id,
                HMRC_SYNC_TEST_USER_PASSWORD=password,
            )
            return subprocess.run(
                command,
                env=env,
                cwd=tmp_path,
                capture_output=True,
                text=True,
                timeout=SUBPROCESS_TIMEOUT,
                check=False,
            )

        wrong = "not-the-password-" + hmrc.password
        refused = run(wrong)
        assert refused.returncode == 1, refused.stderr
        assert f"the sign-in page refused test user {hmrc.user_id}" in refused.stderr
        assert not (tmp_path / "token.json").exists()
        _assert_no_secrets([refused.stdout, refused.stderr], [wrong, hmrc.client_secret])

        done = run(hmrc.password)
        assert done.returncode == 0, done.stderr
        grant = _stored_grant(hmrc, sqlite_url)
        assert "Access granted until " in done.stderr
        answer = json.loads(done.stdout, parse_float=Decimal)
        assert answer["tax_year"] == previous.hmrc
        assert answer["utr"] == hmrc.utr
        assert answer["individual_tax"]["employments"] == [
            {"employerPayeReference": "123/AB45678", "taxTakenOffPay": Decimal("8232.00")}
        ]
        assert answer["individual_income"]["employments"] == [
            {"employerPayeReference": "123/AB45678", "payFromEmployment": Decimal("52000.00")}
        ]
        _assert_no_secrets(
            [done.stdout, done.stderr],
            [
                grant.access_token.get_secret_value(),
                grant.refresh_token.get_secret_value(),
                hmrc.client_secret,
                hmrc.password,
            ],
        )


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"HMRC_SYNC_ENVIRONMENT": "production"}, "HMRC_SYNC_ENVIRONMENT=production"),
        (
            {
                "HMRC_SYNC_API_BASE_URL": "http://127.0.0.1:9",
                "HMRC_SYNC_AUTHORIZE_URL": "https://www.tax.service.gov.uk/oauth/authorize",
            },
            "www.tax.service.gov.uk",
        ),
    ],
)
def test_headless_auth_refuses_production_before_any_browser(
    tmp_path: Path, settings: dict[str, str], named: str
) -> None:
    marker = tmp_path / "chromium-was-started"
    fake_chromium = tmp_path / "chromium"
    fake_chromium.write_text(f"#!/bin/sh\ntouch '{marker}'\nexit 1\n")
    fake_chromium.chmod(0o755)
    secret, password = "client-secret-value-0123", "test-user-password-4567"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HMRC_SYNC_", "VAULT_"))}
    env.update(
        HMRC_SYNC_CLIENT_ID="production-client",
        HMRC_SYNC_CLIENT_SECRET=secret,
        HMRC_SYNC_UTR="1234567890",
        HMRC_SYNC_TOKEN_FILE=str(tmp_path / "token.json"),
        HMRC_SYNC_REDIRECT_URI=_callback(free_port()),
        HMRC_SYNC_CHROMIUM=str(fake_chromium),
        HMRC_SYNC_TEST_USER_ID="someone",
        HMRC_SYNC_TEST_USER_PASSWORD=password,
        **settings,
    )
    done = subprocess.run(
        [sys.executable, str(HEADLESS_AUTH)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_TIMEOUT,
        check=False,
    )
    assert done.returncode == ExitCode.PRODUCTION_REFUSED == 7  # distinct from 0-6 (errors, sync)
    assert done.stdout == ""
    message = done.stderr.strip()
    assert message.startswith("Error: refusing to run against HMRC production")
    assert named in message
    assert "\n" not in message
    assert not marker.exists()
    assert not (tmp_path / "token.json").exists()
    _assert_no_secrets([done.stdout, done.stderr], [secret, password])
