"""``HmrcClient`` over a mock transport: requests, typed answers, retries, budget, records."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from hmrc_sync.client import (
    FinancialDetailsSource,
    HmrcResponseInvalid,
    InvalidIdentifier,
    Outcome,
    RateLimiter,
    RequestRecord,
)
from hmrc_sync.client import endpoints as ep
from hmrc_sync.client.answers import json_object
from hmrc_sync.errors import HmrcNotFound, HmrcUnavailable, RequestBudgetExceeded
from hmrc_sync.taxyear import TaxYear
from tests.unit.client.fakes import (
    EMPLOYMENT_ID,
    NINO,
    UTR,
    WALL_CLOCK_START,
    Harness,
    error_response,
    json_response,
)

YEAR = TaxYear(2024)
FIXTURES = "hmrc-fixtures"
SCENARIOS = f"{FIXTURES}/paye-des-stub/resources/public/scenarios"
IEI_EXAMPLES = (
    f"{FIXTURES}/individuals-employments-income-api/resources/public/api/conf/2.0"
    "/examples/employments"
)


def serve(*responses: httpx.Response | Exception) -> Callable[[httpx.Request], httpx.Response]:
    """A handler that gives these answers in turn (an exception is raised, as a transport would)."""
    queue: Iterator[httpx.Response | Exception] = iter(responses)

    def handler(request: httpx.Request) -> httpx.Response:
        answer = next(queue)
        if isinstance(answer, Exception):
            raise answer
        return answer

    return handler


def fixture_response(published: Path, relative: str) -> httpx.Response:
    return json_response(200, (published / relative).read_text(), {"X-CorrelationId": "c-200"})


def outcomes(records: list[RequestRecord]) -> list[str]:
    return [record.outcome.value for record in records]


# ------------------------------------------------------------------------------ typed endpoints
@pytest.mark.parametrize(
    ("method", "fixture", "path", "accept", "check"),
    [
        ("get_individual_tax", f"{SCENARIOS}/individual-tax/HAPPY_PATH_1.json",
         f"/individual-tax/sa/{UTR}/annual-summary/2024-25", "application/vnd.hmrc.1.1+json",
         lambda r: r.employments[0].tax_taken_off_pay == Decimal("890.35")),
        ("get_individual_income", f"{SCENARIOS}/individual-income/HAPPY_PATH_1.json",
         f"/individual-income/sa/{UTR}/annual-summary/2024-25", "application/vnd.hmrc.1.2+json",
         lambda r: r.employments[1].pay_from_employment == Decimal("8650.00")),
        ("get_individual_employment", f"{SCENARIOS}/individual-employment/HAPPY_PATH_1.json",
         f"/individual-employment/sa/{UTR}/annual-summary/2024-25",
         "application/vnd.hmrc.1.2+json",
         lambda r: r.employments[0].employer_name == "Company XYZ"),
        ("get_individual_benefits", f"{SCENARIOS}/individual-benefits/HAPPY_PATH_1.json",
         f"/individual-benefits/sa/{UTR}/annual-summary/2024-25", "application/vnd.hmrc.1.1+json",
         lambda r: r.employments[1].fuel_for_company_cars_and_vans_benefit == Decimal(249)),
        ("get_national_insurance",
         f"{FIXTURES}/national-insurance-des-stub/resources/public/scenarios/HAPPY_PATH_1.json",
         f"/national-insurance/sa/{UTR}/annual-summary/2024-25", "application/vnd.hmrc.1.1+json",
         lambda r: r.class1.total_nicable_earnings == Decimal(10)),
    ],
)  # fmt: skip
def test_annual_summaries(
    published: Path, method: str, fixture: str, path: str, accept: str, check: Callable[[Any], bool]
) -> None:
    harness = Harness(serve(fixture_response(published, fixture)))
    result = getattr(harness.client, method)("12345 67890", YEAR)
    assert check(result)
    assert result.raw == json.loads((published / fixture).read_text(), parse_float=Decimal)
    (request,) = harness.requests
    assert (request.method, request.url.path, request.headers["Accept"]) == ("GET", path, accept)
    assert harness.records == [
        RequestRecord(
            requested_at=WALL_CLOCK_START,
            method="GET",
            endpoint=path,
            api=path.split("/")[1],
            tax_year="2024/25",
            attempt=1,
            http_status=200,
            hmrc_code=None,
            correlation_id="c-200",
            duration_ms=50,
            outcome=Outcome.OK,
        )
    ]


def test_list_and_retrieve_employments(published: Path) -> None:
    harness = Harness(
        serve(
            fixture_response(published, f"{IEI_EXAMPLES}/list_response.json"),
            fixture_response(published, f"{IEI_EXAMPLES}/retrieve_response_hmrc.json"),
        )
    )
    listing = harness.client.list_employments("aa 123456 a", YEAR)
    employment = harness.client.get_employment(NINO, YEAR, listing.employments[0].employment_id)
    assert listing.custom_employments[0].employer_name == "Employer Name Ltd."
    assert employment.employer_ref == "123/AZ12334"
    assert [r.url.path for r in harness.requests] == [
        f"/individuals/employments-income/{NINO}/2024-25",
        f"/individuals/employments-income/{NINO}/2024-25/{EMPLOYMENT_ID}",
    ]
    assert {r.headers["Accept"] for r in harness.requests} == {"application/vnd.hmrc.2.0+json"}
    assert {r.api for r in harness.records} == {"individuals-employments-income"}


@pytest.mark.parametrize(
    ("source", "query"),
    [(None, "latest"), (FinancialDetailsSource.HMRC_HELD, "hmrc-held"),
     (FinancialDetailsSource.USER, "user")],
)  # fmt: skip
def test_financial_details_source(
    published: Path, source: FinancialDetailsSource | None, query: str
) -> None:
    fixture = f"{IEI_EXAMPLES}/financialDetails/retrieve_hmrc_response_TYS.json"
    harness = Harness(serve(fixture_response(published, fixture)))
    kwargs = {"source": source} if source else {}
    details = harness.client.get_employment_financial_details(NINO, YEAR, EMPLOYMENT_ID, **kwargs)
    pay = details.employment.pay
    assert pay is not None
    assert pay.taxable_pay_to_date == Decimal("34234.15")
    (request,) = harness.requests
    assert request.url.path.endswith(f"/{EMPLOYMENT_ID}/financial-details")
    assert dict(request.url.params) == {"source": query}
    assert "?" not in harness.records[0].endpoint


def test_fraud_header_validation(published: Path) -> None:
    oas = yaml.safe_load(
        (published / FIXTURES / "txm-fph-validator-api/resolved.1.0.yaml").read_text()
    )
    content = oas["paths"]["/test/fraud-prevention-headers/validate"]["get"]["responses"]["200"]
    answers = [e["value"] for e in content["content"]["application/json"]["examples"].values()]
    assert answers
    harness = Harness(
        serve(*(json_response(200, a) for a in answers), json_response(200, {"requests": []})),
        extra_headers=lambda: {"Gov-Client-Connection-Method": "BATCH_PROCESS_DIRECT"},
    )
    for answer in answers:
        assert harness.client.validate_fraud_headers() == answer
    feedback = harness.client.fraud_validation_feedback(
        "individuals-employments-income-mtd", "BATCH_PROCESS_DIRECT"
    )
    assert feedback == {"requests": []}
    last = harness.requests[-1]
    assert last.url.path == (
        "/test/fraud-prevention-headers/individuals-employments-income-mtd/validation-feedback"
    )
    assert dict(last.url.params) == {"connectionMethod": "BATCH_PROCESS_DIRECT"}
    for request in harness.requests:
        assert request.headers["Accept"] == "application/vnd.hmrc.1.0+json"
        assert request.headers["Gov-Client-Connection-Method"] == "BATCH_PROCESS_DIRECT"
    assert {r.api for r in harness.records} == {"test-fraud-prevention-headers"}
    assert {r.tax_year for r in harness.records} == {None}


def test_extra_headers_are_asked_for_on_every_attempt() -> None:
    calls: list[int] = []

    def headers() -> dict[str, str]:
        calls.append(1)
        return {"Gov-Client-Timezone": f"UTC+00:0{len(calls)}", "accept": "text/plain"}

    harness = Harness(
        serve(error_response(503, "SERVER_ERROR"), json_response(200, {"employments": []})),
        extra_headers=headers,
    )
    harness.client.get_individual_employment(UTR, YEAR)
    zones = [r.headers["Gov-Client-Timezone"] for r in harness.requests]
    assert zones == ["UTC+00:01", "UTC+00:02"]
    assert [r.headers.get_list("Accept") for r in harness.requests] == [
        ["application/vnd.hmrc.1.2+json"]
    ] * 2


def test_bad_identifiers_fail_before_any_request() -> None:
    harness = Harness(serve())
    with pytest.raises(InvalidIdentifier):
        harness.client.get_individual_tax("123", YEAR)
    with pytest.raises(InvalidIdentifier):
        harness.client.get_employment(NINO, YEAR, "not-a-uuid")
    assert harness.requests == []
    assert harness.records == []
    assert harness.budget.used == 0


# ------------------------------------------------------------------------------ answers
def test_not_found_is_not_retried_and_is_recorded_as_such() -> None:
    harness = Harness(serve(error_response(404, "NOT_FOUND", headers={"X-CorrelationId": "c4"})))
    with pytest.raises(HmrcNotFound):
        harness.client.get_individual_tax(UTR, YEAR)
    (record,) = harness.records
    assert (record.outcome, record.http_status, record.hmrc_code, record.correlation_id) == (
        Outcome.NOT_FOUND,
        404,
        "NOT_FOUND",
        "c4",
    )


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ('{"employments":[{"employerPayeReference":"1/A"}],'
         '"pensionsAnnuitiesAndOtherStateBenefits":{},"refunds":{}}',
         "employments.0.taxTakenOffPay: Field required"),
        ("<html>maintenance</html>", "not a JSON document"),
        ("[1, 2]", "(document)"),
    ],
)  # fmt: skip
def test_an_undocumented_success_body_is_an_error(body: str, problem: str) -> None:
    harness = Harness(serve(json_response(200, body)))
    with pytest.raises(HmrcResponseInvalid, match="documented format") as caught:
        harness.client.get_individual_tax(UTR, YEAR)
    assert problem in str(caught.value)
    assert caught.value.status == 200
    assert outcomes(harness.records) == ["error"]


@pytest.mark.parametrize("header", ["X-CorrelationId", "X-Correlation-ID", "CorrelationId"])
def test_correlation_id_headers(header: str) -> None:
    harness = Harness(serve(json_response(200, {"employments": []}, {header: "abc-123"})))
    harness.client.get_individual_benefits(UTR, YEAR)
    assert harness.records[0].correlation_id == "abc-123"


# ------------------------------------------------------------------------------ retries
@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_retryable_statuses_are_retried_with_jittered_backoff(status: int) -> None:
    harness = Harness(
        serve(
            error_response(status, "X"),
            error_response(status, "X"),
            json_response(200, {"employments": []}),
        )
    )
    harness.client.get_individual_employment(UTR, YEAR)
    assert outcomes(harness.records) == ["retry", "retry", "ok"]
    assert [r.attempt for r in harness.records] == [1, 2, 3]
    assert harness.backoff_sleeps == pytest.approx(harness.expected_backoffs(2))
    assert harness.budget.used == 3


def test_retries_stop_after_max_attempts() -> None:
    harness = Harness(lambda _r: error_response(503, "SERVER_ERROR"), max_attempts=4)
    with pytest.raises(HmrcUnavailable, match="tried 4 times") as caught:
        harness.client.get_individual_tax(UTR, YEAR)
    assert (caught.value.status, caught.value.code) == (503, "SERVER_ERROR")
    assert outcomes(harness.records) == ["retry", "retry", "retry", "error"]
    assert len(harness.backoff_sleeps) == 3
    assert harness.backoff_sleeps == pytest.approx(harness.expected_backoffs(3))


def test_throttling_that_never_ends_says_so() -> None:
    harness = Harness(lambda _r: error_response(429, "MESSAGE_THROTTLED_OUT"), max_attempts=2)
    with pytest.raises(HmrcUnavailable, match="rate limit"):
        harness.client.get_individual_tax(UTR, YEAR)


@pytest.mark.parametrize(
    ("retry_after", "wait"),
    [("2", 2.0), ("Tue, 01 Jul 2025 06:00:07 GMT", 7.0), ("garbage", None)],
)
def test_retry_after_is_honoured(retry_after: str, wait: float | None) -> None:
    harness = Harness(
        serve(
            error_response(429, "MESSAGE_THROTTLED_OUT", headers={"Retry-After": retry_after}),
            json_response(200, {"employments": []}),
        )
    )
    harness.client.get_individual_benefits(UTR, YEAR)
    expected = wait if wait is not None else harness.expected_backoffs(1)[0]
    # The HTTP date is read against the wall clock at the answer (50 ms after 06:00:00).
    assert harness.backoff_sleeps == pytest.approx([expected], abs=0.06)
    assert harness.records[0].hmrc_code == "MESSAGE_THROTTLED_OUT"


def test_a_retry_after_longer_than_a_run_waits_gives_up_at_once() -> None:
    harness = Harness(
        serve(error_response(503, "SCHEDULED_MAINTENANCE", headers={"Retry-After": "3600"}))
    )
    with pytest.raises(HmrcUnavailable, match="wait 3600 s"):
        harness.client.get_individual_tax(UTR, YEAR)
    assert harness.backoff_sleeps == []
    assert outcomes(harness.records) == ["error"]


@pytest.mark.parametrize(
    "failure",
    [httpx.ReadTimeout("slow"), httpx.ConnectTimeout("slow"), httpx.ConnectError("refused"),
     httpx.RemoteProtocolError("peer closed"), httpx.ReadError("reset")],
)  # fmt: skip
def test_timeouts_and_connection_errors_are_retried(failure: Exception) -> None:
    harness = Harness(serve(failure, json_response(200, {"employments": []})))
    harness.client.get_individual_employment(UTR, YEAR)
    assert outcomes(harness.records) == ["retry", "ok"]
    assert harness.records[0].http_status is None


def test_network_failure_on_every_attempt() -> None:
    harness = Harness(serve(*[httpx.ReadTimeout("slow")] * 3), max_attempts=3)
    with pytest.raises(HmrcUnavailable, match="could not reach HMRC") as caught:
        harness.client.get_individual_tax(UTR, YEAR)
    assert isinstance(caught.value.__cause__, httpx.ReadTimeout)
    assert outcomes(harness.records) == ["retry", "retry", "network_error"]


def test_a_transport_error_that_cannot_heal_is_not_retried() -> None:
    harness = Harness(serve(httpx.UnsupportedProtocol("no scheme")))
    with pytest.raises(HmrcUnavailable, match="UnsupportedProtocol"):
        harness.client.get_individual_tax(UTR, YEAR)
    assert outcomes(harness.records) == ["network_error"]


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_only_gets_are_retried(method: str) -> None:
    harness = Harness(serve(error_response(503, "SERVER_ERROR"), httpx.ReadTimeout("slow")))
    endpoint = ep.FRAUD_HEADERS_VALIDATE
    with pytest.raises(HmrcUnavailable):
        harness.client.call(method, endpoint, endpoint.path(), json_object)
    with pytest.raises(HmrcUnavailable):
        harness.client.call(method, endpoint, endpoint.path(), json_object)
    assert [r.method for r in harness.requests] == [method, method]
    assert outcomes(harness.records) == ["error", "network_error"]
    assert harness.backoff_sleeps == []


# ------------------------------------------------------------------------------ budget, limiter
def test_the_budget_stops_a_failing_hmrc() -> None:
    harness = Harness(lambda _r: error_response(500, "INTERNAL_SERVER_ERROR"), budget_limit=7)
    with pytest.raises(HmrcUnavailable):
        harness.client.get_individual_tax(UTR, YEAR)  # 5 attempts
    with pytest.raises(RequestBudgetExceeded):
        harness.client.get_individual_income(UTR, YEAR)  # 2 more, then the budget is gone
    assert len(harness.requests) == 7
    assert len(harness.records) == 7
    with pytest.raises(RequestBudgetExceeded):
        harness.client.get_individual_benefits(UTR, YEAR)
    assert len(harness.requests) == 7


class CountingLimiter(RateLimiter):
    def __init__(self) -> None:
        super().__init__(1000)
        self.count = 0

    def acquire(self) -> float:
        self.count += 1
        return super().acquire()


def test_every_attempt_takes_the_limiter() -> None:
    limiter = CountingLimiter()
    answers = serve(error_response(502, "BAD_GATEWAY"), json_response(200, {"employments": []}))
    harness = Harness(answers, limiter=limiter)
    harness.client.get_individual_employment(UTR, YEAR)
    assert limiter.count == 2


def test_concurrent_callers_share_one_client() -> None:
    harness = Harness(lambda _r: json_response(200, {"employments": []}))
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            for year in TaxYear(2024).last(6):
                harness.client.get_individual_employment(UTR, year)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert errors == []
    assert harness.budget.used == 30
    assert len(harness.records) == 30
    assert sorted({r.tax_year or "" for r in harness.records}) == [
        f"{start}/{(start + 1) % 100:02d}" for start in range(2019, 2025)
    ]
