"""The fraud-prevention validator endpoints: feedback per application, per connection method."""

from __future__ import annotations

from dataclasses import replace

from fastapi.testclient import TestClient

from hmrc_sync.emulator import driver
from hmrc_sync.emulator.data.catalogue import SUBSCRIBABLE
from hmrc_sync.emulator.engine.state import Emulator
from tests.integration.emulator.helpers import (
    CLIENT_ID,
    CLIENT_SECRET,
    OTHER_APPLICATION,
    OTHER_ID,
    OTHER_SECRET,
    annual_path,
    api_headers,
    granted_user,
)

FEEDBACK = "/test/fraud-prevention-headers/{api}/validation-feedback"


def test_feedback_reports_each_applications_latest_request_per_method(
    client: TestClient, emulator: Emulator
) -> None:
    granted = granted_user(emulator)
    path = annual_path("individual-income", str(granted.user.sa_utr), "2024-25")
    for method, device in [("BATCH_PROCESS_DIRECT", "a"), ("BATCH_PROCESS_DIRECT", "b")]:
        client.get(
            path,
            headers=api_headers(
                granted.access_token,
                "1.2",
                **{"Gov-Client-Connection-Method": method, "Gov-Client-Device-ID": device},
            ),
        )
    client.get(path, headers=api_headers(granted.access_token, "1.2"))
    token = driver.application_token(client, CLIENT_ID, CLIENT_SECRET)
    url = FEEDBACK.format(api="individual-income")
    batch = client.get(
        url, params={"connectionMethod": "BATCH_PROCESS_DIRECT"}, headers=api_headers(token, "1.0")
    ).json()["requests"]
    (only,) = batch
    device = next(h for h in only["headers"] if h["header"] == "gov-client-device-id")
    assert device["value"] == "b"  # the latest request, not the first
    assert only["code"] == "INVALID_HEADERS"
    every = client.get(url, headers=api_headers(token, "1.0")).json()["requests"]
    assert sorted(r["code"] for r in every) == ["INVALID_HEADERS", "NO_HEADERS"]
    # Another application sees none of these requests.
    other = driver.application_token(client, OTHER_ID, OTHER_SECRET)
    other_answer = client.get(url, headers=api_headers(other, "1.0"))
    assert other_answer.json()["code"] == "RESOURCE_FORBIDDEN"  # not subscribed to the validator
    emulator.register_application(replace(OTHER_APPLICATION, subscriptions=SUBSCRIBABLE))
    assert client.get(url, headers=api_headers(other, "1.0")).json() == {"requests": []}


def test_feedback_api_ids(client: TestClient) -> None:
    token = driver.application_token(client, CLIENT_ID, CLIENT_SECRET)
    served_elsewhere = client.get(FEEDBACK.format(api="vat-mtd"), headers=api_headers(token, "1.0"))
    assert served_elsewhere.json() == {"requests": []}
    unknown = client.get(FEEDBACK.format(api="no-such-api"), headers=api_headers(token, "1.0"))
    assert unknown.status_code == 404
    bad_method = client.get(
        FEEDBACK.format(api="vat-mtd"),
        params={"connectionMethod": "CARRIER_PIGEON"},
        headers=api_headers(token, "1.0"),
    )
    assert bad_method.status_code == 400
