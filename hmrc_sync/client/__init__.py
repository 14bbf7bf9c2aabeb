"""hmrc-sync's client for HMRC's APIs: typed answers, typed errors, rate limit, retries, budget.

Build one ``RateLimiter`` for the process and one ``RequestBudget`` per run, and give
``HmrcClient`` an ``httpx.Client`` configured with HMRC's base URL, timeouts and OAuth.
"""

from typing import TYPE_CHECKING

from hmrc_sync import lazy_exports
from hmrc_sync.jsonio import dumps as dumps_exact
from hmrc_sync.jsonio import loads as loads_exact

if TYPE_CHECKING:
    from hmrc_sync.client.api import HmrcClient
    from hmrc_sync.client.endpoints import Endpoint
    from hmrc_sync.client.errors import (
        HmrcBadRequest,
        HmrcForbidden,
        HmrcNotSignedUpToMtd,
        HmrcRejectedSetting,
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

_LAZY = {
    "BenefitsInKind": "hmrc_sync.client.mtd_models",
    "BenefitsSummary": "hmrc_sync.client.models",
    "Class1": "hmrc_sync.client.models",
    "Class2": "hmrc_sync.client.models",
    "CustomEmployment": "hmrc_sync.client.mtd_models",
    "CustomerEstimatedPay": "hmrc_sync.client.mtd_models",
    "Deductions": "hmrc_sync.client.mtd_models",
    "Employer": "hmrc_sync.client.models",
    "EmploymentBenefits": "hmrc_sync.client.models",
    "EmploymentFinancialDetails": "hmrc_sync.client.mtd_models",
    "EmploymentList": "hmrc_sync.client.mtd_models",
    "EmploymentPay": "hmrc_sync.client.models",
    "EmploymentSummary": "hmrc_sync.client.models",
    "EmploymentTax": "hmrc_sync.client.models",
    "Endpoint": "hmrc_sync.client.endpoints",
    "FinancialDetailsSource": "hmrc_sync.client.mtd_models",
    "FinancialEmployer": "hmrc_sync.client.mtd_models",
    "FinancialEmployment": "hmrc_sync.client.mtd_models",
    "HmrcBadRequest": "hmrc_sync.client.errors",
    "HmrcRejectedSetting": "hmrc_sync.client.errors",
    "HmrcClient": "hmrc_sync.client.api",
    "HmrcForbidden": "hmrc_sync.client.errors",
    "HmrcNotSignedUpToMtd": "hmrc_sync.client.errors",
    "HmrcResponseInvalid": "hmrc_sync.client.errors",
    "HmrcUnauthorised": "hmrc_sync.client.errors",
    "IncomeSummary": "hmrc_sync.client.models",
    "InvalidIdentifier": "hmrc_sync.client.errors",
    "ListedEmployment": "hmrc_sync.client.mtd_models",
    "MtdEmployment": "hmrc_sync.client.mtd_models",
    "NationalInsuranceSummary": "hmrc_sync.client.models",
    "Outcome": "hmrc_sync.client.records",
    "Pay": "hmrc_sync.client.mtd_models",
    "PensionsAndBenefitsIncome": "hmrc_sync.client.models",
    "RateLimiter": "hmrc_sync.client.ratelimit",
    "RequestBudget": "hmrc_sync.client.retry",
    "RequestRecord": "hmrc_sync.client.records",
    "RetryPolicy": "hmrc_sync.client.retry",
    "StudentLoans": "hmrc_sync.client.mtd_models",
    "TaxOnPensionsAndBenefits": "hmrc_sync.client.models",
    "TaxRefunds": "hmrc_sync.client.models",
    "TaxSummary": "hmrc_sync.client.models",
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
    "HmrcRejectedSetting",
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
