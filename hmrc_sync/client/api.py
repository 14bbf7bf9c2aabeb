"""``HmrcClient``: one typed method per HMRC endpoint hmrc-sync reads.

The client is given its ``httpx.Client`` (base URL, timeouts and the OAuth ``httpx.Auth`` are
configured by whoever builds it) and the shared parts of a run: the application-wide
``RateLimiter``, the ``RetryPolicy`` and the run's ``RequestBudget``. Every attempt takes the
budget, then the limiter, and ends as one ``RequestRecord`` handed to ``recorder``. httpx's
errors are translated here, at the boundary, into ``hmrc_sync.errors`` types.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Generic, TypeVar

import httpx

from hmrc_sync.client import answers
from hmrc_sync.client import endpoints as ep
from hmrc_sync.client.bounds import bounded_loads
from hmrc_sync.client.deprecation import ApiDeprecation, deprecation_from_headers
from hmrc_sync.client.endpoints import Endpoint
from hmrc_sync.client.errors import (
    RequestContext,
    error_for_status,
    invalid_response_error,
    quote_hmrc_message,
    unavailable_error,
)
from hmrc_sync.client.models import (
    BenefitsSummary,
    EmploymentSummary,
    HmrcDocument,
    IncomeSummary,
    NationalInsuranceSummary,
    TaxSummary,
)
from hmrc_sync.client.mtd_models import (
    EmploymentFinancialDetails,
    EmploymentList,
    FinancialDetailsSource,
    MtdEmployment,
)
from hmrc_sync.client.ratelimit import RateLimiter
from hmrc_sync.client.records import Outcome, RequestRecord
from hmrc_sync.client.retry import RequestBudget, RetryPolicy, parse_retry_after
from hmrc_sync.errors import HmrcError
from hmrc_sync.taxyear import TaxYear

logger = logging.getLogger(__name__)

T = TypeVar("T")
D = TypeVar("D", bound=HmrcDocument)

RETRYABLE_TRANSPORT_ERRORS: Final = (
    httpx.TimeoutException,
    httpx.NetworkError,
    httpx.RemoteProtocolError,
)


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True, slots=True)
class _Request:
    method: str
    endpoint: Endpoint
    path: str
    tax_year: TaxYear | None
    params: Mapping[str, str] | None = None

    @property
    def context(self) -> RequestContext:
        year = self.tax_year.hmrc if self.tax_year else None
        return RequestContext(
            self.method,
            self.endpoint.api,
            self.endpoint.version,
            year,
            self.endpoint.not_found_code,
        )


@dataclass(frozen=True, slots=True)
class _Attempt:
    number: int
    requested_at: dt.datetime
    started: float


@dataclass(frozen=True, slots=True)
class _Done(Generic[T]):
    """An attempt's parsed answer."""

    value: T


@dataclass(frozen=True, slots=True)
class _Retry:
    """An attempt to repeat after ``delay`` seconds (``reason`` is logged)."""

    reason: str
    delay: float


class HmrcClient:
    """HMRC's APIs, typed. Safe to share between threads (with one limiter and budget)."""

    def __init__(
        self,
        http: httpx.Client,
        *,
        limiter: RateLimiter,
        retry: RetryPolicy,
        budget: RequestBudget,
        recorder: Callable[[RequestRecord], None] | None = None,
        headers: Callable[[], Mapping[str, str]] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
        now: Callable[[], dt.datetime] = _utc_now,
    ) -> None:
        self._http = http
        self._limiter = limiter
        self._retry = retry
        self._budget = budget
        self._recorder = recorder
        self._extra_headers = headers
        self._sleep = sleep
        self._monotonic = monotonic
        self._now = now
        # The APIs HMRC said are deprecated during this client's life (one notice per API).
        self.deprecations: dict[str, ApiDeprecation] = {}

    def close(self) -> None:
        """Close the HTTP client (and its connections); the client is not used again."""
        self._http.close()

    # --------------------------------------------------- Self Assessment pre-population APIs
    def get_individual_tax(self, utr: str, tax_year: TaxYear) -> TaxSummary:
        """Tax taken off pay per employer (Individual Tax 1.1)."""
        return self._annual_summary(ep.INDIVIDUAL_TAX, TaxSummary, utr, tax_year)

    def get_individual_income(self, utr: str, tax_year: TaxYear) -> IncomeSummary:
        """Pay per employer (Individual Income 1.2)."""
        return self._annual_summary(ep.INDIVIDUAL_INCOME, IncomeSummary, utr, tax_year)

    def get_individual_employment(self, utr: str, tax_year: TaxYear) -> EmploymentSummary:
        """Employer names per PAYE reference (Individual Employment 1.2)."""
        return self._annual_summary(ep.INDIVIDUAL_EMPLOYMENT, EmploymentSummary, utr, tax_year)

    def get_individual_benefits(self, utr: str, tax_year: TaxYear) -> BenefitsSummary:
        """Benefits in kind per employer (Individual Benefits 1.1)."""
        return self._annual_summary(ep.INDIVIDUAL_BENEFITS, BenefitsSummary, utr, tax_year)

    def get_national_insurance(self, utr: str, tax_year: TaxYear) -> NationalInsuranceSummary:
        """Class 1 NI-able earnings and Class 2 due (National Insurance 1.1)."""
        return self._annual_summary(ep.NATIONAL_INSURANCE, NationalInsuranceSummary, utr, tax_year)

    def _annual_summary(self, endpoint: Endpoint, model: type[D], utr: str, tax_year: TaxYear) -> D:
        path = endpoint.path(utr=ep.normalise_utr(utr), taxYear=tax_year.hmrc)
        return self.call("GET", endpoint, path, model.from_document, tax_year=tax_year)

    # --------------------------------------------------- MTD Individuals Employments Income 2.0
    def list_employments(self, nino: str, tax_year: TaxYear) -> EmploymentList:
        endpoint = ep.EMPLOYMENTS_LIST
        path = endpoint.path(nino=ep.normalise_nino(nino), taxYear=tax_year.hmrc)
        return self.call("GET", endpoint, path, EmploymentList.from_document, tax_year=tax_year)

    def get_employment(self, nino: str, tax_year: TaxYear, employment_id: str) -> MtdEmployment:
        endpoint = ep.EMPLOYMENT
        path = endpoint.path(
            nino=ep.normalise_nino(nino),
            taxYear=tax_year.hmrc,
            employmentId=ep.check_employment_id(employment_id),
        )
        return self.call("GET", endpoint, path, MtdEmployment.from_document, tax_year=tax_year)

    def get_employment_financial_details(
        self,
        nino: str,
        tax_year: TaxYear,
        employment_id: str,
        *,
        source: FinancialDetailsSource = FinancialDetailsSource.LATEST,
    ) -> EmploymentFinancialDetails:
        endpoint = ep.EMPLOYMENT_FINANCIAL_DETAILS
        path = endpoint.path(
            nino=ep.normalise_nino(nino),
            taxYear=tax_year.hmrc,
            employmentId=ep.check_employment_id(employment_id),
        )
        return self.call(
            "GET",
            endpoint,
            path,
            EmploymentFinancialDetails.from_document,
            tax_year=tax_year,
            params={"source": FinancialDetailsSource(source).value},
        )

    # --------------------------------------------------- Test Fraud Prevention Headers 1.0
    def validate_fraud_headers(self) -> dict[str, Any]:
        """HMRC's verdict on the fraud-prevention headers this client sends (sandbox only)."""
        endpoint = ep.FRAUD_HEADERS_VALIDATE
        return self.call("GET", endpoint, endpoint.path(), answers.json_object)

    def fraud_validation_feedback(
        self, api: str, connection_method: str | None = None
    ) -> dict[str, Any]:
        """HMRC's feedback on the last requests made to ``api`` (e.g. ``vat-mtd``)."""
        endpoint = ep.FRAUD_HEADERS_FEEDBACK
        params = {"connectionMethod": connection_method} if connection_method else None
        path = endpoint.path(api=ep.check_fraud_headers_api(api))
        return self.call("GET", endpoint, path, answers.json_object, params=params)

    # --------------------------------------------------- the request loop
    def call(
        self,
        method: str,
        endpoint: Endpoint,
        path: str,
        parse: Callable[[Any], T],
        *,
        tax_year: TaxYear | None = None,
        params: Mapping[str, str] | None = None,
    ) -> T:
        """Send ``method path`` with retries, and ``parse`` the decoded JSON of the answer.

        ``parse`` raising ``ValueError`` (pydantic's ``ValidationError`` is one) marks the
        answer as not in HMRC's documented format.
        """
        request = _Request(method.upper(), endpoint, path, tax_year, params)
        number = 0
        while True:
            number += 1
            answer = self._attempt(request, number, parse)
            if isinstance(answer, _Retry):
                self._pause(request.context, number, answer.reason, answer.delay)
                continue
            return answer.value

    def _attempt(
        self, request: _Request, number: int, parse: Callable[[Any], T]
    ) -> _Done[T] | _Retry:
        """One request: its answer, a retry to make, or an exception that ends the call."""
        self._budget.take()
        self._limiter.acquire()
        attempt = _Attempt(number, self._now(), self._monotonic())
        try:
            response = self._http.request(
                request.method,
                request.path,
                params=request.params,
                headers=self._headers_for(request.endpoint),
            )
        except httpx.TransportError as exc:
            return self._transport_failure(request, attempt, exc)
        except httpx.HTTPError as exc:
            self._emit(request, attempt, Outcome.NETWORK_ERROR)
            raise HmrcError(
                f"the request to HMRC failed: {self._describe_failure(exc)} "
                f"({request.context.describe()})"
            ) from exc
        status = response.status_code
        self._note_deprecation(request, response)
        secrets = self._secrets(response.request)
        correlation_id = answers.correlation_id(response, secrets)
        if 200 <= status < 300:
            return _Done(self._parsed(request, attempt, response, parse, correlation_id))
        code, hmrc_message = answers.error_body(response, secrets)
        if self._retry.is_retryable_status(status):
            return self._retryable_status(request, attempt, response, code, correlation_id)
        outcome = Outcome.NOT_FOUND if status == 404 else Outcome.ERROR
        self._emit(request, attempt, outcome, status, code, correlation_id)
        raise error_for_status(
            request.context,
            status=status,
            code=code,
            hmrc_message=hmrc_message,
            correlation_id=correlation_id,
            secrets=secrets,
        )

    def _transport_failure(
        self, request: _Request, attempt: _Attempt, exc: httpx.TransportError
    ) -> _Retry:
        """No answer came: retry a connection-level failure while the policy allows."""
        retry = isinstance(exc, RETRYABLE_TRANSPORT_ERRORS) and self._retry.may_retry(
            request.method, attempt.number
        )
        self._emit(request, attempt, Outcome.RETRY if retry else Outcome.NETWORK_ERROR)
        if not retry:
            raise unavailable_error(
                request.context,
                attempts=attempt.number,
                status=None,
                code=None,
                correlation_id=None,
                failure=self._describe_failure(exc),
            ) from exc
        return _Retry(type(exc).__name__, self._retry.backoff(attempt.number))

    def _parsed(
        self,
        request: _Request,
        attempt: _Attempt,
        response: httpx.Response,
        parse: Callable[[Any], T],
        correlation_id: str | None,
    ) -> T:
        status = response.status_code
        try:
            result = parse(bounded_loads(response.content))
        except ValueError as exc:
            self._emit(request, attempt, Outcome.ERROR, status, None, correlation_id)
            raise invalid_response_error(
                request.context,
                status=status,
                problem=answers.describe_problem(exc),
                correlation_id=correlation_id,
            ) from exc
        self._emit(request, attempt, Outcome.OK, status, None, correlation_id)
        return result

    def _retryable_status(
        self,
        request: _Request,
        attempt: _Attempt,
        response: httpx.Response,
        code: str | None,
        correlation_id: str | None,
    ) -> _Retry:
        """A 429 or 5xx: wait as HMRC asks (``Retry-After``) or back off, while allowed."""
        status = response.status_code
        delay: float | None = None
        wait_requested: float | None = None
        if self._retry.may_retry(request.method, attempt.number):
            retry_after = parse_retry_after(response.headers.get("Retry-After"), self._now())
            delay = self._retry.delay(attempt.number, retry_after)
            wait_requested = retry_after if delay is None else None
        if delay is None:
            self._emit(request, attempt, Outcome.ERROR, status, code, correlation_id)
            raise unavailable_error(
                request.context,
                attempts=attempt.number,
                status=status,
                code=code,
                correlation_id=correlation_id,
                wait_requested=wait_requested,
            )
        self._emit(request, attempt, Outcome.RETRY, status, code, correlation_id)
        return _Retry(f"HTTP {status} {code or ''}".strip(), delay)

    def _emit(
        self,
        request: _Request,
        attempt: _Attempt,
        outcome: Outcome,
        status: int | None = None,
        code: str | None = None,
        correlation_id: str | None = None,
    ) -> None:
        elapsed_ms = round((self._monotonic() - attempt.started) * 1000)
        record = RequestRecord(
            requested_at=attempt.requested_at,
            method=request.method,
            endpoint=request.path,
            api=request.endpoint.api,
            tax_year=request.tax_year.storage if request.tax_year else None,
            attempt=attempt.number,
            http_status=status,
            hmrc_code=code,
            correlation_id=correlation_id,
            duration_ms=max(0, elapsed_ms),
            outcome=outcome,
        )
        logger.debug(
            "HMRC %s attempt %d: %s %s in %d ms",
            request.context.describe(),
            record.attempt,
            record.http_status or "-",
            record.outcome.value,
            record.duration_ms,
        )
        if self._recorder is not None:
            self._recorder(record)

    # --------------------------------------------------- helpers
    def _note_deprecation(self, request: _Request, response: httpx.Response) -> None:
        api = request.endpoint.api
        if api in self.deprecations:
            return
        notice = deprecation_from_headers(api, request.endpoint.version, response.headers)
        if notice is not None:
            self.deprecations[api] = notice
            logger.warning("%s", notice.describe(), extra={"deprecation": notice.as_json()})

    def _headers_for(self, endpoint: Endpoint) -> httpx.Headers:
        headers = httpx.Headers(self._extra_headers() if self._extra_headers is not None else {})
        headers["Accept"] = endpoint.accept  # replaces any spelling of it in the extra headers
        return headers

    def _pause(self, context: RequestContext, attempt: int, reason: str, delay: float) -> None:
        logger.warning(
            "HMRC %s failed (%s); retrying in %.2f s (attempt %d of %d)",
            context.describe(),
            reason,
            delay,
            attempt + 1,
            self._retry.max_attempts,
        )
        self._sleep(delay)

    def _secrets(self, request: httpx.Request | None) -> list[str]:
        found = [self._http.headers.get("Authorization", "")]
        if request is not None:
            found.append(request.headers.get("Authorization", ""))
        return [value for value in found if value]

    def _describe_failure(self, exc: httpx.HTTPError) -> str:
        try:
            request: httpx.Request | None = exc.request
        except RuntimeError:  # httpx raises when the error carries no request
            request = None
        detail = quote_hmrc_message(str(exc), self._secrets(request))
        return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
