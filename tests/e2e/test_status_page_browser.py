"""The owner's status page in a real headless Chromium: sign in, "Sync now" (the
WEB_APP_VIA_SERVER fraud headers, collected by the page and the server), and "Re-authorise"
through the emulator's sign-in and grant pages."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from hmrc_sync.app import create_app
from hmrc_sync.bootstrap import Container, bootstrap
from hmrc_sync.db.engine import upgrade
from hmrc_sync.emulator.inprocess import free_port, serve_in_thread
from hmrc_sync.taxyear import TaxYear
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, require_chromium
from tests.support.emulated import EmulatedHmrc, employer, emulated_hmrc

ADMIN = "owner-admin-token-0123456789-0123456789"
CLIENT_IP = "198.51.100.23"  # a documentation range HMRC's validator treats as public
VENDOR_IP = "203.0.113.10"


@dataclass
class Running:
    url: str
    hmrc: EmulatedHmrc
    container: Container


@pytest.fixture
def running(tmp_path: Path, sqlite_url: str) -> Iterator[Running]:
    require_chromium()
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

        # "Sync now" runs in the background and reports in place, without reloading the page.
        page.evaluate("window.__still_here = true")
        page.get_by_role("button", name="Sync now").click()
        expect(page.locator("#sync-progress-state")).to_have_text("Sync finished.", timeout=60_000)
        expect(page.locator("#sync-progress-years li")).to_have_count(6)
        expect(page.locator("#sync-progress-years")).to_contain_text("2024-25: synced")
        expect(page.locator("#sync-progress-result")).to_contain_text("sync ok")
        assert page.evaluate("window.__still_here") is True  # no full-page reload
        expect(page.get_by_role("button", name="Sync now")).to_be_enabled()
        page.reload()
        expect(page.locator("#last-outcome")).to_have_text("ok")
        snapshots = page.get_by_role(
            "table", name="HMRC's latest figures per tax year and employer"
        )
        expect(snapshots.get_by_role("cell", name="Acme Analytics Ltd")).to_be_visible()
        expect(snapshots.get_by_role("cell", name="£52,000.00")).to_be_visible()
        # No payslips were imported: HMRC's employer is one-sided, which needs review.
        reconciliation = page.get_by_role(
            "table",
            name="Each tax year's figures: your payslips against HMRC, the P60 and HMRC's rules",
        )
        expect(reconciliation.get_by_role("cell", name="review").first).to_be_visible()

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


@pytest.mark.parametrize("width", [390, 1280])
def test_the_page_fits_a_phone_and_a_desktop_and_draws_its_charts(
    running: Running, width: int
) -> None:
    """No horizontal page scroll (tables scroll inside their own box); the two charts render
    with a text alternative; the year-end position and the self-explaining reconciliation
    are there."""
    from playwright.sync_api import expect, sync_playwright

    from hmrc_sync.reconcile.store import reconcile_and_store
    from hmrc_sync.sync.jobs import run_sync_job

    run_sync_job(running.container, [TaxYear(2024)])
    reconcile_and_store(running.container, [TaxYear(2024)])
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(running.url + "/")
        page.get_by_label("Admin token").fill(ADMIN)
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("heading", name="hmrc-sync")).to_be_visible()
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= width, f"the page scrolls sideways at {width}px"
        charts = page.get_by_role("img", name="Taxable pay per tax year: HMRC, P60 and payslips")
        expect(charts).to_be_visible()
        description = page.locator("#pay-chart-desc").text_content()
        assert description == "2024-25: HMRC £52,000, P60 no figure, Payslips no figure."
        expect(page.locator("article.position h3")).to_contain_text("2024-25")
        caption = "Each tax year's figures: your payslips against HMRC, the P60 and HMRC's rules"
        year_checks = page.get_by_role("table", name=caption)
        expect(year_checks.get_by_role("columnheader", name="Compared against")).to_be_visible()
        browser.close()


def test_the_pages_have_no_serious_accessibility_violations(running: Running) -> None:
    """axe-core (bundled with the axe-playwright-python package: nothing is downloaded at test
    time) finds no serious or critical violation (WCAG 2.2 AA, contrast included) on the
    sign-in page and on the status page with data."""
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    from hmrc_sync.reconcile.store import reconcile_and_store
    from hmrc_sync.sync.jobs import run_sync_job

    run_sync_job(running.container, [TaxYear(2024)])
    reconcile_and_store(running.container, [TaxYear(2024)])
    axe = Axe()
    options = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]}}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(running.url + "/")
        pages = {"sign-in": axe.run(page, options=options)}
        page.get_by_label("Admin token").fill(ADMIN)
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state("load")
        pages["status"] = axe.run(page, options=options)
        browser.close()
    for name, result in pages.items():
        assert result.response["passes"], f"{name}: axe checked nothing"
        serious = [
            f"{v['id']}: {v['help']} ({len(v['nodes'])} elements)"
            for v in result.response["violations"]
            if v.get("impact") in ("serious", "critical")
        ]
        assert serious == [], f"{name}: {serious}"
