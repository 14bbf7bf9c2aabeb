"""OAuth as HMRC runs it: the pages, the token endpoint and the lifetimes of codes, tokens
and grants."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from hmrc_sync.emulator import driver
from hmrc_sync.emulator.config import FaultConfig
from hmrc_sync.emulator.data.figures import EmployerFigures
from hmrc_sync.emulator.engine.state import Emulator
from hmrc_sync.taxyear import TaxYear
from tests.integration.emulator.conftest import MakeClient
from tests.integration.emulator.helpers import (
    CLIENT_ID,
    CLIENT_SECRET,
    REDIRECT_URI,
    SA_SCOPES,
    annual_path,
    api_headers,
    granted_user,
    parse_json,
)

YEAR = TaxYear.parse("2024-25")
BASE = "http://testserver"


def _token(client: httpx.Client, **fields: str) -> httpx.Response:
    data = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, **fields}
    return client.post("/oauth/token", data=data)


def _refresh(client: TestClient, refresh_token: str) -> httpx.Response:
    return _token(client, grant_type="refresh_token", refresh_token=refresh_token)


def _income(client: httpx.Client, token: str, utr: str) -> httpx.Response:
    return client.get(
        annual_path("individual-income", utr, YEAR.hmrc), headers=api_headers(token, "1.2")
    )


def _code_for(
    client: TestClient, emulator: Emulator, *, challenge: str | None = None
) -> tuple[str, str]:
    user, password = emulator.create_user(["self-assessment"])
    url = driver.authorize_url(BASE, CLIENT_ID, REDIRECT_URI, SA_SCOPES, code_challenge=challenge)
    result = driver.sign_in_and_grant(client, url, user.user_id, password)
    assert result.code is not None
    return result.code, str(user.sa_utr)


def _error(response: httpx.Response) -> tuple[int, str, str]:
    body = response.json()
    assert set(body) == {"error", "error_description"}
    return response.status_code, body["error"], body["error_description"]


# --------------------------------------------------------------------------- the whole journey
def test_full_grant_over_plain_http(client: TestClient) -> None:
    app_token = driver.application_token(client, CLIENT_ID, CLIENT_SECRET)
    user = driver.create_test_user(client, app_token, ["self-assessment", "national-insurance"])
    assert user.sa_utr is not None
    employers = [
        EmployerFigures("123/AB456", "Acme Widgets Ltd", Decimal("28123.45"), Decimal("3210.09")),
        EmployerFigures("456/CD789", "Bolt & Co", Decimal("4000.10"), Decimal("0.00"), True),
    ]
    driver.seed_figures(client, app_token, user.sa_utr, YEAR, employers)
    verifier, challenge = driver.pkce_pair()
    url = driver.authorize_url(
        BASE, CLIENT_ID, REDIRECT_URI, SA_SCOPES, state="st-123", code_challenge=challenge
    )
    result = driver.sign_in_and_grant(client, url, user.user_id, user.password)
    assert result.state == "st-123"
    assert result.error is None
    assert result.redirect_url.startswith(REDIRECT_URI + "?code=")
    assert result.code is not None
    tokens = driver.exchange_code(
        client, CLIENT_ID, CLIENT_SECRET, result.code, REDIRECT_URI, verifier
    )
    assert tokens["token_type"] == "bearer"
    assert tokens["expires_in"] == 14400
    assert tokens["scope"] == " ".join(SA_SCOPES)
    assert tokens["refresh_token"] != tokens["access_token"]
    response = _income(client, tokens["access_token"], user.sa_utr)
    assert response.status_code == 200
    assert response.text == (
        '{"pensionsAnnuitiesAndOtherStateBenefits":{},"employments":['
        '{"employerPayeReference":"123/AB456","payFromEmployment":28123.45},'
        '{"employerPayeReference":"456/CD789","payFromEmployment":4000.10}]}'
    )
    employment = client.get(
        annual_path("individual-employment", user.sa_utr, YEAR.hmrc),
        headers=api_headers(tokens["access_token"], "1.2"),
    ).json()
    assert employment["employments"][1] == {
        "employerPayeReference": "456/CD789",
        "employerName": "Bolt & Co",
        "offPayrollWorkFlag": True,
    }


def _journey_to_sign_in(client: TestClient, url: str, button: str) -> Any:
    """Follow HMRC's start page ("Continue") and sign-in page (``button``) to the form."""
    start = client.get(url)  # TestClient follows the redirect to the start page
    assert start.status_code == 200
    assert "Authority to interact with HMRC on your behalf" in start.text
    onward = start.text.split('id="continue">', 1)[0].rsplit('href="', 1)[1].split('"', 1)[0]
    assert start.text.count("<a href=") == 1
    assert ">Continue</a>" in start.text
    choice = client.get(onward.replace("&amp;", "&"))
    assert choice.status_code == 200
    assert f">{button}</a>" in choice.text
    assert choice.text.count("<a href=") == 1, "the sign-in page has one action"
    sign_in_url = choice.text.split('href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    return client.get(sign_in_url)


def _field(page: str, name: str) -> str:
    return page.split(f'name="{name}"', 1)[1].split('value="', 1)[1].split('"', 1)[0]


def test_the_pages_are_hmrcs_journey(client: TestClient, emulator: Emulator) -> None:
    user, password = emulator.create_user(["self-assessment"])
    url = driver.authorize_url(BASE, CLIENT_ID, REDIRECT_URI, ["read:individual-income"])
    sign_in = _journey_to_sign_in(client, url, "Sign in to the HMRC online service")
    assert sign_in.status_code == 200
    assert '<label for="userId">User ID</label>' in sign_in.text
    assert '<label for="password">Password</label>' in sign_in.text
    assert '<button id="submit" type="submit">Sign in</button>' in sign_in.text
    continue_url = _field(sign_in.text, "continue")
    csrf = _field(sign_in.text, "csrfToken")
    assert csrf
    form = {"userId": user.user_id, "password": password, "continue": continue_url}
    no_csrf = client.post("/api-test-login/sign-in", data=form)
    assert no_csrf.status_code == 403
    for empty in ("userId", "password"):
        blank = client.post("/api-test-login/sign-in", data={**form, empty: "", "csrfToken": csrf})
        assert blank.status_code == 400
        assert "Invalid Parameters" in blank.text
    elsewhere = client.post(
        "/api-test-login/sign-in",
        data={**form, "continue": "https://evil.example/", "csrfToken": csrf},
    )
    assert elsewhere.status_code == 400
    wrong = client.post(
        "/api-test-login/sign-in",
        data={**form, "password": password + "x", "csrfToken": csrf},
    )
    assert wrong.status_code == 401
    assert 'class="govuk-error-summary"' in wrong.text
    assert "Invalid user ID or password. Try again." in wrong.text
    granted = client.post("/api-test-login/sign-in", data={**form, "csrfToken": csrf})
    assert granted.status_code == 200
    assert "access income information" in granted.text
    assert 'id="givePermission"' in granted.text
    assert ">Grant authority</button>" in granted.text
    assert ">Do not grant authority</button>" in granted.text


def test_the_alternative_sign_in_wording(make_client: MakeClient) -> None:
    client, emulator = make_client(sign_in_button_text="Sign in to Government Gateway")
    user, password = emulator.create_user(["self-assessment"])
    url = driver.authorize_url(BASE, CLIENT_ID, REDIRECT_URI, SA_SCOPES, state="s1")
    sign_in = _journey_to_sign_in(client, url, "Sign in to Government Gateway")
    assert sign_in.status_code == 200
    result = driver.sign_in_and_grant(client, url, user.user_id, password)
    assert result.code
    assert result.state == "s1"


def test_grant_page_without_a_session_goes_back_to_sign_in(make_client: MakeClient) -> None:
    client, _ = make_client()
    first = client.get(
        driver.authorize_url(BASE, CLIENT_ID, REDIRECT_URI, SA_SCOPES), follow_redirects=False
    )
    auth_id = first.headers["location"].split("auth_id=", 1)[1]
    response = client.get(f"/oauth/grantscope?auth_id={auth_id}", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/api-test-login/sign-in?continue=")


def test_denied_grant(client: TestClient, emulator: Emulator) -> None:
    user, password = emulator.create_user(["self-assessment"])
    url = driver.authorize_url(BASE, CLIENT_ID, REDIRECT_URI, SA_SCOPES, state="keep-me")
    result = driver.sign_in_and_grant(client, url, user.user_id, password, grant=False)
    assert result.code is None
    assert result.error == "access_denied"
    assert result.error_description == "user denied the authorization"
    assert result.state == "keep-me"
    assert "error_code=USER_DENIED_AUTHORIZATION" in result.redirect_url
    assert emulator.tokens.grants == {}


# --------------------------------------------------------------------------- codes
def test_code_is_single_use(client: TestClient, emulator: Emulator) -> None:
    code, _ = _code_for(client, emulator)
    first = _token(client, grant_type="authorization_code", code=code, redirect_uri=REDIRECT_URI)
    assert first.status_code == 200
    again = _token(client, grant_type="authorization_code", code=code, redirect_uri=REDIRECT_URI)
    assert _error(again) == (400, "invalid_request", "code is invalid")


def test_code_expires_after_ten_minutes(client: TestClient, emulator: Emulator) -> None:
    code, _ = _code_for(client, emulator)
    emulator.advance(timedelta(minutes=10, seconds=1))
    late = _token(client, grant_type="authorization_code", code=code, redirect_uri=REDIRECT_URI)
    assert _error(late) == (400, "invalid_request", "code is invalid")


def test_redirect_uri_must_match(client: TestClient, emulator: Emulator) -> None:
    code, _ = _code_for(client, emulator)
    wrong = _token(
        client,
        grant_type="authorization_code",
        code=code,
        redirect_uri="http://localhost:8080/other",
    )
    assert _error(wrong) == (400, "invalid_request", "redirect_uri is invalid")
    right = _token(client, grant_type="authorization_code", code=code, redirect_uri=REDIRECT_URI)
    assert right.status_code == 200


def test_pkce_is_verified(client: TestClient, emulator: Emulator) -> None:
    verifier, challenge = driver.pkce_pair()
    code, _utr = _code_for(client, emulator, challenge=challenge)
    fields = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI}
    missing = _token(client, **fields)
    assert _error(missing) == (400, "invalid_request", "code_verifier is required")
    other, _ = driver.pkce_pair()
    wrong = _token(client, **fields, code_verifier=other)
    assert _error(wrong) == (400, "invalid_grant", "code_verifier is invalid")
    right = _token(client, **fields, code_verifier=verifier)
    assert right.status_code == 200
    plain_code, _ = _code_for(client, emulator)
    unexpected = _token(client, **{**fields, "code": plain_code}, code_verifier=verifier)
    assert _error(unexpected) == (400, "invalid_request", "code_verifier should NOT be present")


# --------------------------------------------------------------------------- the token endpoint
def test_unknown_client_or_wrong_secret(client: TestClient) -> None:
    for client_id, secret in [("nobody", CLIENT_SECRET), (CLIENT_ID, "wrong")]:
        response = client.post(
            "/oauth/token",
            data={
                "client_id": client_id,
                "client_secret": secret,
                "grant_type": "client_credentials",
            },
        )
        assert _error(response) == (401, "invalid_client", "invalid client id or secret")


@pytest.mark.parametrize(
    ("fields", "description"),
    [
        ({"client_secret": CLIENT_SECRET, "grant_type": "refresh_token"}, "client_id is required"),
        ({"client_id": CLIENT_ID, "grant_type": "refresh_token"}, "client_secret is required"),
        ({"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}, "grant_type is required"),
        (
            {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "grant_type": "password"},
            "unsupported grant_type",
        ),
        (
            {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "grant_type": "refresh_token"},
            "refresh_token is required",
        ),
        (
            {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "grant_type": "authorization_code",
                "redirect_uri": REDIRECT_URI,
            },
            "code is required for given grant_type",
        ),
    ],
)
def test_token_request_errors(client: TestClient, fields: dict[str, str], description: str) -> None:
    response = client.post("/oauth/token", data=fields)
    assert _error(response) == (400, "invalid_request", description)
    assert response.headers["cache-control"] == "no-store"


def test_application_token(client: TestClient, emulator: Emulator) -> None:
    response = _token(client, grant_type="client_credentials")
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in"}
    granted = granted_user(emulator)
    emulator.load_scenario(str(granted.user.sa_utr), YEAR)
    refused = _income(client, body["access_token"], str(granted.user.sa_utr))
    assert refused.status_code == 401
    assert refused.json() == {
        "code": "INCORRECT_ACCESS_TOKEN_TYPE",
        "message": "The access token type used is not supported when invoking the API",
    }
    bad_scope = _token(client, grant_type="client_credentials", scope="read:everything")
    assert _error(bad_scope) == (400, "invalid_scope", "scope is invalid")


# --------------------------------------------------------------------------- refresh and lifetimes
def test_refresh_rotates_and_kills_the_old_tokens(client: TestClient, emulator: Emulator) -> None:
    granted = granted_user(emulator)
    utr = str(granted.user.sa_utr)
    emulator.load_scenario(utr, YEAR)
    assert _income(client, granted.access_token, utr).status_code == 200
    first = _refresh(client, granted.refresh_token)
    assert first.status_code == 200
    new = first.json()
    assert set(new) == {"access_token", "token_type", "expires_in", "refresh_token"}
    assert new["refresh_token"] != granted.refresh_token
    assert _error(_refresh(client, granted.refresh_token)) == (
        400,
        "invalid_grant",
        "refresh_token is invalid",
    )
    dead = _income(client, granted.access_token, utr)
    assert dead.status_code == 401
    assert dead.json()["code"] == "INVALID_CREDENTIALS"
    assert _income(client, new["access_token"], utr).status_code == 200
    second = _refresh(client, new["refresh_token"])
    assert second.status_code == 200
    assert _income(client, second.json()["access_token"], utr).status_code == 200


def test_refresh_token_of_another_client_is_invalid(client: TestClient, emulator: Emulator) -> None:
    granted = granted_user(emulator)
    response = client.post(
        "/oauth/token",
        data={
            "client_id": "other-client",
            "client_secret": "other-secret",
            "grant_type": "refresh_token",
            "refresh_token": granted.refresh_token,
        },
    )
    assert _error(response)[:2] == (400, "invalid_grant")


def test_expired_access_token(client: TestClient, emulator: Emulator) -> None:
    granted = granted_user(emulator)
    utr = str(granted.user.sa_utr)
    emulator.load_scenario(utr, YEAR)
    emulator.advance(timedelta(hours=3, minutes=59))
    assert _income(client, granted.access_token, utr).status_code == 200
    emulator.advance(timedelta(minutes=1))
    expired = _income(client, granted.access_token, utr)
    assert expired.status_code == 401
    assert expired.json() == {
        "code": "INVALID_CREDENTIALS",
        "message": "Invalid Authentication information provided",
    }
    assert expired.headers["www-authenticate"] == 'Bearer realm="HMRC API Platform"'
    renewed = _refresh(client, granted.refresh_token)
    assert renewed.status_code == 200
    assert _income(client, renewed.json()["access_token"], utr).status_code == 200


def test_expired_grant(make_client: MakeClient) -> None:
    client, emulator = make_client(grant_lifetime=timedelta(hours=2))
    granted = granted_user(emulator)
    utr = str(granted.user.sa_utr)
    emulator.load_scenario(utr, YEAR)
    emulator.advance(timedelta(hours=2))
    # The access token has 2 of its 4 hours left, but the authority behind it is over.
    assert _income(client, granted.access_token, utr).json()["code"] == "INVALID_CREDENTIALS"
    assert _error(_refresh(client, granted.refresh_token))[:2] == (400, "invalid_grant")


def test_default_grant_lasts_eighteen_months(client: TestClient, emulator: Emulator) -> None:
    granted = granted_user(emulator)
    refresh = granted.refresh_token
    emulator.advance(timedelta(days=547))
    renewed = _refresh(client, refresh)
    assert renewed.status_code == 200
    emulator.advance(timedelta(days=1))
    assert _error(_refresh(client, renewed.json()["refresh_token"]))[:2] == (400, "invalid_grant")


def test_revoked_grant(client: TestClient, emulator: Emulator) -> None:
    granted = granted_user(emulator)
    utr = str(granted.user.sa_utr)
    emulator.load_scenario(utr, YEAR)
    assert emulator.revoke_grants(granted.user.user_id, CLIENT_ID) == 1
    assert _income(client, granted.access_token, utr).json()["code"] == "INVALID_CREDENTIALS"
    assert _error(_refresh(client, granted.refresh_token))[:2] == (400, "invalid_grant")


def test_concurrent_refresh_is_refused_while_one_is_in_flight(make_client: MakeClient) -> None:
    client, emulator = make_client(faults=FaultConfig(refresh_delay_ms=800))
    granted = granted_user(emulator)
    results: list[httpx.Response] = []
    barrier = threading.Barrier(2)

    def refresh() -> None:
        barrier.wait()
        results.append(_refresh(client, granted.refresh_token))

    threads = [threading.Thread(target=refresh) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    statuses = sorted(response.status_code for response in results)
    assert statuses == [200, 400]
    refused = next(response for response in results if response.status_code == 400)
    assert _error(refused) == (400, "invalid_request", "Refresh operation is already in progress")
    # Afterwards the used token is simply invalid.
    assert _error(_refresh(client, granted.refresh_token))[:2] == (400, "invalid_grant")


# --------------------------------------------------------------------------- authorize errors
@pytest.mark.parametrize(
    ("change", "error", "description"),
    [
        ({"client_id": None}, "invalid_request", "client_id is required"),
        ({"client_id": "nobody"}, "invalid_request", "client_id is invalid"),
        ({"redirect_uri": None}, "invalid_request", "redirect_uri is required"),
        ({"redirect_uri": "https://evil.example/cb"}, "invalid_request", "redirect_uri is invalid"),
        ({"response_type": None}, "invalid_request", "response_type is required"),
        ({"response_type": "token"}, "unsupported_response_type", "response_type must be 'code'"),
        ({"scope": None}, "invalid_request", "scope is required"),
        ({"scope": "read:individual-income read:secrets"}, "invalid_scope", "scope is invalid"),
        (
            {"client_secret": CLIENT_SECRET},
            "invalid_request",
            "client_secret should NOT be present",
        ),
        ({"code_challenge": "x" * 43}, "invalid_request", None),
        (
            {"code_challenge": "x" * 43, "code_challenge_method": "plain"},
            "invalid_request",
            "code_challenge_method is invalid",
        ),
    ],
)
def test_authorize_errors_are_shown_in_the_browser(
    client: TestClient, change: dict[str, Any], error: str, description: str | None
) -> None:
    query: dict[str, Any] = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "scope": "read:individual-income",
        "redirect_uri": REDIRECT_URI,
        **change,
    }
    response = client.get(
        "/oauth/authorize",
        params={k: v for k, v in query.items() if v is not None},
        follow_redirects=False,
    )
    assert response.status_code == 400
    assert f'<code id="error">{error}</code>' in response.text
    if description is not None:
        assert description.replace("'", "&#x27;") in response.text


def test_tokens_are_opaque_and_distinct(client: TestClient, emulator: Emulator) -> None:
    seen = set()
    for _ in range(5):
        body = parse_json(_token(client, grant_type="client_credentials").content)
        assert len(body["access_token"]) >= 32
        seen.add(body["access_token"])
    assert len(seen) == 5
