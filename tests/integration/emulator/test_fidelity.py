"""The emulator answers like HMRC's published examples, scenarios and schemas
(``tests/data/hmrc-fixtures``): same fields, same types, same codes and messages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from hmrc_sync.emulator import driver
from hmrc_sync.emulator.engine.state import Emulator
from hmrc_sync.taxyear import TaxYear
from tests.integration.emulator.helpers import (
    CLIENT_ID,
    CLIENT_SECRET,
    VERSIONS,
    Granted,
    accept,
    annual_path,
    api_headers,
    assert_identical,
    assert_same_shape,
    granted_user,
    parse_json,
    read_json,
)
from tests.integration.emulator.schema import validate

YEAR = "2023-24"
# API name -> (test-support path word, scenario folder in paye-des-stub, OAS file)
ANNUAL_APIS = {
    "individual-tax": ("tax", "individual-tax", "individual-tax/resources/public/api/conf/1.1"),
    "individual-income": (
        "income",
        "individual-income",
        "individual-income/resources/public/api/conf/1.2",
    ),
    "individual-employment": (
        "employments",
        "individual-employment",
        "individual-employment/resources/public/api/conf/1.2",
    ),
    "individual-benefits": (
        "benefits",
        "individual-benefits",
        "individual-benefits/resources/public/api/conf/1.1",
    ),
}
NI_OAS = "national-insurance/resources/public/api/conf/1.1/application.yaml"
IEI = "individuals-employments-income-api/resources/public/api/conf/2.0"


@pytest.fixture
def app_token(client: TestClient) -> str:
    return driver.application_token(client, CLIENT_ID, CLIENT_SECRET)


@pytest.fixture
def owner(emulator: Emulator) -> Granted:
    return granted_user(emulator, ("self-assessment", "national-insurance", "mtd-income-tax"))


def _support_post(client: TestClient, token: str, url: str, body: dict[str, Any]) -> Any:
    response = client.post(url, json=body, headers=api_headers(token, "1.0"))
    assert response.status_code == 201, response.text
    return parse_json(response.content)


def _get(client: TestClient, token: str, api: str, utr: str, year: str = YEAR) -> Any:
    return client.get(annual_path(api, utr, year), headers=api_headers(token, VERSIONS[api]))


def _load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- SA and NI data
@pytest.mark.parametrize("api", sorted(ANNUAL_APIS))
@pytest.mark.parametrize("scenario", ["HAPPY_PATH_1", "HAPPY_PATH_2"])
def test_paye_scenarios_are_created_and_served_digit_for_digit(
    published: Path, client: TestClient, app_token: str, owner: Granted, api: str, scenario: str
) -> None:
    word, folder, _ = ANNUAL_APIS[api]
    expected = read_json(
        published
        / f"hmrc-fixtures/paye-des-stub/resources/public/scenarios/{folder}/{scenario}.json"
    )
    utr = str(owner.user.sa_utr)
    url = f"/individual-paye-test-support/sa/{utr}/{word}/annual-summary/{YEAR}"
    assert_identical(_support_post(client, app_token, url, {"scenario": scenario}), expected)
    response = _get(client, owner.access_token, api, utr)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert_identical(parse_json(response.content), expected)


@pytest.mark.parametrize("scenario", ["HAPPY_PATH_1", "HAPPY_PATH_2"])
def test_ni_scenarios_are_created_and_served_digit_for_digit(
    published: Path, client: TestClient, app_token: str, owner: Granted, scenario: str
) -> None:
    stub = published / "hmrc-fixtures/national-insurance-des-stub/resources/public"
    expected = read_json(stub / f"scenarios/{scenario}.json")
    utr = str(owner.user.sa_utr)
    url = f"/national-insurance-test-support/sa/{utr}/annual-summary/{YEAR}"
    assert_identical(_support_post(client, app_token, url, {"scenario": scenario}), expected)
    response = _get(client, owner.access_token, "national-insurance", utr)
    assert_identical(parse_json(response.content), expected)
    # The stub's OAS inlines the same answers as examples.
    examples = _load_yaml(stub / "api/conf/1.0/application.yaml")["components"]["examples"]
    name = "responseHappyPath1" if scenario == "HAPPY_PATH_1" else "responseHappyPath2"
    assert_same_shape(parse_json(response.content), examples[name]["value"])
    # And the public NI 1.1 schema's required fields are all there.
    schemas = _load_yaml(published / "hmrc-fixtures" / NI_OAS)["components"]["schemas"]
    summary = schemas["nationalInsuranceSaAnnualSummaryResponse"]
    assert set(summary["required"]) <= set(parse_json(response.content))


@pytest.mark.parametrize("version", ["1.0", "2.0", "2.1"])
def test_paye_test_support_oas_examples(
    published: Path, client: TestClient, app_token: str, owner: Granted, version: str
) -> None:
    oas = _load_yaml(
        published
        / f"hmrc-fixtures/paye-des-stub/resources/public/api/conf/{version}/application.yaml"
    )
    examples = oas["components"]["examples"]
    utr = str(owner.user.sa_utr)
    for word, prefix in [
        ("tax", "tax"),
        ("income", "income"),
        ("employments", "employments"),
        ("benefits", "benefits"),
    ]:
        for number in (1, 2):
            request = examples[f"requestHappyPath{number}"]["value"]
            url = f"/individual-paye-test-support/sa/{utr}/{word}/annual-summary/{YEAR}"
            body = _support_post(client, app_token, url, request)
            assert_same_shape(body, examples[f"{prefix}ResponseHappyPath{number}"]["value"])


@pytest.mark.parametrize("api", sorted(ANNUAL_APIS))
def test_api_oas_200_example_is_the_happy_path(
    published: Path, client: TestClient, app_token: str, owner: Granted, api: str
) -> None:
    oas = _load_yaml(published / "hmrc-fixtures" / ANNUAL_APIS[api][2] / "application.yaml")
    (operation,) = (item["get"] for item in oas["paths"].values())
    example = operation["responses"]["200"]["content"]["application/json"]["example"]
    accepted = oas["components"]["parameters"]["acceptHeader"]["schema"]["enum"]
    assert accepted == [accept(VERSIONS[api])]
    utr = str(owner.user.sa_utr)
    driver.seed_scenario(client, app_token, utr, TaxYear.parse(YEAR))
    response = client.get(
        annual_path(api, utr, YEAR), headers=api_headers(owner.access_token, VERSIONS[api])
    )
    assert_same_shape(parse_json(response.content), example)


def _trigger(client: TestClient, emulator: Emulator, owner: Granted, api: str, code: str) -> Any:
    utr = str(owner.user.sa_utr)
    if code == "SA_UTR_INVALID":
        return _get(client, owner.access_token, api, "1234567890")  # bad check digit
    if code == "TAX_YEAR_INVALID":
        return _get(client, owner.access_token, api, utr, "2023-25")
    if code == "UNAUTHORIZED":
        other, _ = emulator.create_user(["self-assessment"])
        emulator.load_scenario(str(other.sa_utr), TaxYear.parse(YEAR))
        return _get(client, owner.access_token, api, str(other.sa_utr))
    assert code == "NOT_FOUND"
    return _get(client, owner.access_token, api, utr, "2019-20")


@pytest.mark.parametrize("api", [*sorted(ANNUAL_APIS), "national-insurance"])
def test_api_oas_error_examples(
    published: Path, client: TestClient, emulator: Emulator, owner: Granted, api: str
) -> None:
    path = ANNUAL_APIS[api][2] + "/application.yaml" if api in ANNUAL_APIS else NI_OAS
    oas = _load_yaml(published / "hmrc-fixtures" / path)
    (operation,) = (item["get"] for item in oas["paths"].values())
    seen = set()
    for status, answer in operation["responses"].items():
        if status == "200":
            continue
        for example in answer["content"]["application/json"]["examples"].values():
            value = example["value"]
            response = _trigger(client, emulator, owner, api, value["code"])
            assert response.status_code == int(status)
            assert response.json() == value
            seen.add(value["code"])
    assert seen == {"SA_UTR_INVALID", "TAX_YEAR_INVALID", "UNAUTHORIZED", "NOT_FOUND"}


def test_tax_year_schema_example_is_accepted(
    published: Path, client: TestClient, owner: Granted
) -> None:
    schema = read_json(
        published / "hmrc-fixtures/api-documentation-frontend/public/common/schemas/tax-year.json"
    )
    example = schema["example"]
    ok = _get(client, owner.access_token, "individual-income", str(owner.user.sa_utr), example)
    assert ok.json()["code"] == "NOT_FOUND"  # a well-formed year without data
    bad = _get(client, owner.access_token, "individual-income", str(owner.user.sa_utr), "2015-6")
    assert bad.json()["code"] == "TAX_YEAR_INVALID"


# --------------------------------------------------------------------------- Create Test User
def test_create_test_user_matches_example_and_schema(
    published: Path, client: TestClient, app_token: str
) -> None:
    conf = published / "hmrc-fixtures/api-platform-test-user/resources/public/api/conf/1.0"
    request = read_json(conf / "examples/create-individual-request.json")
    example = read_json(conf / "examples/create-individual-response.json")
    response = client.post(
        "/create-test-user/individuals", json=request, headers=api_headers(app_token, "1.0")
    )
    assert response.status_code == 201
    body = response.json()
    assert validate(body, conf / "schemas/create-individual-response.json") == []
    assert set(body) == set(example)
    for key, value in example.items():
        assert type(body[key]) is type(value), key
    assert set(body["individualDetails"]["address"]) == set(example["individualDetails"]["address"])
    assert body["eoriNumber"] == request["eoriNumber"]
    assert len(body["userId"]) == 12
    assert body["userId"].isdigit()
    assert len(body["password"]) == 12
    assert body["password"].isalnum()
    assert body["emailAddress"] == body["userFullName"].replace(" ", ".").lower() + "@example.com"


def test_create_test_user_services_shape(
    published: Path, client: TestClient, app_token: str
) -> None:
    conf = published / "hmrc-fixtures/api-platform-test-user/resources/public/api/conf/1.0"
    response = client.get("/create-test-user/services", headers=api_headers(app_token, "1.0"))
    assert validate(response.json(), conf / "schemas/get-services-response.json") == []
    keys = {item["key"] for item in response.json()}
    request_schema = read_json(conf / "schemas/create-individual-request.json")
    enum = {e["enum"][0] for e in request_schema["properties"]["serviceNames"]["items"]["oneOf"]}
    assert keys == enum


# --------------------------------------------------------------------------- MTD employments
def _mtd(client: TestClient, owner: Granted, path: str, **headers: str) -> Any:
    return client.get(
        f"/individuals/employments-income/{owner.user.nino}/{path}",
        headers=api_headers(owner.access_token, "2.0", **headers),
    )


def test_mtd_accept_version_is_the_oas_one(published: Path) -> None:
    headers = _load_yaml(published / "hmrc-fixtures" / IEI / "common/headers.yaml")
    assert headers["components"]["parameters"]["acceptHeader"]["schema"]["enum"] == [accept("2.0")]


def test_mtd_default_answers_are_hmrcs_examples(
    published: Path, client: TestClient, owner: Granted
) -> None:
    examples = published / "hmrc-fixtures" / IEI / "examples/employments"
    employment_id = "4557ecb5-fd32-48cc-81f5-e6acd1099f3c"
    listed = _mtd(client, owner, YEAR)
    assert listed.status_code == 200
    assert listed.headers["X-CorrelationId"]
    assert_identical(parse_json(listed.content), read_json(examples / "list_response.json"))
    custom = _mtd(client, owner, f"{YEAR}/{employment_id}")
    assert_identical(
        parse_json(custom.content), read_json(examples / "retrieve_response_custom.json")
    )
    ignored = _mtd(
        client, owner, f"{YEAR}/{employment_id}", **{"Gov-Test-Scenario": "HMRC_IGNORED"}
    )
    assert_identical(
        parse_json(ignored.content), read_json(examples / "retrieve_response_hmrc.json")
    )
    hmrc = _mtd(
        client, owner, f"{YEAR}/{employment_id}", **{"Gov-Test-Scenario": "HMRC_EMPLOYMENT"}
    )
    assert (
        validate(
            hmrc.json(),
            published / "hmrc-fixtures" / IEI / "schemas/employments_retrieve_response.json",
        )
        == []
    )


@pytest.mark.parametrize(
    ("year", "source", "file"),
    [
        ("2022-23", "user", "retrieve_user_response_NON_TYS.json"),
        ("2023-24", "user", "retrieve_user_response_TYS.json"),
        ("2024-25", "user", "retrieve_user_response_TYS.json"),
        ("2022-23", "hmrc-held", "retrieve_hmrc_response_NON_TYS.json"),
        ("2023-24", "hmrc-held", "retrieve_hmrc_response_TYS.json"),
        ("2024-25", "hmrc-held", "retrieve_hmrc_response_TYS.json"),
    ],
)
def test_mtd_financial_details_examples(
    published: Path, client: TestClient, owner: Granted, year: str, source: str, file: str
) -> None:
    expected = read_json(
        published / "hmrc-fixtures" / IEI / "examples/employments/financialDetails" / file
    )
    path = f"{year}/4557ecb5-fd32-48cc-81f5-e6acd1099f3c/financial-details?source={source}"
    assert_identical(parse_json(_mtd(client, owner, path).content), expected)


MTD_ERRORS = {
    "formatNino": 400,
    "formatTaxYear": 400,
    "formatEmploymentId": 400,
    "formatSource": 400,
    "ruleTaxYearNotSupported": 400,
    "ruleTaxYearRangeInvalid": 400,
    "ruleIncorrectGovTestScenario": 400,
    "clientOrAgentNotAuthorised": 403,
    "notFound": 404,
    "requestCannotBeFulfilled": 422,
}


def _mtd_error_triggers(client: TestClient, emulator: Emulator, owner: Granted) -> dict[str, Any]:
    nino = owner.user.nino
    employment = "4557ecb5-fd32-48cc-81f5-e6acd1099f3c"
    not_mtd = granted_user(emulator, ("self-assessment", "national-insurance"))

    def get(path: str, token: str = owner.access_token, **headers: str) -> Any:
        return client.get(
            f"/individuals/employments-income/{path}", headers=api_headers(token, "2.0", **headers)
        )

    return {
        "formatNino": get(f"AB12/{YEAR}"),
        "formatTaxYear": get(f"{nino}/2023"),
        "formatEmploymentId": get(f"{nino}/{YEAR}/not-a-uuid"),
        "formatSource": get(f"{nino}/{YEAR}/{employment}/financial-details?source=mine"),
        "ruleTaxYearNotSupported": get(f"{nino}/2018-19"),
        "ruleTaxYearRangeInvalid": get(f"{nino}/2023-25"),
        "ruleIncorrectGovTestScenario": get(f"{nino}/{YEAR}", **{"Gov-Test-Scenario": "NOPE"}),
        "clientOrAgentNotAuthorised": get(f"{not_mtd.user.nino}/{YEAR}", not_mtd.access_token),
        "notFound": get(f"{nino}/{YEAR}", **{"Gov-Test-Scenario": "NOT_FOUND"}),
        "requestCannotBeFulfilled": get(
            f"{nino}/{YEAR}", **{"Gov-Test-Scenario": "REQUEST_CANNOT_BE_FULFILLED"}
        ),
    }


def test_mtd_error_examples(
    published: Path, client: TestClient, emulator: Emulator, owner: Granted
) -> None:
    examples = _load_yaml(published / "hmrc-fixtures" / IEI / "common/errors.yaml")["components"][
        "examples"
    ]
    triggered = _mtd_error_triggers(client, emulator, owner)
    assert set(triggered) == set(MTD_ERRORS)
    for name, response in triggered.items():
        assert response.status_code == MTD_ERRORS[name], name
        assert response.json() == examples[name]["value"], name
        assert response.headers["X-CorrelationId"]
    # Every error the three read operations document is among those checked above.
    documented = set()
    for operation in (
        "employments_list",
        "employments_retrieve",
        "employments_financial_details_retrieve",
    ):
        oas = _load_yaml(published / "hmrc-fixtures" / IEI / f"{operation}.yaml")
        for status, answer in oas["responses"].items():
            if str(status) == "200":
                continue
            for example in (
                answer.get("content", {}).get("application/json", {}).get("examples", {}).values()
            ):
                documented.add(example["$ref"].rsplit("/", 1)[1])
    assert documented == set(MTD_ERRORS)


def test_mtd_stateful_answers_fit_hmrcs_schemas(
    published: Path, client: TestClient, emulator: Emulator, owner: Granted
) -> None:
    schemas = published / "hmrc-fixtures" / IEI / "schemas"
    example = read_json(
        published
        / "hmrc-fixtures"
        / IEI
        / "examples/employments/financialDetails/retrieve_hmrc_response_TYS.json"
    )
    seeded = {
        **{k: v for k, v in example["employment"].items() if k != "employer"},
        **example["employment"]["employer"],
    }
    for year, definition in [("2022-23", "def1"), ("2023-24", "def2"), ("2024-25", "def3")]:
        (stored,) = emulator.put_employments_income(
            str(owner.user.nino), TaxYear.parse(year), [seeded]
        )
        employment_id = stored["employmentId"]
        for path, schema in [
            (year, "employments_list_response.json"),
            (f"{year}/{employment_id}", "employments_retrieve_response.json"),
            (
                f"{year}/{employment_id}/financial-details",
                f"employments_financial_retrieve_response/{definition}/employments_financial_retrieve_response.json",
            ),
        ]:
            for scenario in ({}, {"Gov-Test-Scenario": "STATEFUL"}):
                response = _mtd(client, owner, path, **scenario)
                assert response.status_code == 200, response.text
                assert validate(parse_json(response.content), schemas / schema) == [], path
        details = parse_json(
            _mtd(client, owner, f"{year}/{employment_id}/financial-details").content
        )
        assert_identical(details["employment"]["pay"], example["employment"]["pay"])
        assert ("offPayrollWorker" in details["employment"]) == (year != "2022-23")


# --------------------------------------------------------------------------- fraud validator
def test_validator_answers_in_the_oas_shape(
    published: Path, client: TestClient, app_token: str
) -> None:
    oas = _load_yaml(published / "hmrc-fixtures/txm-fph-validator-api/resolved.1.0.yaml")
    validate_op = oas["paths"]["/test/fraud-prevention-headers/validate"]["get"]
    content = validate_op["responses"]["200"]["content"]["application/json"]
    properties = set(content["schema"]["properties"])
    no_headers = content["examples"]["noFphHeadersProvided"]["value"]
    response = client.get(
        "/test/fraud-prevention-headers/validate", headers=api_headers(app_token, "1.0")
    )
    assert response.status_code == 200
    body = response.json()
    assert set(body) <= properties
    assert set(content["schema"]["required"]) <= set(body)
    assert (body["code"], body["message"]) == (no_headers["code"], no_headers["message"])
    some = client.get(
        "/test/fraud-prevention-headers/validate",
        headers=api_headers(
            app_token, "1.0", **{"Gov-Client-Connection-Method": "WEB_APP_VIA_SERVER"}
        ),
    ).json()
    assert some["code"] == "INVALID_HEADERS"
    item_schema = content["schema"]["properties"]["errors"]["items"]
    for item in some["errors"]:
        assert set(item) == set(item_schema["required"])
        assert isinstance(item["headers"], list)
        assert item["headers"]


def test_validation_feedback_in_the_oas_shape(
    published: Path, client: TestClient, app_token: str, owner: Granted
) -> None:
    oas = _load_yaml(published / "hmrc-fixtures/txm-fph-validator-api/resolved.1.0.yaml")
    feedback_op = oas["paths"]["/test/fraud-prevention-headers/{api}/validation-feedback"]["get"]
    schema = feedback_op["responses"]["200"]["content"]["application/json"]["schema"]
    request_schema = schema["properties"]["requests"]["items"]
    header_schema = request_schema["properties"]["headers"]["items"]
    cross_schema = request_schema["properties"]["crossValidation"]["items"]
    _mtd(
        client,
        owner,
        YEAR,
        **{
            "Gov-Client-Connection-Method": "WEB_APP_VIA_SERVER",
            "Gov-Client-Public-IP": "198.51.100.0",
            "Gov-Vendor-Public-IP": "203.0.113.6",
            "Gov-Vendor-Forwarded": "by=203.0.113.6&for=198.51.100.9",
        },
    )
    answer = client.get(
        "/test/fraud-prevention-headers/individuals-employments-income-mtd/validation-feedback",
        params={"connectionMethod": "WEB_APP_VIA_SERVER"},
        headers=api_headers(app_token, "1.0"),
    ).json()
    (request,) = answer["requests"]
    assert set(request_schema["required"]) <= set(request)
    assert request["path"] == f"/individuals/employments-income/{owner.user.nino}/{YEAR}"
    assert request["code"] == "INVALID_HEADERS"
    codes = {
        "VALID_HEADER",
        "INVALID_HEADER",
        "POTENTIALLY_INVALID_HEADER",
        "MISSING_HEADER",
        "UNEXPECTED_HEADER",
        "TEST_SCENARIO_HEADER",
    }
    for header in request["headers"]:
        assert set(header_schema["required"]) <= set(header)
        assert header["code"] in codes
    missing = {h["header"] for h in request["headers"] if h["code"] == "MISSING_HEADER"}
    assert "gov-client-device-id" in missing
    (cross,) = request["crossValidation"]
    assert set(cross_schema["required"]) <= set(cross)
    assert cross["code"] == "INVALID_HEADERS"
