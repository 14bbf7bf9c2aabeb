"""HMRC's error answers become typed errors with messages that say what to do and hold no token."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from hmrc_sync.client import (
    HmrcBadRequest,
    HmrcForbidden,
    HmrcNotSignedUpToMtd,
    HmrcRejectedSetting,
    HmrcUnauthorised,
)
from hmrc_sync.errors import ExitCode, HmrcError, HmrcNotFound, HmrcUnavailable
from hmrc_sync.taxyear import TaxYear
from tests.unit.client.fakes import (
    EMPLOYMENT_ID,
    FAKE_TOKEN,
    NINO,
    UTR,
    Harness,
    error_response,
    json_response,
)
from tests.unit.client.hmrc_examples import ERROR_SOURCES, error_examples

YEAR = TaxYear(2024)

CALLS: dict[str, Callable[[Harness], Any]] = {
    "individual-tax": lambda h: h.client.get_individual_tax(UTR, YEAR),
    "individual-income": lambda h: h.client.get_individual_income(UTR, YEAR),
    "individual-employment": lambda h: h.client.get_individual_employment(UTR, YEAR),
    "individual-benefits": lambda h: h.client.get_individual_benefits(UTR, YEAR),
    "national-insurance": lambda h: h.client.get_national_insurance(UTR, YEAR),
    "individuals-employments-income": lambda h: h.client.get_employment_financial_details(
        NINO, YEAR, EMPLOYMENT_ID
    ),
}

CLASS_BY_STATUS: dict[int, type[HmrcError]] = {
    400: HmrcBadRequest,
    401: HmrcUnauthorised,
    403: HmrcForbidden,
    404: HmrcNotFound,
}


def _raise(harness: Harness, api: str) -> HmrcError:
    with pytest.raises(HmrcError) as caught:
        CALLS[api](harness)
    return caught.value


@pytest.mark.parametrize("api", sorted(ERROR_SOURCES))
def test_every_documented_error_has_a_type_and_guidance(published: Path, api: str) -> None:
    examples = error_examples(published, api)
    assert examples, f"no error examples found for {api}"
    for example in examples:
        harness = Harness(
            lambda _r, e=example: error_response(  # type: ignore[misc]
                e.status, e.code, e.message, {"X-CorrelationId": "corr-1"}
            )
        )
        error = _raise(harness, api)
        expected = CLASS_BY_STATUS.get(example.status, HmrcError)
        assert isinstance(error, expected), example.source
        assert (error.status, error.code, error.correlation_id) == (
            example.status,
            example.code,
            "corr-1",
        ), example.source
        # a known code gets our own guidance rather than a quote of HMRC's text
        assert "HMRC said" not in str(error), example.source
        assert example.code in str(error), example.source
        assert "corr-1" in str(error), example.source
        assert len(harness.requests) == 1, f"{example.source} must not be retried"


@pytest.mark.parametrize(
    ("status", "code", "cls", "advice"),
    [
        (403, "CLIENT_OR_AGENT_NOT_AUTHORISED", HmrcNotSignedUpToMtd,
         "not signed up to MTD Income Tax; use --source individual"),
        (401, "INVALID_CREDENTIALS", HmrcUnauthorised, "hmrc-sync auth login"),
        (401, "MISSING_CREDENTIALS", HmrcUnauthorised, "hmrc-sync auth login"),
        (401, "UNAUTHORIZED", HmrcUnauthorised, "HMRC_SYNC_UTR"),
        (401, "INCORRECT_ACCESS_TOKEN_TYPE", HmrcUnauthorised, "user's access token"),
        (403, "INVALID_SCOPE", HmrcForbidden, "HMRC_SYNC_SCOPES"),
        (403, "RESOURCE_FORBIDDEN", HmrcForbidden, "subscribe"),
        (403, "FORBIDDEN", HmrcForbidden, "HMRC_SYNC_NINO"),
        (400, "RULE_TAX_YEAR_NOT_SUPPORTED", HmrcBadRequest, "2024-25"),
        (400, "SA_UTR_INVALID", HmrcRejectedSetting, "the UTR in HMRC_SYNC_UTR is not valid"),
        (400, "FORMAT_NINO", HmrcRejectedSetting, "HMRC_SYNC_NINO is not valid"),
        (406, "ACCEPT_HEADER_INVALID", HmrcError, "version 2.0"),
        (404, "MATCHING_RESOURCE_NOT_FOUND", HmrcNotFound, "2024-25"),
        (422, "RULE_REQUEST_CANNOT_BE_FULFILLED", HmrcError, "try again later"),
    ],
)  # fmt: skip
def test_messages_say_what_to_do(status: int, code: str, cls: type[HmrcError], advice: str) -> None:
    error = _raise(
        Harness(lambda _r: error_response(status, code)), "individuals-employments-income"
    )
    assert type(error) is cls
    assert advice in str(error)
    assert "individuals-employments-income 2024-25" in str(error)


def test_an_identifier_from_the_settings_that_hmrc_rejects_is_a_configuration_error() -> None:
    error = _raise(Harness(lambda _r: error_response(400, "SA_UTR_INVALID")), "individual-tax")
    assert error.exit_code == ExitCode.CONFIGURATION


def test_not_found_explains_when_hmrc_has_data() -> None:
    error = _raise(Harness(lambda _r: error_response(404, "NOT_FOUND")), "individual-income")
    assert isinstance(error, HmrcNotFound)
    assert "no individual-income data for tax year 2024-25" in str(error)
    assert "reconciliation" in str(error)


def test_unknown_codes_fall_back_on_status_and_quote_hmrc() -> None:
    harness = Harness(lambda _r: error_response(403, "BRAND_NEW_CODE", "A new\nreason"))
    error = _raise(harness, "individual-tax")
    assert type(error) is HmrcForbidden
    assert "HMRC said: 'A new reason'" in str(error)


def test_a_known_code_with_an_unexpected_status_is_judged_by_status() -> None:
    error = _raise(Harness(lambda _r: error_response(400, "NOT_FOUND")), "individual-tax")
    assert type(error) is HmrcBadRequest


def test_an_error_body_that_is_not_json() -> None:
    harness = Harness(lambda _r: httpx.Response(400, text="<html>Bad Request</html>"))
    error = _raise(harness, "individual-tax")
    assert type(error) is HmrcBadRequest
    assert error.code is None


def test_other_statuses_are_plain_hmrc_errors() -> None:
    error = _raise(Harness(lambda _r: error_response(501, "NOT_IMPLEMENTED")), "individual-tax")
    assert type(error) is HmrcError
    assert error.status == 501


def test_quoted_messages_are_bounded() -> None:
    harness = Harness(lambda _r: error_response(400, "WHATEVER", "x" * 5000))
    assert len(str(_raise(harness, "individual-tax"))) < 500


# ------------------------------------------------------------------------------ no token leaks
def _echo_token(status: int) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        auth = request.headers["Authorization"]
        return json_response(
            status,
            {"code": f"CODE {auth}", "message": f"you sent {auth} and {auth.split()[1]}"},
            {"X-CorrelationId": auth},
        )

    return handler


def _network_failure(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError(f"refused: {request.headers['Authorization']}", request=request)


@pytest.mark.parametrize(
    "handler",
    [_echo_token(400), _echo_token(401), _echo_token(403), _echo_token(404), _echo_token(418),
     _echo_token(503), _network_failure],
)  # fmt: skip
def test_the_token_never_appears_in_errors_or_records(
    handler: Callable[[httpx.Request], httpx.Response],
) -> None:
    harness = Harness(handler, max_attempts=2)
    with pytest.raises(HmrcError) as caught:
        harness.client.get_individual_tax(UTR, YEAR)
    error = caught.value
    assert harness.requests[0].headers["Authorization"] == f"Bearer {FAKE_TOKEN}"
    visible = [str(error), repr(error), str(error.code), str(error.correlation_id)]
    visible += [repr(record) for record in harness.records]
    for text in visible:
        assert FAKE_TOKEN not in text
    if handler is _network_failure:
        assert isinstance(error, HmrcUnavailable)
        assert "ConnectError" in str(error)
        assert "[redacted]" in str(error)


@pytest.mark.parametrize(
    ("api", "message"),
    [
        ("individual-income", "error"),
        ("individual-income", "Matching resource not found"),
        ("individuals-employments-income",
         "A resource with the name in the request can not be found in the API"),
    ],
)  # fmt: skip
def test_the_gateways_not_found_is_a_retired_version(api: str, message: str) -> None:
    from hmrc_sync.errors import ExitCode, HmrcApiVersionRetired

    harness = Harness(lambda _r: error_response(404, "MATCHING_RESOURCE_NOT_FOUND", message))
    error = _raise(harness, api)
    assert type(error) is HmrcApiVersionRetired
    assert error.exit_code == ExitCode.API_VERSION_RETIRED
    assert error.api == api
    assert "retired" in str(error)


def test_a_404_without_the_no_data_code_is_not_no_data() -> None:
    error = _raise(Harness(lambda _r: error_response(404, "SOMETHING_ELSE")), "individual-tax")
    assert type(error) is HmrcError


def test_deprecation_headers_are_collected_once_per_api() -> None:
    from tests.unit.client.fakes import json_response

    headers = {
        "Deprecation": "@1764547200",
        "Sunset": "Wed, 01 Sep 2027 00:00:00 GMT",
        "Link": '<https://example.test/docs>; rel="deprecation"\x01',
    }
    harness = Harness(lambda _r: json_response(200, {"code": "VALID_HEADERS"}, headers))
    harness.client.validate_fraud_headers()
    harness.client.validate_fraud_headers()
    notices = harness.client.deprecations
    assert list(notices) == ["test-fraud-prevention-headers"]
    notice = notices["test-fraud-prevention-headers"]
    assert (notice.version, notice.deprecation, notice.sunset) == (
        "1.0",
        "@1764547200",
        "Wed, 01 Sep 2027 00:00:00 GMT",
    )
    assert notice.link == '<https://example.test/docs>; rel="deprecation"'
    assert "withdrawn on Wed, 01 Sep 2027" in notice.describe()


def test_no_deprecation_headers_no_notice() -> None:
    from tests.unit.client.fakes import json_response

    harness = Harness(lambda _r: json_response(200, {"code": "VALID_HEADERS"}))
    harness.client.validate_fraud_headers()
    assert harness.client.deprecations == {}
