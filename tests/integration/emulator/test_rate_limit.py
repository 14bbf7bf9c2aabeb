"""HMRC's 3 requests/second per application, under concurrent callers on a real server."""

from __future__ import annotations

import threading
import time
from dataclasses import replace

import httpx
from fastapi.testclient import TestClient

from hmrc_sync.emulator import create_emulator_app
from hmrc_sync.emulator.config import EmulatorConfig
from hmrc_sync.taxyear import TaxYear
from tests.integration.emulator.conftest import MakeClient
from tests.integration.emulator.helpers import (
    APPLICATION,
    CLIENT_ID,
    CLIENT_SECRET,
    annual_path,
    api_headers,
    granted_user,
)
from tests.integration.emulator.server import serve

YEAR = TaxYear.parse("2024-25")
SECOND = replace(APPLICATION, client_id="second-app")
THROTTLED = {
    "code": "MESSAGE_THROTTLED_OUT",
    "message": "The request for the API is throttled as you have exceeded your quota.",
}


def _burst(http: httpx.Client, url: str, token: str, callers: int) -> list[httpx.Response]:
    """``callers`` threads released together, one request each."""
    barrier = threading.Barrier(callers)
    responses: list[httpx.Response] = []
    lock = threading.Lock()

    def call() -> None:
        barrier.wait()
        response = http.get(url, headers=api_headers(token, "1.2"))
        with lock:
            responses.append(response)

    threads = [threading.Thread(target=call) for _ in range(callers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert len(responses) == callers
    return responses


def test_three_per_second_per_application_under_concurrent_callers() -> None:
    app = create_emulator_app(EmulatorConfig(applications=(APPLICATION, SECOND), rate_limit=3))
    emulator = app.state.emulator
    mine = granted_user(emulator)
    theirs = granted_user(emulator, client_id="second-app")
    for granted in (mine, theirs):
        emulator.load_scenario(str(granted.user.sa_utr), YEAR)
    mine_url = annual_path("individual-income", str(mine.user.sa_utr), YEAR.hmrc)
    theirs_url = annual_path("individual-income", str(theirs.user.sa_utr), YEAR.hmrc)
    with serve(app) as base, httpx.Client(base_url=base) as http:
        # Past the limit: ten callers at once, three accepted, seven throttled.
        burst = _burst(http, mine_url, mine.access_token, 10)
        assert sorted(r.status_code for r in burst) == [200] * 3 + [429] * 7
        assert all(r.json() == THROTTLED for r in burst if r.status_code == 429)
        # Another application has a budget of its own.
        assert [r.status_code for r in _burst(http, theirs_url, theirs.access_token, 3)] == [
            200
        ] * 3
        # At the limit, window after window: never throttled.
        for _ in range(2):
            time.sleep(1.05)
            window = _burst(http, mine_url, mine.access_token, 3)
            assert [r.status_code for r in window] == [200] * 3
        # ...and one more inside the same second is.
        assert http.get(mine_url, headers=api_headers(mine.access_token, "1.2")).status_code == 429


def test_what_counts_against_the_limit(make_client: MakeClient) -> None:
    client, emulator = make_client(rate_limit=2)
    granted = granted_user(emulator)
    utr = str(granted.user.sa_utr)
    url = annual_path("individual-income", utr, YEAR.hmrc)

    def get(version: str = "1.2") -> int:
        response: httpx.Response = client.get(
            url, headers=api_headers(granted.access_token, version)
        )
        return response.status_code

    assert [get("1.0") for _ in range(3)] == [404] * 3  # refused before the limit
    for _ in range(3):  # the token endpoint is not rate limited
        token = client.post(
            "/oauth/token",
            data={
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "grant_type": "client_credentials",
            },
        )
        assert token.status_code == 200
    assert [get(), get(), get()] == [404, 404, 429]  # a 404 answer still counts


def test_rate_limit_zero_is_off(client: TestClient) -> None:
    for _ in range(10):
        response = client.post(
            "/oauth/token",
            data={
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "grant_type": "client_credentials",
            },
        )
        token = response.json()["access_token"]
        assert (
            client.get("/create-test-user/services", headers=api_headers(token, "1.0")).status_code
            == 200
        )
