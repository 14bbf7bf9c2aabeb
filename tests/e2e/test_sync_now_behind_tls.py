""" "Sync now" in a real headless Chromium that reaches the service through a TLS-terminating
reverse proxy (``tests.support.tls_proxy``), as in production behind the ingress: the browser
speaks HTTPS to the proxy, the proxy speaks plain HTTP to ``serve`` and says
``X-Forwarded-Proto: https``. With ``HMRC_SYNC_TRUSTED_PROXIES`` naming the proxy, the
same-origin check passes (no 403), the sync runs, and every cookie is ``Secure``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hmrc_sync.app import create_app
from hmrc_sync.bootstrap import bootstrap
from hmrc_sync.db.engine import upgrade
from hmrc_sync.emulator.inprocess import serve_in_thread
from hmrc_sync.sync.model import Trigger
from hmrc_sync.taxyear import TaxYear
from tests.e2e.test_status_page_browser import ADMIN, CLIENT_IP
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, require_chromium
from tests.support.emulated import employer, emulated_hmrc
from tests.support.tls_proxy import tls_terminating_proxy


def _chromium_or_skip() -> None:
    require_chromium()
    if shutil.which("openssl") is None:
        pytest.fail("the openssl command is needed for the proxy's certificate", pytrace=False)


def test_sync_now_runs_behind_a_tls_terminating_proxy(
    tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _chromium_or_skip()
    from playwright.sync_api import expect, sync_playwright

    from hmrc_sync.db.reads import last_finished_run

    monkeypatch.setenv("HMRC_SYNC_TRUSTED_PROXIES", "127.0.0.1/32")
    with emulated_hmrc(tmp_path) as hmrc:
        hmrc.seed(
            TaxYear(2024), [employer("123/AB45678", "Acme Analytics Ltd", "52000.00", "8232.00")]
        )
        container = bootstrap(hmrc.settings(sqlite_url, admin_token=ADMIN))
        assert container.settings.trusted_proxies == ("127.0.0.1/32",)
        assert not container.settings.force_secure_cookies  # Secure must come from the proxy
        upgrade(container.engine)
        hmrc.grant(container.token_store)
        try:
            with (
                serve_in_thread(create_app(container)) as plain_url,
                tls_terminating_proxy(plain_url, tmp_path) as url,
                sync_playwright() as playwright,
            ):
                assert url.startswith("https://localhost:")
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                context = browser.new_context(
                    ignore_https_errors=True,  # the proxy's certificate is self-signed
                    extra_http_headers={"X-Forwarded-For": CLIENT_IP},
                    viewport={"width": 1280, "height": 900},
                )
                page = context.new_page()
                answers: list[tuple[str, int]] = []
                page.on(
                    "response", lambda r: answers.append((r.request.method + " " + r.url, r.status))
                )
                first = page.goto(url + "/")
                assert first is not None
                assert first.status == 401
                page.get_by_label("Admin token").fill(ADMIN)
                page.get_by_role("button", name="Continue").click()
                expect(page.get_by_role("heading", name="hmrc-sync")).to_be_visible()
                assert page.url == url + "/"  # the sign-in's redirect stayed on HTTPS

                page.get_by_role("button", name="Sync now").click()
                expect(page.locator("#sync-progress-state")).to_have_text(
                    "Sync finished.", timeout=60_000
                )
                expect(page.locator("#sync-progress-years")).to_contain_text("2024-25: synced")
                expect(page.locator("#sync-progress-result")).to_contain_text("sync ok")

                started = [s for call, s in answers if call == f"POST {url}/sync/browser"]
                assert started == [202], answers  # not 403: the same-origin check passed
                cookies = context.cookies()
                assert {c["name"] for c in cookies} >= {"hmrc_sync_owner", "hmrc_sync_device"}
                for cookie in cookies:
                    assert cookie["secure"], cookie["name"]
                    assert cookie["httpOnly"], cookie["name"]
                browser.close()
        finally:
            with container.sessions() as session:
                run = last_finished_run(session)
            container.close()
    assert run is not None
    assert run.trigger == Trigger.BROWSER.value
    assert run.outcome == "ok"
