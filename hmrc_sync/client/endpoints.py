"""HMRC's endpoints as data: API name, version (the ``Accept`` header) and path template.

Paths and versions are HMRC's published ones (``../shared/hmrc-fixtures``; hmrc-api.md §2, §3.1,
§5.5). Identifiers are checked before they go into a path, so a malformed UTR or NINO fails
here with a message that says what to fix, instead of reaching HMRC as a 400 (or worse, as a
different path).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final
from urllib.parse import quote

from hmrc_sync.client.errors import InvalidIdentifier


class ApiName(StrEnum):
    """HMRC's APIs as hmrc-sync names them everywhere: ``fetch_log``, ``api_availability``,
    settings, metrics, the status page. The one home of these words."""

    INDIVIDUAL_TAX = "individual-tax"
    INDIVIDUAL_INCOME = "individual-income"
    INDIVIDUAL_EMPLOYMENT = "individual-employment"
    INDIVIDUAL_BENEFITS = "individual-benefits"
    NATIONAL_INSURANCE = "national-insurance"
    EMPLOYMENTS_INCOME = "individuals-employments-income"
    FRAUD_HEADERS = "test-fraud-prevention-headers"

    @property
    def label(self) -> str:
        """The API's name for people (the status page, reports)."""
        return _LABELS[self]

    @property
    def scope(self) -> str | None:
        """The OAuth scope that grants it (None for the application-restricted validator)."""
        return _SCOPES.get(self)


_LABELS: Final = {
    ApiName.INDIVIDUAL_TAX: "Tax (Individual Tax)",
    ApiName.INDIVIDUAL_INCOME: "Pay (Individual Income)",
    ApiName.INDIVIDUAL_EMPLOYMENT: "Employers (Individual Employment)",
    ApiName.INDIVIDUAL_BENEFITS: "Benefits (Individual Benefits)",
    ApiName.NATIONAL_INSURANCE: "National Insurance",
    ApiName.EMPLOYMENTS_INCOME: "Employments (MTD)",
    ApiName.FRAUD_HEADERS: "Fraud-prevention header validator",
}
_SCOPES: Final = {
    ApiName.INDIVIDUAL_TAX: "read:individual-tax",
    ApiName.INDIVIDUAL_INCOME: "read:individual-income",
    ApiName.INDIVIDUAL_EMPLOYMENT: "read:individual-employment",
    ApiName.INDIVIDUAL_BENEFITS: "read:individual-benefits",
    ApiName.NATIONAL_INSURANCE: "read:national-insurance",
    ApiName.EMPLOYMENTS_INCOME: "read:self-assessment",
}


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One HMRC endpoint: ``api`` is the name recorded in ``fetch_log``."""

    api: ApiName
    version: str
    template: str
    # The 404 code this endpoint answers for "no data": the MTD APIs say
    # MATCHING_RESOURCE_NOT_FOUND, which HMRC's gateway also uses for an unknown version.
    not_found_code: str = "NOT_FOUND"

    @property
    def accept(self) -> str:
        return f"application/vnd.hmrc.{self.version}+json"

    def path(self, **params: str) -> str:
        """The template with each parameter filled in (percent-encoded)."""
        return self.template.format(
            **{name: quote(value, safe="") for name, value in params.items()}
        )


INDIVIDUAL_TAX: Final = Endpoint(
    ApiName.INDIVIDUAL_TAX, "1.1", "/individual-tax/sa/{utr}/annual-summary/{taxYear}"
)
INDIVIDUAL_INCOME: Final = Endpoint(
    ApiName.INDIVIDUAL_INCOME, "1.2", "/individual-income/sa/{utr}/annual-summary/{taxYear}"
)
INDIVIDUAL_EMPLOYMENT: Final = Endpoint(
    ApiName.INDIVIDUAL_EMPLOYMENT, "1.2", "/individual-employment/sa/{utr}/annual-summary/{taxYear}"
)
INDIVIDUAL_BENEFITS: Final = Endpoint(
    ApiName.INDIVIDUAL_BENEFITS, "1.1", "/individual-benefits/sa/{utr}/annual-summary/{taxYear}"
)
NATIONAL_INSURANCE: Final = Endpoint(
    ApiName.NATIONAL_INSURANCE, "1.1", "/national-insurance/sa/{utr}/annual-summary/{taxYear}"
)

EMPLOYMENTS_INCOME_API: Final = ApiName.EMPLOYMENTS_INCOME
_MTD_NOT_FOUND: Final = "MATCHING_RESOURCE_NOT_FOUND"
EMPLOYMENTS_LIST: Final = Endpoint(
    EMPLOYMENTS_INCOME_API,
    "2.0",
    "/individuals/employments-income/{nino}/{taxYear}",
    _MTD_NOT_FOUND,
)
EMPLOYMENT: Final = Endpoint(
    EMPLOYMENTS_INCOME_API,
    "2.0",
    "/individuals/employments-income/{nino}/{taxYear}/{employmentId}",
    _MTD_NOT_FOUND,
)
EMPLOYMENT_FINANCIAL_DETAILS: Final = Endpoint(
    EMPLOYMENTS_INCOME_API,
    "2.0",
    "/individuals/employments-income/{nino}/{taxYear}/{employmentId}/financial-details",
    _MTD_NOT_FOUND,
)

FRAUD_HEADERS_API: Final = ApiName.FRAUD_HEADERS
FRAUD_HEADERS_VALIDATE: Final = Endpoint(
    FRAUD_HEADERS_API, "1.0", "/test/fraud-prevention-headers/validate"
)
FRAUD_HEADERS_FEEDBACK: Final = Endpoint(
    FRAUD_HEADERS_API, "1.0", "/test/fraud-prevention-headers/{api}/validation-feedback"
)

# The annual-summary APIs a sync of the Individual route reads, in the order it reads them.
INDIVIDUAL_APIS: Final = (
    ApiName.INDIVIDUAL_TAX,
    ApiName.INDIVIDUAL_INCOME,
    ApiName.INDIVIDUAL_EMPLOYMENT,
    ApiName.INDIVIDUAL_BENEFITS,
    ApiName.NATIONAL_INSURANCE,
)
# The APIs whose figures carry pay (what reconciliation compares with payslips).
PAY_APIS: Final = (
    ApiName.INDIVIDUAL_INCOME,
    ApiName.INDIVIDUAL_TAX,
    ApiName.EMPLOYMENTS_INCOME,
)

# ------------------------------------------------------------------------------- identifiers
_UTR = re.compile(r"^[0-9]{10}$")
_NINO = re.compile(r"^[A-Z]{2}[0-9]{6}[A-D]$")
# HMRC's employmentId pattern (individuals-employments-income-api employments_definitions.json).
_EMPLOYMENT_ID = re.compile(
    r"^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"
)
_FPH_API = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def normalise_utr(utr: str) -> str:
    """A 10-digit SA UTR; spaces (as in ``12345 67890``) are dropped."""
    compact = "".join(utr.split())
    if not _UTR.match(compact):
        raise InvalidIdentifier(
            "the SA UTR must be 10 digits (as printed on Self Assessment letters); "
            "check HMRC_SYNC_UTR"
        )
    return compact


def normalise_nino(nino: str) -> str:
    """A National Insurance number such as ``AA123456A``; spaces dropped, upper-cased."""
    compact = "".join(nino.split()).upper()
    if not _NINO.match(compact):
        raise InvalidIdentifier(
            "the National Insurance number must look like AA123456A "
            "(two letters, six digits, A-D); check HMRC_SYNC_NINO"
        )
    return compact


def check_employment_id(employment_id: str) -> str:
    if not _EMPLOYMENT_ID.match(employment_id):
        raise InvalidIdentifier(
            "an employment ID must be the UUID HMRC gave in the list of employments"
        )
    return employment_id


def check_fraud_headers_api(api: str) -> str:
    if not _FPH_API.match(api):
        raise InvalidIdentifier(
            "the API identifier for fraud-header feedback must be an HMRC API id "
            "such as 'individuals-employments-income-mtd'"
        )
    return api
