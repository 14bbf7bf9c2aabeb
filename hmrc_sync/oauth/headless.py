"""Sign in and grant authority in headless Chromium (through Playwright), for CI smoke tests
against HMRC's sandbox or the emulator — never production.

HMRC does not allow software to drive its sign-in and grant pages for real taxpayers, so
``production_refusal`` (pure) names the reason to refuse whenever the settings point at HMRC's
production hosts; callers check it before anything is started. ``chromium_visits`` returns the
``visit`` for ``installed_flow.authorize_installed_app``: it opens the authorize page in the
system's Chromium (Debian's ``/usr/bin/chromium`` unless told otherwise; Playwright's own
browser downloads are never used), and follows HMRC's sandbox journey: "Continue" on the start
page, "Sign in to the HMRC online service" (or, on older pages, "Sign in to Government
Gateway") on the page before the test-user form, the form itself (user id and password), then
the grant button (``#givePermission``, "Grant authority"); it returns once the browser is back
on the loopback redirect URI.
"""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path
from typing import TYPE_CHECKING, Final
from urllib.parse import urlsplit

import click
from pydantic import SecretStr

from hmrc_sync.errors import AuthorisationError, ConfigurationError, ExitCode
from hmrc_sync.oauth.installed_app import Visit
from hmrc_sync.settings import Environment, Settings

if TYPE_CHECKING:
    from playwright.sync_api import Page

DEFAULT_CHROMIUM: Final = "/usr/bin/chromium"
PRODUCTION_HOSTS: Final = frozenset({"api.service.hmrc.gov.uk", "www.tax.service.gov.uk"})
# The flags the browser tests use: Chromium as root in a container, no background traffic.
CHROMIUM_ARGS: Final = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
_MAX_PAGES: Final = 8
# The actions that lead on to the test-user form, in HMRC's sandbox's wordings.
ONWARD_ACTIONS: Final = (
    "Continue",
    "Sign in to the HMRC online service",
    "Sign in to Government Gateway",
)
_STEP_TIMEOUT_S: Final = 30.0
_SECRET_QUERY = re.compile(r"([?&](?:code|state|code_challenge)=)[^&\s\"']+")


class ProductionRefused(ConfigurationError):
    """The settings point at HMRC production, where driving the grant pages is not allowed."""

    exit_code = ExitCode.PRODUCTION_REFUSED
    default_message = "refusing to drive HMRC's production sign-in pages"


# --------------------------------------------------------------------------- the guard (pure)
def _host(url: str) -> str:
    parts = urlsplit(url if "://" in url else f"//{url}")
    return (parts.hostname or "").rstrip(".").lower()


def production_refusal(settings: Settings) -> str | None:
    """Why a headless sign-in must not run with these settings, or ``None`` when it may."""
    advice = (
        "HMRC does not allow software to drive its sign-in and grant pages; use the sandbox "
        "(HMRC_SYNC_ENVIRONMENT=sandbox) or the emulator, or sign in yourself with "
        "oauth_dance.py or `hmrc-sync auth login`"
    )
    if settings.environment is Environment.PRODUCTION and not settings.api_base_url:
        return (
            f"refusing to run against HMRC production (HMRC_SYNC_ENVIRONMENT=production): {advice}"
        )
    for what, url in (
        ("API", settings.hmrc_api_base_url),
        ("authorize", settings.hmrc_authorize_url),
    ):
        refusal = production_url_refusal(url, what)
        if refusal:
            return f"{refusal}: {advice}"
    return None


def production_url_refusal(url: str, what: str = "authorize") -> str | None:
    host = _host(url)
    if host in PRODUCTION_HOSTS:
        return f"refusing to run against HMRC production (the {what} address is on {host})"
    return None


# --------------------------------------------------------------------------- Chromium
def find_chromium(path: str) -> str:
    """The executable to launch; a clear error when it is not installed."""
    if Path(path).is_file():
        return path
    found = shutil.which(path)
    if found:
        return found
    raise ConfigurationError(
        f"Chromium was not found at {path}: install Debian's package (apt-get install chromium) "
        "or give --chromium PATH (or HMRC_SYNC_CHROMIUM); no browser is ever downloaded"
    )


def _scrub(text: str, password: SecretStr) -> str:
    secret = password.get_secret_value()
    first_line = text.strip().splitlines()[0] if text.strip() else "unknown error"
    if secret:
        first_line = first_line.replace(secret, "***")
    return _SECRET_QUERY.sub(r"\1…", first_line)


def _same_endpoint(url: str, redirect_uri: str) -> bool:
    here, there = urlsplit(url), urlsplit(redirect_uri)
    return (here.scheme, here.hostname, here.port, here.path) == (
        there.scheme,
        there.hostname,
        there.port,
        there.path or "/",
    )


def chromium_visits(
    *,
    chromium: str,
    user_id: str,
    password: SecretStr,
    redirect_uri: str,
    timeout_s: float,
) -> Visit:
    """The ``visit`` that signs in and grants authority in headless Chromium."""

    def visit(url: str) -> None:
        refusal = production_url_refusal(url)
        if refusal:  # settings were checked already; this guards the URL actually opened
            raise ProductionRefused(refusal)
        try:
            from playwright.sync_api import Error as PlaywrightError
            from playwright.sync_api import sync_playwright
        except ImportError:
            raise ConfigurationError(
                "Playwright is not installed: it is the optional `browser` extra; install it with "
                "`uv sync --extra browser` (or `pip install 'hmrc-sync[browser]'`), then "
                "`playwright install chromium` unless you point --chromium at Debian's"
            ) from None
        click.echo(
            f"Signing in at {_host(url)} as test user {user_id} in headless Chromium...", err=True
        )
        deadline = time.monotonic() + timeout_s
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=chromium, args=list(CHROMIUM_ARGS), headless=True
                )
                try:
                    page = browser.new_page()
                    page.set_default_timeout(min(_STEP_TIMEOUT_S, timeout_s) * 1000)
                    page.goto(url, wait_until="load")
                    _sign_in_and_grant(page, user_id, password, redirect_uri, deadline)
                finally:
                    browser.close()
        except PlaywrightError as exc:
            raise AuthorisationError(
                f"headless Chromium could not finish the sign-in: {_scrub(exc.message, password)}"
            ) from None

    return visit


def _sign_in_and_grant(
    page: Page, user_id: str, password: SecretStr, redirect_uri: str, deadline: float
) -> None:
    user_field = page.get_by_label("User ID", exact=True)
    password_field = page.get_by_label("Password", exact=True)
    sign_in = page.get_by_role("button", name="Sign in", exact=True)
    grant = page.locator("#givePermission").or_(
        page.get_by_role("button", name="Grant authority", exact=True)
    )
    start = page.get_by_role("button", name=ONWARD_ACTIONS[0], exact=True)
    for name in ONWARD_ACTIONS:
        start = start.or_(page.get_by_role("button", name=name, exact=True)).or_(
            page.get_by_role("link", name=name, exact=True)
        )
    signed_in = False
    for _ in range(_MAX_PAGES):
        if _same_endpoint(page.url, redirect_uri):
            return
        if time.monotonic() > deadline:
            break
        if user_field.is_visible():
            if signed_in:
                raise AuthorisationError(
                    f"the sign-in page refused test user {user_id} ({_heading(page)}); "
                    "check the user id and password"
                )
            user_field.fill(user_id)
            password_field.fill(password.get_secret_value())
            action = sign_in
            signed_in = True
        elif grant.first.is_visible():
            action = grant.first
        elif start.first.is_visible():
            action = start.first
        else:
            raise AuthorisationError(
                f"unexpected page at {urlsplit(page.url).path} ({_heading(page)}): no "
                f"{', '.join(repr(a) for a in ONWARD_ACTIONS)}, sign-in form, grant button or "
                "callback"
            )
        with page.expect_navigation(wait_until="load"):
            action.click()
    raise AuthorisationError("the sign-in and grant pages did not lead back to the callback")


def _heading(page: Page) -> str:
    """What the page says went wrong (an error summary or alert), else its heading."""
    for selector in ("#login-error", ".govuk-error-summary", "[role=alert]", "h1"):
        found = page.locator(selector).first
        if found.count():
            text = " ".join((found.text_content(timeout=2000) or "").split())
            if text:
                return text
    return page.title() or "no heading"
