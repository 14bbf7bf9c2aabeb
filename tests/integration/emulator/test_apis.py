"""The gateway's checks, the annual-summary and MTD APIs, test data and availability."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from hmrc_sync.emulator import driver
from hmrc_sync.emulator.config import EmulatorConfig
from hmrc_sync.emulator.engine.state import Emulator
from hmrc_sync.taxyear import TaxYear
from tests.integration.emulator.conftest import MakeClient
from tests.integration.emulator.helpers import (
    CLIENT_ID,
    CLIENT_SECRET,
    OTHER_ID,
    OTHER_SECRET,
    VERSIONS,
    accept,
    annual_path,
    api_headers,
    granted_user,
    parse_json,
)

YEAR = TaxYear.parse("2024-25")


def _get(
    client: httpx.Client, api: str, token: str, utr: str, year: str = YEAR.hmrc
) -> httpx.Response:
    return client.get(annual_path(api, utr, year), headers=api_headers(token, VERSIONS[api]))


def _app_token(client: TestClient) -> str:
    return driver.application_token(client, CLIENT_ID, CLIENT_SECRET)


# --------------------------------------------------------------------------- the gateway
@pytest.mark.parametrize("api", sorted(VERSIONS))
def test_accept_header_must_name_the_apis_version(
    client: TestClient, emulator: Emulator, api: str
) -> None:
    granted = granted_user(emulator, ("self-assessment", "national-insurance", "mtd-income-tax"))
    path = (
        f"/individuals/employments-income/{granted.user.nino}/{YEAR.hmrc}"
        if api == "individuals-employments-income"
        else annual_path(api, str(granted.user.sa_utr), YEAR.hmrc)
    )
    wrong_versions = {"1.0", "1.1", "1.2", "2.0"} - {VERSIONS[api]}
    for value in [None, "application/json", f"{accept(VERSIONS[api])}, */*"]:
        headers = {"Authorization": f"Bearer {granted.access_token}"}
        if value is not None:
            headers["Accept"] = value
        response = client.get(path, headers=headers)
        assert response.status_code == 406, value
        assert response.json() == {
            "code": "ACCEPT_HEADER_INVALID",
            "message": "The accept header is missing or invalid",
        }
    # A well-formed version the API does not serve is HMRC's gateway's 404, not a 406.
    for version in sorted(wrong_versions):
        response = client.get(path, headers=api_headers(granted.access_token, version))
        assert response.status_code == 404, version
        assert response.json()["code"] == "MATCHING_RESOURCE_NOT_FOUND"
    assert client.get(
        path, headers=api_headers(granted.access_token, VERSIONS[api])
    ).status_code in (
        200,
        404,
    )


def test_credentials(client: TestClient, emulator: Emulator) -> None:
    granted = granted_user(emulator)
    path = annual_path("individual-tax", str(granted.user.sa_utr), YEAR.hmrc)
    missing = client.get(path, headers={"Accept": accept("1.1")})
    assert missing.status_code == 401
    assert missing.json() == {
        "code": "MISSING_CREDENTIALS",
        "message": "Authentication information is not provided",
    }
    for value in ["Bearer not-a-token", f"Basic {granted.access_token}", "Bearer "]:
        response = client.get(path, headers={"Accept": accept("1.1"), "Authorization": value})
        assert response.status_code == 401
        assert response.json()["code"] == "INVALID_CREDENTIALS"


def test_application_not_subscribed(client: TestClient, emulator: Emulator) -> None:
    granted = granted_user(emulator, client_id=OTHER_ID)
    emulator.load_scenario(str(granted.user.sa_utr), YEAR)
    response = _get(client, "individual-income", granted.access_token, str(granted.user.sa_utr))
    assert response.status_code == 403
    assert response.json() == {
        "code": "RESOURCE_FORBIDDEN",
        "message": "The application is not subscribed to the API which it is attempting to invoke",
    }
    other_token = driver.application_token(client, OTHER_ID, OTHER_SECRET)
    support = client.post(
        f"/individual-paye-test-support/sa/{granted.user.sa_utr}/tax/annual-summary/{YEAR.hmrc}",
        json={"scenario": "HAPPY_PATH_1"},
        headers=api_headers(other_token, "1.0"),
    )
    assert support.json()["code"] == "RESOURCE_FORBIDDEN"
    created = client.post(
        "/create-test-user/individuals", json={}, headers=api_headers(other_token, "1.0")
    )
    assert created.status_code == 201
    assert set(created.json()) >= {"userId", "password", "individualDetails"}
    assert "saUtr" not in created.json()


def test_scope_not_granted(client: TestClient, emulator: Emulator) -> None:
    granted = granted_user(emulator, scopes=["read:individual-income"])
    utr = str(granted.user.sa_utr)
    emulator.load_scenario(utr, YEAR)
    assert _get(client, "individual-income", granted.access_token, utr).status_code == 200
    for api in (
        "individual-tax",
        "individual-employment",
        "individual-benefits",
        "national-insurance",
    ):
        refused = _get(client, api, granted.access_token, utr)
        assert refused.status_code == 403
        assert refused.json()["code"] == "INVALID_SCOPE"


def test_utr_of_another_user_is_unauthorized(client: TestClient, emulator: Emulator) -> None:
    mine = granted_user(emulator)
    theirs = granted_user(emulator)
    for granted in (mine, theirs):
        emulator.load_scenario(str(granted.user.sa_utr), YEAR)
    refused = _get(client, "individual-tax", mine.access_token, str(theirs.user.sa_utr))
    assert refused.status_code == 401
    assert refused.json() == {
        "code": "UNAUTHORIZED",
        "message": "Bearer token is missing or not authorized",
    }
    with_k = _get(client, "individual-tax", mine.access_token, f"{mine.user.sa_utr}K")
    assert with_k.status_code == 200


def test_unknown_path_and_method(client: TestClient, emulator: Emulator) -> None:
    granted = granted_user(emulator)
    unknown = client.get("/individual-tax/sa", headers=api_headers(granted.access_token, "1.1"))
    assert unknown.status_code == 404
    assert unknown.json()["code"] == "MATCHING_RESOURCE_NOT_FOUND"
    path = annual_path("individual-tax", str(granted.user.sa_utr), YEAR.hmrc)
    assert client.delete(path).json()["code"] == "METHOD_NOT_ALLOWED"


# --------------------------------------------------------------------------- MTD
def test_mtd_needs_an_mtd_user_who_owns_the_nino(client: TestClient, emulator: Emulator) -> None:
    mtd = granted_user(emulator, ("self-assessment", "national-insurance", "mtd-income-tax"))
    plain = granted_user(emulator, ("self-assessment", "national-insurance"))
    assert plain.user.nino is not None
    assert plain.user.mtd_it_id is None

    def listing(granted_token: str, nino: str | None) -> httpx.Response:
        response: httpx.Response = client.get(
            f"/individuals/employments-income/{nino}/{YEAR.hmrc}",
            headers=api_headers(granted_token, "2.0"),
        )
        return response

    assert listing(mtd.access_token, mtd.user.nino).status_code == 200
    for token, nino in [
        (plain.access_token, plain.user.nino),
        (mtd.access_token, plain.user.nino),
    ]:
        refused = listing(token, nino)
        assert refused.status_code == 403
        assert refused.json()["code"] == "CLIENT_OR_AGENT_NOT_AUTHORISED"
    no_scope = granted_user(emulator, ("mtd-income-tax",), scopes=["read:individual-income"])
    assert listing(no_scope.access_token, no_scope.user.nino).json()["code"] == "INVALID_SCOPE"


def test_mtd_stored_employments(client: TestClient, emulator: Emulator) -> None:
    granted = granted_user(emulator, ("mtd-income-tax",))
    token = _app_token(client)
    stored = driver.seed_employments_income(
        client,
        token,
        str(granted.user.nino),
        YEAR,
        [
            {
                "employerRef": "123/AB456",
                "employerName": "Acme Widgets Ltd",
                "startDate": "2020-01-06",
                "pay": {
                    "taxablePayToDate": Decimal("31250.50"),
                    "totalTaxToDate": Decimal("4120.40"),
                },
            }
        ],
    )
    employment_id = stored[0]["employmentId"]
    base = f"/individuals/employments-income/{granted.user.nino}/{YEAR.hmrc}"
    headers = api_headers(granted.access_token, "2.0")
    assert client.get(base, headers=headers).json() == {
        "employments": [{"employmentId": employment_id, "employerName": "Acme Widgets Ltd"}]
    }
    details = client.get(f"{base}/{employment_id}/financial-details", headers=headers)
    assert '"pay":{"taxablePayToDate":31250.50,"totalTaxToDate":4120.40}' in details.text
    assert parse_json(details.content)["source"] == "hmrc-held"
    user_source = client.get(
        f"{base}/{employment_id}/financial-details?source=user", headers=headers
    )
    assert user_source.status_code == 404
    unknown = client.get(f"{base}/{'1' * 8}-1111-4111-8111-{'1' * 12}", headers=headers)
    assert unknown.json()["code"] == "MATCHING_RESOURCE_NOT_FOUND"
    several = client.get(
        f"/individuals/employments-income/{granted.user.nino}/2023/bad/financial-details?source=x",
        headers=headers,
    )
    assert several.status_code == 400
    assert several.json()["code"] == "INVALID_REQUEST"
    assert {e["code"] for e in several.json()["errors"]} == {
        "FORMAT_TAX_YEAR",
        "FORMAT_EMPLOYMENT_ID",
        "FORMAT_SOURCE",
    }
    bad = client.post(
        f"/emulator/test-support/individuals/employments-income/{granted.user.nino}/{YEAR.hmrc}",
        json={"employments": [{"employerName": "X", "pay": {"taxablePayToDate": "lots"}}]},
        headers=api_headers(token, "1.0"),
    )
    assert bad.status_code == 400
    assert "employments[0].pay.taxablePayToDate must be a number" in bad.json()["message"]


# --------------------------------------------------------------------------- test data
def test_explicit_figures_are_checked_against_the_schema(
    client: TestClient, emulator: Emulator
) -> None:
    granted = granted_user(emulator)
    utr = str(granted.user.sa_utr)
    token = _app_token(client)
    url = f"/individual-paye-test-support/sa/{utr}/income/annual-summary/{YEAR.hmrc}"
    body = {
        "pensionsAnnuitiesAndOtherStateBenefits": {"jobseekersAllowance": 12.3},
        "employments": [
            {"employerPayeReference": "111/A", "payFromEmployment": 0.1},
            {"employerPayeReference": "222/B", "payFromEmployment": 1e3},
            {"employerPayeReference": "333/C", "payFromEmployment": 99999999999.99},
        ],
    }
    raw = json.dumps(body).replace("1000.0", "1000.00")
    as_text = client.post(url, content=raw, headers=api_headers(token, "1.0"))
    assert as_text.status_code == 415
    created = client.post(
        url, content=raw, headers=api_headers(token, "1.0", **{"Content-Type": "application/json"})
    )
    assert created.status_code == 201
    served = _get(client, "individual-income", granted.access_token, utr)
    assert '"payFromEmployment":0.1}' in served.text
    assert '"payFromEmployment":1000.00}' in served.text
    assert '"payFromEmployment":99999999999.99}' in served.text
    for broken, problem in [
        ({"employments": []}, "pensionsAnnuitiesAndOtherStateBenefits is required"),
        (
            {
                "pensionsAnnuitiesAndOtherStateBenefits": {},
                "employments": [{"employerPayeReference": "1/A"}],
            },
            "employments[0].payFromEmployment is required",
        ),
        (
            {"pensionsAnnuitiesAndOtherStateBenefits": {}, "employments": [], "extra": 1},
            "extra is not an expected field",
        ),
    ]:
        refused = client.post(url, json=broken, headers=api_headers(token, "1.0"))
        assert refused.status_code == 400
        assert refused.json()["code"] == "INVALID_REQUEST"
        assert problem in refused.json()["message"]
    unknown = client.post(url, json={"scenario": "SAD_PATH"}, headers=api_headers(token, "1.0"))
    assert unknown.json() == {"code": "UNKNOWN_SCENARIO", "message": "Unknown test scenario"}
    default = client.post(url, json={}, headers=api_headers(token, "1.0"))
    assert default.json()["employments"][0]["employerPayeReference"] == "123/AB456"
    bad_utr = client.post(
        url.replace(utr, "1234567890"), json={}, headers=api_headers(token, "1.0")
    )
    assert bad_utr.json()["code"] == "SA_UTR_INVALID"
    v2 = client.post(url, json={}, headers=api_headers(token, "2.0"))
    assert v2.status_code == 201
    assert client.post(url, json={}, headers=api_headers(token, "2.1")).status_code == 404


def test_availability_lifecycle(client: TestClient, emulator: Emulator) -> None:
    granted = granted_user(emulator, ("self-assessment", "national-insurance", "mtd-income-tax"))
    utr = str(granted.user.sa_utr)
    emulator.load_scenario(utr, YEAR)
    token = _app_token(client)
    today = emulator.today()
    rule = driver.set_availability(
        client, token, utr, YEAR, reconciled_on=today + timedelta(days=10)
    )
    assert rule["status"] == "NOT_YET_RECONCILED"
    for api in ("individual-income", "national-insurance"):
        pending = _get(client, api, granted.access_token, utr)
        assert pending.status_code == 404
        assert pending.json() == {"code": "NOT_FOUND", "message": "Resource was not found"}
    # MTD data is in-year RTI data, not SA pre-population: not gated.
    mtd = client.get(
        f"/individuals/employments-income/{granted.user.nino}/{YEAR.hmrc}",
        headers=api_headers(granted.access_token, "2.0"),
    )
    assert mtd.status_code == 200
    emulator.advance(timedelta(days=10))
    app_token = _app_token(client)  # the first one expired with the ten days
    new_tokens = client.post(
        "/oauth/token",
        data={
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "grant_type": "refresh_token",
            "refresh_token": granted.refresh_token,
        },
    ).json()
    served = _get(client, "individual-income", new_tokens["access_token"], utr)
    assert served.status_code == 200
    withdrawn = driver.set_availability(client, app_token, utr, YEAR, withdraw_now=True)
    assert withdrawn["status"] == "WITHDRAWN"
    assert withdrawn["withdrawnOn"] == emulator.today().isoformat()
    gone = _get(client, "individual-income", new_tokens["access_token"], utr)
    assert gone.status_code == 404
    emulator.load_scenario(utr, YEAR.previous())
    previous = _get(
        client, "individual-income", new_tokens["access_token"], utr, YEAR.previous().hmrc
    )
    assert previous.status_code == 200


def test_seed_file(make_client: MakeClient, tmp_path: Path) -> None:
    seed = {
        "applications": [
            {"clientId": "seeded-app", "clientSecret": "seeded-secret", "name": "Seeded"}
        ],
        "users": [
            {
                "userId": "111122223333",
                "password": "Seeded123456",
                "serviceNames": ["self-assessment", "national-insurance", "mtd-income-tax"],
                "saUtr": "1000057161",
                "nino": "PE938808A",
                "taxYears": {
                    "2024-25": {
                        "scenario": "HAPPY_PATH_2",
                        "employers": [
                            {
                                "payeReference": "123/AB456",
                                "name": "Acme",
                                "pay": 31250.00,
                                "tax": 4120.4,
                            }
                        ],
                        "national-insurance": "HAPPY_PATH_1",
                        "individuals-employments-income": {
                            "employments": [{"employerName": "Acme"}]
                        },
                    },
                    "2023-24": {
                        "availability": {"reconciledOn": "2099-01-01"},
                        "scenario": "HAPPY_PATH_1",
                    },
                },
                "grants": [
                    {
                        "clientId": "seeded-app",
                        "scopes": ["read:individual-income", "read:national-insurance"],
                        "refreshToken": "seeded-refresh-token-0123456789",
                    }
                ],
            }
        ],
    }
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(seed).replace("31250.0", "31250.00"), encoding="utf-8")
    client, emulator = make_client(seed_file=path)
    assert "seeded-app" in emulator.applications
    tokens = client.post(
        "/oauth/token",
        data={
            "client_id": "seeded-app",
            "client_secret": "seeded-secret",
            "grant_type": "refresh_token",
            "refresh_token": "seeded-refresh-token-0123456789",
        },
    ).json()
    income = _get(client, "individual-income", tokens["access_token"], "1000057161")
    assert '"payFromEmployment":31250.00' in income.text
    ni = _get(client, "national-insurance", tokens["access_token"], "1000057161")
    assert ni.json() == {
        "class1": {"totalNICableEarnings": 10},
        "class2": {"totalDue": 20},
        "maxNICsReached": False,
    }
    not_yet = _get(client, "individual-income", tokens["access_token"], "1000057161", "2023-24")
    assert not_yet.json()["code"] == "NOT_FOUND"
    assert emulator.sign_in("111122223333", "Seeded123456") is not None
    assert emulator.employments_income[("PE938808A", 2024)][0]["employerName"] == "Acme"


def test_bad_seed_file_says_where(tmp_path: Path) -> None:
    from hmrc_sync.emulator import create_emulator_app
    from hmrc_sync.emulator.engine.persistence import SeedError

    path = tmp_path / "seed.json"
    path.write_text(
        json.dumps({"users": [{"taxYears": {"2024-25": {"individual-tax": {"employments": []}}}}]}),
        encoding="utf-8",
    )
    with pytest.raises(
        SeedError, match=r"users\[0\]\.2024-25\.individual-tax: .*refunds is required"
    ):
        create_emulator_app(EmulatorConfig(seed_file=path))


def test_a_retired_version_is_the_gateways_404_and_a_deprecated_one_says_so(
    make_client: MakeClient,
) -> None:
    from hmrc_sync.emulator.config import VersionNotice

    client, emulator = make_client(
        retired_versions=(VersionNotice("individual-income", VERSIONS["individual-income"]),),
        deprecated_versions=(
            VersionNotice("individual-tax", VERSIONS["individual-tax"], sunset="Fri, 01 Oct 2027"),
        ),
    )
    granted = granted_user(emulator)
    utr = str(granted.user.sa_utr)
    retired = _get(client, "individual-income", granted.access_token, utr)
    assert retired.status_code == 404
    assert retired.json()["code"] == "MATCHING_RESOURCE_NOT_FOUND"
    deprecated = _get(client, "individual-tax", granted.access_token, utr)
    assert deprecated.status_code in (200, 404)
    assert deprecated.headers["Deprecation"].startswith("@")
    assert deprecated.headers["Sunset"] == "Fri, 01 Oct 2027"
    assert 'rel="deprecation"' in deprecated.headers["Link"]
    plain = _get(client, "individual-employment", granted.access_token, utr)
    assert "Deprecation" not in plain.headers
