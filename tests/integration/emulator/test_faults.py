"""Fault injection, at start and through the control API."""

from __future__ import annotations

import time

import httpx
import pytest
from fastapi.testclient import TestClient

from hmrc_sync.emulator import create_emulator_app
from hmrc_sync.emulator.config import EmulatorConfig, FaultConfig
from hmrc_sync.emulator.engine.faults import ConnectionDropped
from hmrc_sync.emulator.engine.state import Emulator
from hmrc_sync.taxyear import TaxYear
from tests.integration.emulator.conftest import MakeClient
from tests.integration.emulator.helpers import (
    APPLICATION,
    CLIENT_ID,
    CLIENT_SECRET,
    Granted,
    annual_path,
    api_headers,
    granted_user,
)
from tests.integration.emulator.server import serve

YEAR = TaxYear.parse("2024-25")


def _ready(emulator: Emulator) -> Granted:
    granted = granted_user(emulator)
    emulator.load_scenario(str(granted.user.sa_utr), YEAR)
    return granted


def _income(client: httpx.Client, granted: Granted, token: str | None = None) -> httpx.Response:
    return client.get(
        annual_path("individual-income", str(granted.user.sa_utr), YEAR.hmrc),
        headers=api_headers(token or granted.access_token, "1.2"),
    )


def _refresh_form(refresh_token: str) -> dict[str, str]:
    return {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "grant_type": "refresh_token",
        "refresh_token": refresh_token,
    }


def test_faults_are_off_by_default(client: TestClient, emulator: Emulator) -> None:
    granted = _ready(emulator)
    assert [_income(client, granted).status_code for _ in range(20)] == [200] * 20
    control = client.get("/emulator/control/faults")
    assert control.status_code == 404
    assert control.json()["code"] == "MATCHING_RESOURCE_NOT_FOUND"


def test_latency(make_client: MakeClient) -> None:
    client, emulator = make_client(faults=FaultConfig(latency_ms=150))
    granted = _ready(emulator)
    started = time.monotonic()
    assert _income(client, granted).status_code == 200
    assert time.monotonic() - started >= 0.15


def test_error_rate_is_seeded_and_uses_hmrcs_bodies(make_client: MakeClient) -> None:
    faults = FaultConfig(error_rate=0.5)
    runs = []
    for _ in range(2):
        client, emulator = make_client(faults=faults, random_seed=7)
        granted = _ready(emulator)
        runs.append([_income(client, granted) for _ in range(30)])
    statuses = [[r.status_code for r in run] for run in runs]
    assert statuses[0] == statuses[1]  # reproducible with the same seed
    assert set(statuses[0]) == {200, 500, 503, 504}
    bodies = {r.status_code: r.json() for r in runs[0] if r.status_code != 200}
    assert bodies == {
        500: {"code": "INTERNAL_SERVER_ERROR", "message": "Internal server error"},
        503: {"code": "SERVER_ERROR", "message": "Service unavailable"},
        504: {"code": "GATEWAY_TIMEOUT", "message": "Gateway timeout"},
    }


def test_errors_only_on_the_read_apis(make_client: MakeClient) -> None:
    client, emulator = make_client(faults=FaultConfig(error_rate=1.0, error_statuses=(503,)))
    granted = _ready(emulator)
    assert _income(client, granted).status_code == 503
    token = client.post(
        "/oauth/token",
        data={
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "grant_type": "client_credentials",
        },
    )
    assert token.status_code == 200
    created = client.post(
        "/create-test-user/individuals",
        json={"serviceNames": []},
        headers=api_headers(token.json()["access_token"], "1.0"),
    )
    assert created.status_code == 201


def test_throttle_burst(make_client: MakeClient) -> None:
    client, emulator = make_client(faults=FaultConfig(throttle_burst=2))
    granted = _ready(emulator)
    statuses = [_income(client, granted).status_code for _ in range(4)]
    assert statuses == [429, 429, 200, 200]


def test_token_endpoint_down(make_client: MakeClient) -> None:
    client, emulator = make_client(faults=FaultConfig(token_endpoint_down=True))
    granted = _ready(emulator)
    response = client.post("/oauth/token", data=_refresh_form(granted.refresh_token))
    assert response.status_code == 503
    assert response.json()["error"] == "temporarily_unavailable"
    # Nothing happened to the grant: the API still answers with the old token.
    assert _income(client, granted).status_code == 200


def _assert_rotated_but_undelivered(client: httpx.Client, granted: Granted) -> None:
    """The old refresh and access tokens are dead: only re-authorising helps."""
    again = client.post("/oauth/token", data=_refresh_form(granted.refresh_token))
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"
    assert _income(client, granted).json()["code"] == "INVALID_CREDENTIALS"


def test_drop_after_refresh_with_testclient(make_client: MakeClient) -> None:
    client, emulator = make_client(faults=FaultConfig(drop_after_refresh=1))
    granted = _ready(emulator)
    with pytest.raises(httpx.RemoteProtocolError) as caught:
        client.post("/oauth/token", data=_refresh_form(granted.refresh_token))
    assert isinstance(caught.value, ConnectionDropped)
    assert granted.refresh_token not in str(caught.value)
    _assert_rotated_but_undelivered(client, granted)


def test_drop_after_refresh_on_a_real_server() -> None:
    config = EmulatorConfig(applications=(APPLICATION,), faults=FaultConfig(drop_after_refresh=1))
    app = create_emulator_app(config)
    emulator: Emulator = app.state.emulator
    granted = _ready(emulator)
    second = granted_user(emulator)
    with serve(app) as base, httpx.Client(base_url=base) as http:
        with pytest.raises(httpx.RemoteProtocolError, match="peer closed connection"):
            http.post("/oauth/token", data=_refresh_form(granted.refresh_token))
        _assert_rotated_but_undelivered(http, granted)
        # The fault was for one refresh; the next one is answered.
        answered = http.post("/oauth/token", data=_refresh_form(second.refresh_token))
        assert answered.status_code == 200
        assert _income(http, granted, answered.json()["access_token"]).status_code == 401


def test_control_api(make_client: MakeClient) -> None:
    client, emulator = make_client(faults=FaultConfig(control_api=True))
    granted = _ready(emulator)
    assert client.get("/emulator/control/faults").json()["throttle_burst"] == 0
    changed = client.patch("/emulator/control/faults", json={"throttle_burst": 1, "latency_ms": 0})
    assert changed.status_code == 200
    assert changed.json()["throttle_burst"] == 1
    assert [_income(client, granted).status_code for _ in range(2)] == [429, 200]
    client.patch("/emulator/control/faults", json={"error_rate": 1.0, "error_statuses": [504]})
    assert _income(client, granted).status_code == 504
    client.patch("/emulator/control/faults", json={"error_rate": 0})
    for bad in ({"error_rate": 2}, {"control_api": False}, {"nonsense": 1}):
        assert client.patch("/emulator/control/faults", json=bad).status_code == 400
    moved = client.post("/emulator/control/clock", json={"advanceSeconds": 4 * 3600})
    assert moved.status_code == 200
    assert _income(client, granted).json()["code"] == "INVALID_CREDENTIALS"
    other = _ready(emulator)
    revoked = client.post("/emulator/control/grants/revoke", json={"userId": other.user.user_id})
    assert revoked.json() == {"revoked": 1}
    refused = client.post("/oauth/token", data=_refresh_form(other.refresh_token))
    assert refused.json()["error"] == "invalid_grant"
