"""Web sign-in with the default settings (redirect URI ``http://localhost:PORT/oauth/callback``)
in a real headless Chromium, starting from ``127.0.0.1`` and from ``localhost``: the owner
signs in, grants access on the emulator's pages, and the grant is stored."""

from __future__ import annotations

from pathlib import Path

import pytest

from hmrc_sync.app import create_app
from hmrc_sync.bootstrap import bootstrap
from hmrc_sync.db.engine import upgrade
from hmrc_sync.emulator.inprocess import free_port, serve_in_thread
from hmrc_sync.settings import Settings
from tests.e2e.test_status_page_browser import ADMIN
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, require_chromium
from tests.support.emulated import emulated_hmrc


@pytest.mark.parametrize("start_host", ["127.0.0.1", "localhost"])
def test_sign_in_with_default_settings(tmp_path: Path, sqlite_url: str, start_host: str) -> None:
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    port = free_port()
    # The default redirect URI, on the port this test could get.
    default = Settings.model_fields["redirect_uri"].default
    redirect_uri = default.replace("localhost:8080", f"localhost:{port}")
    assert redirect_uri.endswith("/oauth/callback")
    with emulated_hmrc(tmp_path, redirect_uris=(redirect_uri,)) as hmrc:
        settings = hmrc.settings(sqlite_url, admin_token=ADMIN, redirect_uri=redirect_uri)
        container = bootstrap(settings)
        upgrade(container.engine)
        try:
            with (
                serve_in_thread(create_app(container), port=port),
                sync_playwright() as playwright,
            ):
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page()
                page.goto(f"http://{start_host}:{port}/authorize")
                assert page.url.startswith(f"http://localhost:{port}/")
                page.get_by_label("Admin token").fill(ADMIN)
                page.get_by_role("button", name="Continue").click()
                # HMRC's journey: a start page, the sign-in choice, the form, the grant page.
                page.get_by_role("button", name="Continue", exact=True).click()
                page.get_by_role("button", name="Sign in to the HMRC online service").click()
                page.get_by_label("User ID").fill(hmrc.user_id)
                page.get_by_label("Password").fill(hmrc.password)
                page.get_by_role("button", name="Sign in").click()
                page.locator("#givePermission").click()
                expect(page.get_by_role("heading", name="Access granted")).to_be_visible()
                assert page.url.startswith(f"http://localhost:{port}/oauth/callback")
                browser.close()
            record = container.token_store.read()
            assert record is not None
            assert record.value.grant is not None
        finally:
            container.close()
