"""A local fraud-prevention header validator that answers like HMRC's Test API.

HMRC's ``GET /test/fraud-prevention-headers/validate`` (txm-fph-validator-api 1.0) checks the
``Gov-*`` headers of one request against specification 3.3 and answers
``{"specVersion", "code", "message", "errors"?, "warnings"?}``. HMRC's validator source is not
public, so this one follows the specification (hmrc/txm-fph-specification), the OAS examples
(``../shared/hmrc-fixtures/txm-fph-validator-api``) and the answers quoted in HMRC issue threads;
the emulator serves it and the tests use it to check our own builders.

Decisions where HMRC's behaviour is unknown are listed in the module-level constants: an empty
value is a warning for headers whose partial names a legitimate missing-data case (HMRC's
observed answer for Gov-Client-Multi-Factor) and an error elsewhere; timestamps more than a
minute in the future are errors and those older than a day are warnings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from hmrc_sync.fraud_headers.encoding import FraudHeaderFormatError, parse_key_value_list
from hmrc_sync.fraud_headers.rules import CHECKS, CONNECTION_METHODS, Finding, HeaderCheck, parse_ip

__all__ = [
    "CONNECTION_METHODS",
    "REQUIRED_HEADERS",
    "SPEC_VERSION",
    "Finding",
    "Verdict",
    "required_headers",
    "validate_headers",
]

SPEC_VERSION = "3.3"

VALID_HEADERS = "VALID_HEADERS"
INVALID_HEADERS = "INVALID_HEADERS"
POTENTIALLY_INVALID_HEADERS = "POTENTIALLY_INVALID_HEADERS"
MISSING_HEADER = "MISSING_HEADER"
EMPTY_HEADER = "EMPTY_HEADER"
UNEXPECTED_HEADER = "UNEXPECTED_HEADER"
POTENTIALLY_INVALID_HEADER = "POTENTIALLY_INVALID_HEADER"

# Top-level messages, all quoted from HMRC's OAS examples.
MESSAGE_VALID = (
    "All headers required for your connection method have been supplied and all appear to be "
    "valid. Validation is based on a single request. We have access to all requests and can "
    "draw additional conclusions."
)
MESSAGE_INVALID = "At least 1 header is invalid"
MESSAGE_POTENTIALLY_INVALID = "At least 1 header is potentially invalid"
MESSAGE_NO_HEADERS = (
    "No fraud prevention headers submitted. These are required by law. Check the specification."
)
HEADER_REQUIRED = "Header required"  # [HMRC]
UNRECOGNISED = "Unrecognised header. Check format and spelling."  # [HMRC]
EMPTY_MULTI_FACTOR = (  # [HMRC]
    "Value is empty. This may be correct for single factor authentication, for example "
    "username and password. If this is the case, you must contact us explaining why you "
    "cannot submit this header."
)
EMPTY_MISSING_DATA = (
    "Value is empty. If you cannot collect this value, you must contact us explaining why you "
    "cannot submit this header."
)
EMPTY_REQUIRED = "Value is empty. Your connection method requires a value for this header."
NOT_ASCII = "Value must only contain US-ASCII characters. Percent encode all other characters."
FORWARDED_PAIR = (  # [HMRC]
    "At least 1 pair of IPs in Gov-Vendor-Forwarded must include Gov-Client-Public-IP in the "
    "'for' field and Gov-Vendor-Public-IP in the 'by' field. Check all 3 headers are consistent."
)
FORWARDED_FIRST_HOP = (
    "The first pair of IPs in Gov-Vendor-Forwarded should include Gov-Client-Public-IP in the "
    "'for' field and Gov-Vendor-Public-IP in the 'by' field."
)

_FORWARDING = ("gov-vendor-forwarded", "gov-vendor-public-ip", "gov-client-public-ip")
# Headers whose specification partial names a case where the value cannot be collected.
_EMPTY_IS_WARNING = frozenset(
    {
        "gov-client-multi-factor",
        "gov-client-public-ip",
        "gov-client-public-ip-timestamp",
        "gov-client-public-port",
        "gov-vendor-forwarded",
        "gov-vendor-license-ids",
        "gov-vendor-public-ip",
    }
)
# Not a fraud prevention header: it selects sandbox test scenarios.
_IGNORED = frozenset({"gov-test-scenario"})


def _headers(*names: str) -> frozenset[str]:
    return frozenset(f"gov-{name}" for name in names)


_EVERY_METHOD = _headers(
    "client-connection-method",
    "client-device-id",
    "client-timezone",
    "client-user-ids",
    "vendor-license-ids",
    "vendor-product-name",
    "vendor-version",
)
_LOCAL = _headers("client-local-ips", "client-local-ips-timestamp", "client-user-agent")
_MAC_MFA = _headers("client-mac-addresses", "client-multi-factor")
_SCREENS = _headers("client-screens", "client-window-size")
_VIA_SERVER = _headers(
    "client-public-ip",
    "client-public-ip-timestamp",
    "client-public-port",
    "vendor-forwarded",
    "vendor-public-ip",
)
_MOBILE_DIRECT = _EVERY_METHOD | _LOCAL | _SCREENS | _headers("client-multi-factor")

# Specification 3.3, source/connection-method/<method>/index.html.md.erb.
REQUIRED_HEADERS: Mapping[str, frozenset[str]] = {
    "WEB_APP_VIA_SERVER": _EVERY_METHOD
    | _SCREENS
    | _VIA_SERVER
    | _headers("client-browser-js-user-agent", "client-multi-factor"),
    "BATCH_PROCESS_DIRECT": _EVERY_METHOD | _LOCAL | _headers("client-mac-addresses"),
    "DESKTOP_APP_DIRECT": _EVERY_METHOD | _LOCAL | _MAC_MFA | _SCREENS,
    "DESKTOP_APP_VIA_SERVER": _EVERY_METHOD | _LOCAL | _MAC_MFA | _SCREENS | _VIA_SERVER,
    "MOBILE_APP_DIRECT": _MOBILE_DIRECT,
    "MOBILE_APP_VIA_SERVER": _MOBILE_DIRECT | _VIA_SERVER,
    "OTHER_DIRECT": _EVERY_METHOD | _LOCAL | _MAC_MFA,
    "OTHER_VIA_SERVER": _EVERY_METHOD | _LOCAL | _MAC_MFA | _VIA_SERVER,
}


def required_headers(method: str) -> frozenset[str]:
    """Lower-case names of the headers a connection method must send (KeyError if unknown)."""
    return REQUIRED_HEADERS[method]


@dataclass(frozen=True)
class Verdict:
    """HMRC's answer to one request's headers."""

    code: str  # "VALID_HEADERS" | "INVALID_HEADERS" | "POTENTIALLY_INVALID_HEADERS"
    message: str
    errors: tuple[Finding, ...]
    warnings: tuple[Finding, ...]
    spec_version: str = SPEC_VERSION

    def as_hmrc_json(self) -> dict[str, Any]:
        """The ``/validate`` response body; ``errors``/``warnings`` only when non-empty."""
        body: dict[str, Any] = {
            "specVersion": self.spec_version,
            "code": self.code,
            "message": self.message,
        }
        for key, findings in (("errors", self.errors), ("warnings", self.warnings)):
            if findings:
                body[key] = [
                    {"code": f.code, "message": f.message, "headers": list(f.headers)}
                    for f in findings
                ]
        return body

    @property
    def valid(self) -> bool:
        """``VALID_HEADERS`` or ``POTENTIALLY_INVALID_HEADERS`` (warnings only), not invalid."""
        return self.code != INVALID_HEADERS

    def header_code(self, header: str) -> str:
        """A header's own result in validation-feedback terms (cross-header findings excluded).

        ``MISSING_HEADER``, ``INVALID_HEADER``, ``UNEXPECTED_HEADER``,
        ``POTENTIALLY_INVALID_HEADER`` or ``VALID_HEADER``.
        """
        name = header.lower()
        errors = [f.code for f in self.errors if f.headers == (name,)]
        warnings = [f.code for f in self.warnings if f.headers == (name,)]
        if MISSING_HEADER in errors:
            return MISSING_HEADER
        if errors:
            return "INVALID_HEADER"
        if UNEXPECTED_HEADER in warnings:
            return UNEXPECTED_HEADER
        return POTENTIALLY_INVALID_HEADER if warnings else "VALID_HEADER"


def validate_headers(headers: Mapping[str, str], *, now: datetime | None = None) -> Verdict:
    """Check one request's ``Gov-*`` headers; other headers are ignored, names case-insensitive."""
    moment = now if now is not None else datetime.now(UTC)
    fraud = {
        name.lower(): value.strip()
        for name, value in headers.items()
        if name.lower().startswith("gov-") and name.lower() not in _IGNORED
    }
    if not fraud:
        return Verdict(INVALID_HEADERS, MESSAGE_NO_HEADERS, (), ())
    method = fraud.get("gov-client-connection-method")
    method = method if method in CONNECTION_METHODS else None
    required = REQUIRED_HEADERS[method] if method else _headers("client-connection-method")
    errors: list[Finding] = []
    warnings: list[Finding] = []
    for name, check_value in CHECKS.items():
        check = HeaderCheck(name, method, moment)
        value = fraud.get(name)
        if value is None:
            if name in required:
                check.error(HEADER_REQUIRED, MISSING_HEADER)
        elif value == "":
            if name in required:
                _empty(check)
        else:
            if not all(" " <= char <= "~" for char in value):
                check.error(NOT_ASCII)
            check_value(value, check)
        errors += check.errors
        warnings += check.warnings
    warnings += [
        Finding(UNEXPECTED_HEADER, UNRECOGNISED, (name,)) for name in fraud if name not in CHECKS
    ]
    _cross_check(fraud, errors, warnings)
    return _verdict(errors, warnings)


def _empty(check: HeaderCheck) -> None:
    if check.header == "gov-client-multi-factor":
        check.warn(EMPTY_MULTI_FACTOR, EMPTY_HEADER)
    elif check.header in _EMPTY_IS_WARNING:
        check.warn(EMPTY_MISSING_DATA, EMPTY_HEADER)
    else:
        check.error(EMPTY_REQUIRED, EMPTY_HEADER)


def _cross_check(fraud: dict[str, str], errors: list[Finding], warnings: list[Finding]) -> None:
    """Gov-Vendor-Forwarded must hold the pair (by=Vendor-Public-IP, for=Client-Public-IP)."""
    if not all(fraud.get(name) for name in _FORWARDING):
        return
    try:
        hops = parse_key_value_list(fraud["gov-vendor-forwarded"])
    except FraudHeaderFormatError:
        return  # already reported against the header itself
    vendor = parse_ip(fraud["gov-vendor-public-ip"])
    client = parse_ip(fraud["gov-client-public-ip"])
    if vendor is None or client is None:
        return
    pairs = [(parse_ip(hop.get("by", "")), parse_ip(hop.get("for", ""))) for hop in hops]
    if (vendor, client) not in pairs:
        errors.append(Finding(INVALID_HEADERS, FORWARDED_PAIR, _FORWARDING))
    elif pairs[0] != (vendor, client):
        warnings.append(Finding(POTENTIALLY_INVALID_HEADER, FORWARDED_FIRST_HOP, _FORWARDING))


def _verdict(errors: list[Finding], warnings: list[Finding]) -> Verdict:
    if errors:
        return Verdict(INVALID_HEADERS, MESSAGE_INVALID, tuple(errors), tuple(warnings))
    if warnings:
        return Verdict(
            POTENTIALLY_INVALID_HEADERS, MESSAGE_POTENTIALLY_INVALID, (), tuple(warnings)
        )
    return Verdict(VALID_HEADERS, MESSAGE_VALID, (), ())
