"""Drive the emulator over plain HTTP: test users, test data, and the sign-in and grant pages.

For tests and the ``demo`` command. Every function takes an ``httpx.Client`` whose base URL is
the emulator (a real server, or starlette's ``TestClient`` around the app). Requests refused
with 429 are retried after a short pause, so seeding respects the emulator's rate limit.
The page walk parses the HTML forms like a browser would fill them (no JavaScript, no
browser); it is for the emulator only, as HMRC does not allow automated sign-in.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from typing import Any, Final
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import httpx

from hmrc_sync import jsonio
from hmrc_sync.emulator.data.catalogue import NATIONAL_INSURANCE, TEST_SUPPORT_WORDS
from hmrc_sync.emulator.data.figures import EmployerFigures, annual_bodies
from hmrc_sync.taxyear import TaxYear

TEST_SUPPORT_ACCEPT: Final = "application/vnd.hmrc.1.0+json"
_PAGE_PATHS: Final = (
    "/oauth/authorize",
    "/oauth/start",
    "/oauth/sign-in",
    "/oauth/grantscope",
    "/api-test-login/",
)
# The journey's link-buttons before the test-user form (HMRC's sandbox, both wordings).
JOURNEY_LINKS: Final = (
    "Continue",
    "Sign in to the HMRC online service",
    "Sign in to Government Gateway",
)
_RETRIES_ON_429: Final = 20
_PAUSE_ON_429: Final = 0.35


class DriverError(RuntimeError):
    """The emulator did not answer as the driver expected (status and HMRC code included)."""


@dataclass(frozen=True)
class TestUserCredentials:
    """A created test user; ``password`` is hidden from reprs."""

    __test__ = False  # not a pytest test class

    user_id: str
    password: str = field(repr=False)
    sa_utr: str | None
    nino: str | None
    mtd_it_id: str | None
    details: dict[str, Any] = field(repr=False, compare=False)


@dataclass(frozen=True)
class AuthorizationResult:
    """Where the grant page sent the browser back to, with the query it carried."""

    redirect_url: str = field(repr=False)
    code: str | None = field(repr=False)
    state: str | None
    error: str | None
    error_description: str | None


# --------------------------------------------------------------------------- plumbing
def _send(client: httpx.Client, method: str, url: str, **kwargs: Any) -> httpx.Response:
    for _ in range(_RETRIES_ON_429):
        response = client.request(method, url, **kwargs)
        if response.status_code != 429:
            return response
        time.sleep(_PAUSE_ON_429)
    return response


def _json_call(
    client: httpx.Client,
    method: str,
    url: str,
    token: str,
    body: object,
    expected: int,
) -> Any:
    response = _send(
        client,
        method,
        url,
        content=jsonio.dumps(body).encode(),
        headers={
            "Accept": TEST_SUPPORT_ACCEPT,
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
        },
    )
    if response.status_code != expected:
        raise DriverError(f"{method} {url}: {response.status_code} {response.text[:300]}")
    return jsonio.loads(response.content)


# --------------------------------------------------------------------------- tokens
def application_token(
    client: httpx.Client, client_id: str, client_secret: str, scopes: Sequence[str] = ()
) -> str:
    """An application-restricted access token (``client_credentials``)."""
    data = {"client_id": client_id, "client_secret": client_secret}
    data["grant_type"] = "client_credentials"
    if scopes:
        data["scope"] = " ".join(scopes)
    response = _send(client, "POST", "/oauth/token", data=data)
    if response.status_code != 200:
        raise DriverError(f"client_credentials: {response.status_code} {response.text[:300]}")
    return str(response.json()["access_token"])


def exchange_code(
    client: httpx.Client,
    client_id: str,
    client_secret: str,
    code: str,
    redirect_uri: str,
    code_verifier: str | None = None,
) -> dict[str, Any]:
    """The token endpoint's answer to ``authorization_code`` (raises on an error answer)."""
    data = {
        "client_id": client_id,
        "client_secret": client_secret,
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
    }
    if code_verifier is not None:
        data["code_verifier"] = code_verifier
    response = client.post("/oauth/token", data=data)
    if response.status_code != 200:
        raise DriverError(f"authorization_code: {response.status_code} {response.text[:300]}")
    answer: dict[str, Any] = response.json()
    return answer


def pkce_pair() -> tuple[str, str]:
    """A PKCE ``(code_verifier, code_challenge)`` for S256."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def authorize_url(
    base_url: str,
    client_id: str,
    redirect_uri: str,
    scopes: Sequence[str],
    *,
    state: str | None = None,
    code_challenge: str | None = None,
) -> str:
    query = {
        "response_type": "code",
        "client_id": client_id,
        "scope": " ".join(scopes),
        "redirect_uri": redirect_uri,
    }
    if state is not None:
        query["state"] = state
    if code_challenge is not None:
        query["code_challenge"] = code_challenge
        query["code_challenge_method"] = "S256"
    return f"{base_url.rstrip('/')}/oauth/authorize?{urlencode(query)}"


# --------------------------------------------------------------------------- test users and data
def create_test_user(
    client: httpx.Client,
    app_token: str,
    services: Sequence[str] = ("self-assessment", "national-insurance"),
) -> TestUserCredentials:
    body = _json_call(
        client,
        "POST",
        "/create-test-user/individuals",
        app_token,
        {"serviceNames": list(services)},
        201,
    )
    return TestUserCredentials(
        user_id=body["userId"],
        password=body["password"],
        sa_utr=body.get("saUtr"),
        nino=body.get("nino"),
        mtd_it_id=body.get("mtdItId"),
        details=body,
    )


def _annual_url(api_word: str, utr: str, tax_year: TaxYear) -> str:
    if api_word == NATIONAL_INSURANCE:
        return f"/national-insurance-test-support/sa/{utr}/annual-summary/{tax_year.hmrc}"
    return f"/individual-paye-test-support/sa/{utr}/{api_word}/annual-summary/{tax_year.hmrc}"


def seed_scenario(
    client: httpx.Client,
    app_token: str,
    utr: str,
    tax_year: TaxYear,
    scenario: str = "HAPPY_PATH_1",
    apis: Sequence[str] = (*TEST_SUPPORT_WORDS, NATIONAL_INSURANCE),
) -> None:
    """HMRC's scenario for each API (path words ``tax``, ``income``, ``employments``,
    ``benefits``, and ``national-insurance``)."""
    for word in apis:
        url = _annual_url(word, utr, tax_year)
        _json_call(client, "POST", url, app_token, {"scenario": scenario}, 201)


def seed_figures(
    client: httpx.Client,
    app_token: str,
    utr: str,
    tax_year: TaxYear,
    employers: Sequence[EmployerFigures],
    *,
    national_insurance: Mapping[str, Any] | None = None,
) -> None:
    """Explicit figures: the Tax, Income, Employment and Benefits bodies for these employers
    (and the National Insurance body, if given)."""
    bodies = annual_bodies(employers)
    for word, api in TEST_SUPPORT_WORDS.items():
        _json_call(client, "POST", _annual_url(word, utr, tax_year), app_token, bodies[api], 201)
    if national_insurance is not None:
        url = _annual_url(NATIONAL_INSURANCE, utr, tax_year)
        _json_call(client, "POST", url, app_token, dict(national_insurance), 201)


def seed_employments_income(
    client: httpx.Client,
    app_token: str,
    nino: str,
    tax_year: TaxYear,
    employments: Sequence[Mapping[str, Any]],
) -> list[dict[str, Any]]:
    """HMRC-held MTD employments (emulator extension); returns them with their ids."""
    url = f"/emulator/test-support/individuals/employments-income/{nino}/{tax_year.hmrc}"
    body = {"employments": [dict(e) for e in employments]}
    stored: list[dict[str, Any]] = _json_call(client, "POST", url, app_token, body, 201)[
        "employments"
    ]
    return stored


def set_availability(
    client: httpx.Client,
    app_token: str,
    utr: str,
    tax_year: TaxYear,
    *,
    reconciled_on: date | None = None,
    withdrawn_on: date | None = None,
    withdraw_now: bool = False,
) -> dict[str, Any]:
    """When the year's SA data is readable (emulator extension); returns the rule and status."""
    body: dict[str, Any] = {
        "reconciledOn": reconciled_on.isoformat() if reconciled_on else None,
        "withdrawnOn": withdrawn_on.isoformat() if withdrawn_on else None,
    }
    if withdraw_now:
        body["withdrawNow"] = True
    url = f"/emulator/test-support/sa/{utr}/availability/{tax_year.hmrc}"
    answer: dict[str, Any] = _json_call(client, "PUT", url, app_token, body, 200)
    return answer


# --------------------------------------------------------------------------- the pages
@dataclass
class _Form:
    action: str
    fields: dict[str, str] = field(default_factory=dict)
    buttons: list[tuple[str, str, str]] = field(default_factory=list)


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[_Form] = []
        self.links: list[tuple[str, str]] = []  # (href, text)
        self._button: tuple[str, str] | None = None
        self._text: list[str] = []
        self._link: str | None = None
        self._link_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        if tag == "a" and found.get("href"):
            self._link, self._link_text = found["href"], []
        elif tag == "form":
            self.forms.append(_Form(found.get("action", "")))
        elif tag == "input" and self.forms and found.get("name"):
            if found.get("type") == "submit":
                self.forms[-1].buttons.append((found["name"], found.get("value", ""), ""))
            else:
                self.forms[-1].fields[found["name"]] = found.get("value", "")
        elif tag == "button" and self.forms:
            self._button = (found.get("name", ""), found.get("value", ""))
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._button is not None:
            self._text.append(data)
        if self._link is not None:
            self._link_text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._link is not None:
            self.links.append((self._link, " ".join("".join(self._link_text).split())))
            self._link = None
        if tag == "button" and self._button is not None and self.forms:
            name, value = self._button
            self.forms[-1].buttons.append((name, value, " ".join("".join(self._text).split())))
            self._button = None


def _parse(html: str) -> _FormParser:
    parser = _FormParser()
    parser.feed(html)
    return parser


def _is_page(url: str) -> bool:
    return urlsplit(url).path.startswith(_PAGE_PATHS)


def sign_in_and_grant(
    client: httpx.Client,
    authorize: str,
    user_id: str,
    password: str,
    *,
    grant: bool = True,
) -> AuthorizationResult:
    """Open ``authorize`` (an ``/oauth/authorize`` URL), sign in, press "Grant authority" (or
    "Do not grant authority") and return where the emulator redirects the browser."""
    choice = "Grant authority" if grant else "Do not grant authority"
    response = client.get(authorize, follow_redirects=False)
    for _ in range(10):
        if response.is_redirect:
            location = urljoin(str(response.url), response.headers["location"])
            if not _is_page(location):
                return _result(location)
            response = client.get(location, follow_redirects=False)
            continue
        if response.status_code != 200:
            problem = _page_error(response)
            raise DriverError(f"{response.url.path}: {response.status_code} {problem}")
        parsed = _parse(response.text)
        forms = parsed.forms
        sign_in = next((f for f in forms if "userId" in f.fields), None)
        decision = next((f for f in forms if any(b[2] == choice for b in f.buttons)), None)
        onward = next((href for href, text in parsed.links if text in JOURNEY_LINKS), None)
        if sign_in is None and decision is None and onward is not None:
            response = client.get(urljoin(str(response.url), onward), follow_redirects=False)
            continue
        if sign_in is not None:
            data = {**sign_in.fields, "userId": user_id, "password": password}
            target = urljoin(str(response.url), sign_in.action)
        elif decision is not None:
            name, value, _ = next(b for b in decision.buttons if b[2] == choice)
            data = {**decision.fields, name: value}
            target = urljoin(str(response.url), decision.action)
        else:
            raise DriverError(f"{response.url.path}: no sign-in or grant form on the page")
        response = client.post(target, data=data, follow_redirects=False)
    raise DriverError("the sign-in and grant journey did not finish in 10 steps")


def _page_error(response: httpx.Response) -> str:
    text = response.text
    for marker in ('id="login-error">', 'id="error-description">', 'id="error">'):
        if marker in text:
            return text.split(marker, 1)[1].split("<", 1)[0]
    return ""


def _result(location: str) -> AuthorizationResult:
    query = parse_qs(urlsplit(location).query)

    def first(name: str) -> str | None:
        values = query.get(name)
        return values[0] if values else None

    return AuthorizationResult(
        redirect_url=location,
        code=first("code"),
        state=first("state"),
        error=first("error"),
        error_description=first("error_description"),
    )
