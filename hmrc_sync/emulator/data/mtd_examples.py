"""The canned sandbox answers of Individuals Employments Income (MTD) 2.0.

Without stored data (or with ``Gov-Test-Scenario`` naming a canned answer) HMRC's sandbox
returns its published examples: hmrc/individuals-employments-income-api
``resources/public/api/conf/2.0/examples/employments/`` (Apache-2.0, (c) HM Revenue & Customs).
The figures here are those files', digit for digit; the fidelity tests compare them with
``../shared/hmrc-fixtures``.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Final

from hmrc_sync.jsonio import JsonObject, JsonValue

_D = Decimal

LIST_RESPONSE: Final[JsonObject] = {
    "employments": [
        {
            "employmentId": "1557ecb5-fd32-48cc-81f5-e6acd1099f1c",
            "employerName": "Employer Name Ltd.",
            "dateIgnored": "2020-06-17T10:53:38.000Z",
        }
    ],
    "customEmployments": [
        {
            "employmentId": "2557ecb5-fd32-48cc-81f5-e6acd1099f2c",
            "employerName": "Employer Name Ltd.",
        }
    ],
}

_RETRIEVE_COMMON: Final[JsonObject] = {
    "employerRef": "123/AZ12334",
    "employerName": "Employer Name Ltd.",
    "startDate": "2020-06-17",
    "cessationDate": "2020-06-17",
    "payrollId": "YDIAHPcYFQbOXLCKQ",
    "occupationalPension": False,
}
RETRIEVE_CUSTOM: Final[JsonObject] = {**_RETRIEVE_COMMON, "submittedOn": "2021-04-06T09:37:17.000Z"}
RETRIEVE_HMRC_IGNORED: Final[JsonObject] = {
    **_RETRIEVE_COMMON,
    "dateIgnored": "2020-06-17T10:53:38.000Z",
}
RETRIEVE_HMRC: Final[JsonObject] = dict(_RETRIEVE_COMMON)

_BENEFITS_IN_KIND: Final[JsonObject] = {
    "accommodation": _D("455.67"),
    "assets": _D("435.54"),
    "assetTransfer": _D("24.58"),
    "beneficialLoan": _D("33.89"),
    "car": _D("3434.78"),
    "carFuel": _D("34.56"),
    "educationalServices": _D("445.67"),
    "entertaining": _D("434.45"),
    "expenses": _D("3444.32"),
    "medicalInsurance": _D("4542.47"),
    "telephone": _D("243.43"),
    "service": _D("45.67"),
    "taxableExpenses": _D("24.56"),
    "van": _D("56.29"),
    "vanFuel": _D("14.56"),
    "mileage": _D("34.23"),
    "nonQualifyingRelocationExpenses": _D("54.62"),
    "nurseryPlaces": _D("84.29"),
    "otherItems": _D("67.67"),
    "paymentsOnEmployeesBehalf": _D("67.23"),
    "personalIncidentalExpenses": _D("74.29"),
    "qualifyingRelocationExpenses": _D("78.24"),
    "employerProvidedProfessionalSubscriptions": _D("84.56"),
    "employerProvidedServices": _D("56.34"),
    "incomeTaxPaidByDirector": _D("67.34"),
    "travelAndSubsistence": _D("56.89"),
    "vouchersAndCreditCards": _D("34.90"),
    "nonCash": _D("23.89"),
}
_EMPLOYER: Final[JsonObject] = {"employerRef": "223/AB12399", "employerName": "Employer Name Ltd."}
_STUDENT_LOANS: Final[JsonObject] = {
    "studentLoans": {"uglDeductionAmount": _D("13343.45"), "pglDeductionAmount": _D("24242.56")}
}


def _hmrc_held(off_payroll: bool) -> JsonObject:
    employment: JsonObject = {
        "employmentSequenceNumber": "1002",
        "payrollId": "123456789999",
        "companyDirector": False,
        "closeCompany": True,
        "directorshipCeasedDate": "2020-02-12",
        "startDate": "2019-04-21",
        "cessationDate": "2020-03-11",
        "occupationalPension": False,
        "disguisedRemuneration": False,
    }
    if off_payroll:
        employment["offPayrollWorker"] = True
    employment.update(
        {
            "employer": dict(_EMPLOYER),
            "pay": {
                "taxablePayToDate": _D("34234.15"),
                "totalTaxToDate": _D("6782.92"),
                "payFrequency": "monthly",
                "paymentDate": "2020-04-23",
                "taxWeekNo": 32,
                "taxMonthNo": 8,
            },
            "customerEstimatedPay": {"amount": _D("1500.99")},
            "deductions": copy.deepcopy(_STUDENT_LOANS),
            "benefitsInKind": dict(_BENEFITS_IN_KIND),
        }
    )
    return {
        "submittedOn": "2020-01-04T05:01:01.000Z",
        "dateIgnored": "2020-03-05T05:01:01.000Z",
        "employment": employment,
    }


def _user_provided(off_payroll: bool) -> JsonObject:
    employment: JsonObject = {"offPayrollWorker": True} if off_payroll else {}
    employment.update(
        {
            "employer": dict(_EMPLOYER),
            "pay": {"taxablePayToDate": _D("34234.15"), "totalTaxToDate": _D("6782.92")},
            "deductions": copy.deepcopy(_STUDENT_LOANS),
            "benefitsInKind": dict(_BENEFITS_IN_KIND),
        }
    )
    return {
        "submittedOn": "2020-01-04T05:01:01.000Z",
        "customerAdded": "2020-04-04T01:01:01.000Z",
        "employment": employment,
    }


# Tax years 2023-24 on ("TYS") add offPayrollWorker.
FIRST_TYS_START_YEAR: Final = 2023


def financial_details(source: str, start_year: int) -> JsonObject:
    """The canned financial details for ``?source=`` (``latest`` answers as HMRC-held)."""
    tys = start_year >= FIRST_TYS_START_YEAR
    return _user_provided(tys) if source == "user" else _hmrc_held(tys)


def fresh(value: JsonObject) -> JsonValue:
    return copy.deepcopy(value)
