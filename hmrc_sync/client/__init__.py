"""hmrc-sync's client for HMRC's APIs: typed answers, typed errors, rate limit, retries, budget.

Build one ``RateLimiter`` for the process and one ``RequestBudget`` per run, and give
``HmrcClient`` an ``httpx.Client`` configured with HMRC's base URL, timeouts and OAuth.
"""

from typing import TYPE_CHECKING

from hmrc_sync import lazy_exports
from hmrc_sync.client.endpoints import Endpoint
from hmrc_sync.client.errors import (
    HmrcBadRequest,
    HmrcForbidden,
    HmrcNotSignedUpToMtd,
    HmrcResponseInvalid,
    HmrcUnauthorised,
    InvalidIdentifier,
)
from hmrc_sync.client.models import (
    BenefitsSummary,
    Class1,
    Class2,
    Employer,
    EmploymentBenefits,
    EmploymentPay,
    EmploymentSummary,
    EmploymentTax,
    IncomeSummary,
    NationalInsuranceSummary,
    PensionsAndBenefitsIncome,
    TaxOnPensionsAndBenefits,
    TaxRefunds,
    TaxSummary,
)
from hmrc_sync.client.mtd_models import (
    BenefitsInKind,
    CustomEmployment,
    CustomerEstimatedPay,
    Deductions,
    EmploymentFinancialDetails,
    EmploymentList,
    FinancialDetailsSource,
    FinancialEmployer,
    FinancialEmployment,
    ListedEmployment,
    MtdEmployment,
    Pay,
    StudentLoans,
)
from hmrc_sync.client.ratelimit import RateLimiter
from hmrc_sync.client.records import Outcome, RequestRecord
from hmrc_sync.client.retry import RequestBudget, RetryPolicy
from hmrc_sync.jsonio import dumps as dumps_exact
from hmrc_sync.jsonio import loads as loads_exact

if TYPE_CHECKING:
    from hmrc_sync.client.api import HmrcClient

_LAZY = {
    "HmrcClient": "hmrc_sync.client.api",
}
__getattr__ = lazy_exports(__name__, _LAZY)

__all__ = [
    "BenefitsInKind",
    "BenefitsSummary",
    "Class1",
    "Class2",
    "CustomEmployment",
    "CustomerEstimatedPay",
    "Deductions",
    "Employer",
    "EmploymentBenefits",
    "EmploymentFinancialDetails",
    "EmploymentList",
    "EmploymentPay",
    "EmploymentSummary",
    "EmploymentTax",
    "Endpoint",
    "FinancialDetailsSource",
    "FinancialEmployer",
    "FinancialEmployment",
    "HmrcBadRequest",
    "HmrcClient",
    "HmrcForbidden",
    "HmrcNotSignedUpToMtd",
    "HmrcResponseInvalid",
    "HmrcUnauthorised",
    "IncomeSummary",
    "InvalidIdentifier",
    "ListedEmployment",
    "MtdEmployment",
    "NationalInsuranceSummary",
    "Outcome",
    "Pay",
    "PensionsAndBenefitsIncome",
    "RateLimiter",
    "RequestBudget",
    "RequestRecord",
    "RetryPolicy",
    "StudentLoans",
    "TaxOnPensionsAndBenefits",
    "TaxRefunds",
    "TaxSummary",
    "dumps_exact",
    "loads_exact",
]
