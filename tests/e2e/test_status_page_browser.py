"""The owner's status page in a real headless Chromium: sign in, "Sync now" (the
WEB_APP_VIA_SERVER fraud headers, collected by the page and the server), and "Re-authorise"
through the emulator's sign-in and grant pages."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from hmrc_sync.app import create_app
from hmrc_sync.bootstrap import Container, bootstrap
from hmrc_sync.db.engine import upgrade
from hmrc_sync.emulator.inprocess import free_port, serve_in_thread
from hmrc_sync.taxyear import TaxYear
from tests.support.emulated import EmulatedHmrc, employer, emulated_hmrc
from tests.support.shared import in_ci

ADMIN = "owner-admin-token-0123456789-0123456789"
CHROMIUM = os.environ.get("HMRC_SYNC_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CLIENT_IP = "198.51.100.23"  # a documentation range HMRC's validator treats as public
VENDOR_IP = "203.0.113.10"


@dataclass
class Running:
    url: str
    hmrc: EmulatedHmrc
    container: Container


@pytest.fixture
def running(tmp_path: Path, sqlite_url: str) -> Iterator[Running]:
    if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
        message = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    port = free_port()
    app_url = f"http://127.0.0.1:{port}"
    with emulated_hmrc(tmp_path, redirect_uris=(f"{app_url}/callback",)) as hmrc:
        hmrc.seed(
            TaxYear(2024), [employer("123/AB45678", "Acme Analytics Ltd", "52000.00", "8232.00")]
        )
        settings = hmrc.settings(
            sqlite_url,
            admin_token=ADMIN,
            redirect_uri=f"{app_url}/callback",
            trusted_proxies=("127.0.0.1",),
            vendor_public_ip=VENDOR_IP,
        )
        container = bootstrap(settings)
        upgrade(container.engine)
        hmrc.grant(container.token_store)
        with serve_in_thread(create_app(container), port=port) as url:
            yield Running(url, hmrc, container)
        container.close()


def test_status_page_sync_now_and_reauthorise(running: Running) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        # The TLS-terminating edge in front of the service adds these (a trusted proxy).
        context = browser.new_context(
            extra_http_headers={"X-Forwarded-For": CLIENT_IP, "X-Forwarded-Port": "51234"},
            viewport={"width": 1280, "height": 900},
        )
        page = context.new_page()
        response = page.goto(running.url + "/")
        assert response is not None
        assert response.status == 401
        page.get_by_label("Admin token").fill(ADMIN)
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("heading", name="hmrc-sync")).to_be_visible()
        expect(page.locator("#grant-state")).to_have_text("granted")
        expect(page.locator("#last-outcome")).to_have_text("No sync has run yet.")
        assert ADMIN not in page.content()

        page.get_by_role("button", name="Sync now").click()
        expect(page.get_by_role("heading", name="Sync finished")).to_be_visible()
        page.get_by_role("link", name="Back to the status page").click()
        expect(page.locator("#last-outcome")).to_have_text("ok")
        snapshots = page.get_by_role(
            "table", name="HMRC's latest figures per tax year and employer"
        )
        expect(snapshots.get_by_role("cell", name="Acme Analytics Ltd")).to_be_visible()
        expect(snapshots.get_by_role("cell", name="£52,000.00")).to_be_visible()
        # No payslips were imported: the reconciliation explains HMRC's employer as one-sided.
        reconciliation = page.get_by_role(
            "table", name="HMRC's figures against your payslips, per tax year and employer"
        )
        expect(reconciliation.get_by_role("cell", name="explained").first).to_be_visible()

        # Every API request of the browser-started sync carried valid WEB_APP_VIA_SERVER headers.
        for api in ("individual-tax", "individual-income", "individual-employment"):
            verdicts = running.hmrc.fraud_verdicts(api, "WEB_APP_VIA_SERVER")
            assert verdicts, f"no WEB_APP_VIA_SERVER request to {api}"
            for verdict in verdicts:
                assert verdict.code != "INVALID_HEADERS", verdict.as_hmrc_json()
        recorded = running.hmrc.emulator.recorded_requests(
            running.hmrc.client_id, "individual-tax", "WEB_APP_VIA_SERVER"
        )
        headers = dict(recorded[-1].headers)
        assert headers["gov-client-public-ip"] == CLIENT_IP
        assert headers["gov-client-public-port"] == "51234"
        assert headers["gov-vendor-public-ip"] == VENDOR_IP
        assert headers["gov-client-device-id"] == running.container.device_id
        assert "HeadlessChrome" in headers["gov-client-browser-js-user-agent"]
        assert headers["gov-client-window-size"] == "width=1280&height=900"

        before = running.container.token_store.read()
        assert before is not None
        assert before.value.grant is not None
        page.get_by_role("link", name="Re-authorise with HMRC").click()
        page.get_by_role("button", name="Continue", exact=True).click()
        page.get_by_role("button", name="Sign in to the HMRC online service").click()
        page.get_by_label("User ID").fill(running.hmrc.user_id)
        page.get_by_label("Password").fill(running.hmrc.password)
        page.get_by_role("button", name="Sign in").click()
        page.locator("#givePermission").click()
        expect(page.get_by_role("heading", name="Access granted")).to_be_visible()
        after = running.container.token_store.read()
        assert after is not None
        assert after.value.grant is not None
        assert (
            after.value.grant.refresh_token.get_secret_value()
            != before.value.grant.refresh_token.get_secret_value()
        )
        assert after.value.device_id == before.value.device_id
        browser.close()
