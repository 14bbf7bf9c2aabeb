"""HMRC's endpoints as data: API name, version (the ``Accept`` header) and path template.

Paths and versions are HMRC's published ones (``../shared/hmrc-fixtures``; hmrc-api.md §2, §3.1,
§5.5). Identifiers are checked before they go into a path, so a malformed UTR or NINO fails
here with a message that says what to fix, instead of reaching HMRC as a 400 (or worse, as a
different path).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final
from urllib.parse import quote

from hmrc_sync.client.errors import InvalidIdentifier


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One HMRC endpoint: ``api`` is the name recorded in ``fetch_log``."""

    api: str
    version: str
    template: str

    @property
    def accept(self) -> str:
        return f"application/vnd.hmrc.{self.version}+json"

    def path(self, **params: str) -> str:
        """The template with each parameter filled in (percent-encoded)."""
        return self.template.format(
            **{name: quote(value, safe="") for name, value in params.items()}
        )


INDIVIDUAL_TAX: Final = Endpoint(
    "individual-tax", "1.1", "/individual-tax/sa/{utr}/annual-summary/{taxYear}"
)
INDIVIDUAL_INCOME: Final = Endpoint(
    "individual-income", "1.2", "/individual-income/sa/{utr}/annual-summary/{taxYear}"
)
INDIVIDUAL_EMPLOYMENT: Final = Endpoint(
    "individual-employment", "1.2", "/individual-employment/sa/{utr}/annual-summary/{taxYear}"
)
INDIVIDUAL_BENEFITS: Final = Endpoint(
    "individual-benefits", "1.1", "/individual-benefits/sa/{utr}/annual-summary/{taxYear}"
)
NATIONAL_INSURANCE: Final = Endpoint(
    "national-insurance", "1.1", "/national-insurance/sa/{utr}/annual-summary/{taxYear}"
)

EMPLOYMENTS_INCOME_API: Final = "individuals-employments-income"
EMPLOYMENTS_LIST: Final = Endpoint(
    EMPLOYMENTS_INCOME_API, "2.0", "/individuals/employments-income/{nino}/{taxYear}"
)
EMPLOYMENT: Final = Endpoint(
    EMPLOYMENTS_INCOME_API, "2.0", "/individuals/employments-income/{nino}/{taxYear}/{employmentId}"
)
EMPLOYMENT_FINANCIAL_DETAILS: Final = Endpoint(
    EMPLOYMENTS_INCOME_API,
    "2.0",
    "/individuals/employments-income/{nino}/{taxYear}/{employmentId}/financial-details",
)

FRAUD_HEADERS_API: Final = "test-fraud-prevention-headers"
FRAUD_HEADERS_VALIDATE: Final = Endpoint(
    FRAUD_HEADERS_API, "1.0", "/test/fraud-prevention-headers/validate"
)
FRAUD_HEADERS_FEEDBACK: Final = Endpoint(
    FRAUD_HEADERS_API, "1.0", "/test/fraud-prevention-headers/{api}/validation-feedback"
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
