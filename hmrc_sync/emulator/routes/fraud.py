"""Test Fraud Prevention Headers API 1.0: ``validate`` and ``validation-feedback``.

The rules are :func:`hmrc_sync.fraud_headers.validator.validate_headers` (specification 3.3), shared
with hmrc-sync's own checks; this module only shapes HMRC's answers. Feedback reports, per
endpoint of an API, the latest request the calling application made (the gateway records the
``Gov-*`` headers of every API request), re-validated at the time it was made.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from fastapi import APIRouter, Request, Response

from hmrc_sync.emulator.data.catalogue import APIS, FRAUD_VALIDATOR, api_for_feedback_id
from hmrc_sync.emulator.engine.state import RecordedRequest, hmrc_timestamp
from hmrc_sync.emulator.routes.gateway import (
    MATCHING_RESOURCE_NOT_FOUND,
    ApiError,
    Caller,
    check,
    emulator_of,
    fraud_headers,
)
from hmrc_sync.emulator.routes.responses import JsonResponse
from hmrc_sync.fraud_headers.rules import CONNECTION_METHODS
from hmrc_sync.jsonio import JsonObject, JsonValue

if TYPE_CHECKING:
    from hmrc_sync.fraud_headers.validator import Verdict

# HMRC's apiIdentifier enum (txm-fph-validator-api 1.0); the emulator serves only one of them.
HMRC_FEEDBACK_APIS: Final = frozenset(
    {
        "business-details-mtd",
        "business-income-source-summary-mtd",
        "business-source-adjustable-summary-mtd",
        "cis-deductions-mtd",
        "individual-calculations-mtd",
        "individual-losses-mtd",
        "individuals-business-end-of-period-statement-mtd",
        "individuals-charges-mtd",
        "individuals-disclosures-mtd",
        "individuals-expenses-mtd",
        "individuals-income-received-mtd",
        "individuals-reliefs-mtd",
        "individuals-state-benefits-mtd",
        "obligations-mtd",
        "other-deductions-mtd",
        "property-business-mtd",
        "self-assessment-mtd",
        "self-assessment-accounts-mtd",
        "self-assessment-assist-mtd",
        "self-employment-business-mtd",
        "vat-mtd",
        "individuals-capital-gains-income-mtd",
        "individuals-dividends-income-mtd",
        "individuals-employments-income-mtd",
        "individuals-foreign-income-mtd",
        "individuals-insurance-policies-income-mtd",
        "individuals-other-income-mtd",
        "individuals-pensions-income-mtd",
        "individuals-savings-income-mtd",
        "self-assessment-individual-details-mtd",
        "individuals-partner-income-mtd",
        "individuals-tax-liability-adjustments-mtd",
    }
)


def _refuse_application_tokens(request: Request, caller: Caller) -> None:
    """HMRC's sandbox validator now wants a user-restricted token (configurable)."""
    emulator = emulator_of(request)
    if emulator.config.validator_refuses_application_tokens and caller.user is None:
        raise ApiError(401, "INVALID_CREDENTIALS", "Invalid Authentication information provided")


async def validate(request: Request) -> Response:
    from hmrc_sync.fraud_headers.validator import validate_headers

    caller = check(request, APIS[FRAUD_VALIDATOR])
    _refuse_application_tokens(request, caller)
    emulator = emulator_of(request)
    verdict = validate_headers(dict(fraud_headers(request)), now=emulator.now())
    return JsonResponse(verdict.as_hmrc_json())


async def validation_feedback(request: Request, api: str) -> Response:
    caller = check(request, APIS[FRAUD_VALIDATOR])
    _refuse_application_tokens(request, caller)
    method = request.query_params.get("connectionMethod")
    if method is not None and method not in CONNECTION_METHODS:
        raise ApiError(400, "INVALID_REQUEST", "Invalid connectionMethod")
    spec = api_for_feedback_id(api)
    if spec is None and api not in HMRC_FEEDBACK_APIS:
        raise ApiError(*MATCHING_RESOURCE_NOT_FOUND)
    records: list[RecordedRequest] = []
    if spec is not None:
        records = emulator_of(request).recorded_requests(
            caller.application.client_id, spec.name, method
        )
    requests: list[JsonValue] = [_feedback(record) for record in records]
    return JsonResponse({"requests": requests})


def _feedback(record: RecordedRequest) -> JsonObject:
    from hmrc_sync.fraud_headers.validator import validate_headers

    submitted = dict(record.headers)
    verdict = validate_headers(submitted, now=record.timestamp)
    headers, cross = per_header(submitted, verdict)
    return {
        "path": record.path,
        "method": record.method,
        "requestTimestamp": hmrc_timestamp(record.timestamp),
        "code": "NO_HEADERS" if not submitted else str(verdict.code),
        "headers": headers,
        "crossValidation": cross,
    }


FORWARDING: Final = ("gov-vendor-forwarded", "gov-vendor-public-ip", "gov-client-public-ip")


def per_header(
    submitted: dict[str, str], verdict: Verdict
) -> tuple[list[JsonValue], list[JsonValue]]:
    """Spread a verdict's findings over the headers (one-header findings) and the cross checks
    (findings naming several headers), in HMRC's feedback shape."""
    errors: dict[str, list[str]] = {}
    warnings: dict[str, list[str]] = {}
    cross: list[JsonValue] = []
    for bucket, findings in ((errors, verdict.errors), (warnings, verdict.warnings)):
        for finding in findings:
            names = [name.lower() for name in finding.headers]
            if len(names) == 1:
                bucket.setdefault(names[0], []).append(finding.message)
            elif bucket is errors:
                cross.append(
                    {"headers": list(names), "code": "INVALID_HEADERS", "errors": [finding.message]}
                )
    if not cross and all(submitted.get(name) for name in FORWARDING):
        cross.append({"headers": list(FORWARDING), "code": "VALID_HEADERS", "errors": []})
    names = list(submitted) + [n for n in sorted({*errors, *warnings}) if n not in submitted]
    headers: list[JsonValue] = []
    for name in names:
        entry: JsonObject = {"header": name}
        if name in submitted:
            entry["value"] = submitted[name]
        code = verdict.header_code(name)
        entry["code"] = "TEST_SCENARIO_HEADER" if name == "gov-test-scenario" else code
        entry["errors"] = list[JsonValue](errors.get(name, []))
        entry["warnings"] = list[JsonValue](warnings.get(name, []))
        headers.append(entry)
    return headers, cross


def router() -> APIRouter:
    """This module's routes, built for each app (nothing is built at import)."""
    routes = APIRouter()
    routes.add_api_route("/test/fraud-prevention-headers/validate", validate, methods=["GET"])
    routes.add_api_route(
        "/test/fraud-prevention-headers/{api}/validation-feedback",
        validation_feedback,
        methods=["GET"],
    )
    return routes
