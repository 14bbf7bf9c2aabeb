"""HMRC's sandbox test scenarios for the annual-summary APIs.

The figures are those of HMRC's scenario files, digit for digit (``36.50`` stays ``36.50``):
hmrc/paye-des-stub ``resources/public/scenarios/individual-{tax,income,employment,benefits}/``
and hmrc/national-insurance-des-stub ``resources/public/scenarios/`` (both Apache-2.0,
(c) HM Revenue & Customs). ``HAPPY_PATH_1`` has every field, ``HAPPY_PATH_2`` the mandatory
ones only. The fidelity tests compare these with the files in ``../shared/hmrc-fixtures``.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Final

from hmrc_sync.emulator.data.catalogue import (
    INDIVIDUAL_BENEFITS,
    INDIVIDUAL_EMPLOYMENT,
    INDIVIDUAL_INCOME,
    INDIVIDUAL_TAX,
    NATIONAL_INSURANCE,
)
from hmrc_sync.jsonio import JsonObject

DEFAULT_SCENARIO: Final = "HAPPY_PATH_1"

_D = Decimal

_SCENARIOS: Final[dict[str, dict[str, JsonObject]]] = {
    INDIVIDUAL_TAX: {
        "HAPPY_PATH_1": {
            "pensionsAnnuitiesAndOtherStateBenefits": {
                "otherPensionsAndRetirementAnnuities": _D("36.5"),
                "incapacityBenefit": _D("980.45"),
            },
            "refunds": {"taxRefundedOrSetOff": 325},
            "employments": [
                {"employerPayeReference": "123/AB456", "taxTakenOffPay": _D("890.35")},
                {"employerPayeReference": "456/AB456", "taxTakenOffPay": _D("224.99")},
            ],
        },
        "HAPPY_PATH_2": {
            "pensionsAnnuitiesAndOtherStateBenefits": {},
            "refunds": {},
            "employments": [{"employerPayeReference": "111/AAA", "taxTakenOffPay": 3000}],
        },
    },
    INDIVIDUAL_INCOME: {
        "HAPPY_PATH_1": {
            "pensionsAnnuitiesAndOtherStateBenefits": {
                "otherPensionsAndRetirementAnnuities": _D("36.50"),
                "incapacityBenefit": _D("980.45"),
                "jobseekersAllowance": _D("89.99"),
                "seissNetPaid": _D("55.55"),
            },
            "employments": [
                {"employerPayeReference": "123/AB456", "payFromEmployment": _D("22500.00")},
                {"employerPayeReference": "456/AB456", "payFromEmployment": _D("8650.00")},
            ],
        },
        "HAPPY_PATH_2": {
            "pensionsAnnuitiesAndOtherStateBenefits": {},
            "employments": [{"employerPayeReference": "123/AB456", "payFromEmployment": 22500}],
        },
    },
    INDIVIDUAL_EMPLOYMENT: {
        "HAPPY_PATH_1": {
            "employments": [
                {
                    "employerPayeReference": "123/AB456",
                    "employerName": "Company XYZ",
                    "offPayrollWorkFlag": True,
                },
                {
                    "employerPayeReference": "456/AB456",
                    "employerName": "Company ABC",
                    "offPayrollWorkFlag": False,
                },
            ]
        },
        "HAPPY_PATH_2": {
            "employments": [{"employerPayeReference": "123/AB456", "employerName": "Company XYZ"}]
        },
    },
    INDIVIDUAL_BENEFITS: {
        "HAPPY_PATH_1": {
            "employments": [
                {
                    "employerPayeReference": "123/AB456",
                    "companyCarsAndVansBenefit": 44,
                    "fuelForCompanyCarsAndVansBenefit": 99,
                    "privateMedicalDentalInsurance": 64,
                    "vouchersCreditCardsExcessMileageAllowance": 80,
                    "goodsEtcProvidedByEmployer": 125,
                    "accommodationProvidedByEmployer": 375,
                    "otherBenefits": 16,
                    "expensesPaymentsReceived": 415,
                },
                {
                    "employerPayeReference": "456/AB456",
                    "companyCarsAndVansBenefit": 50,
                    "fuelForCompanyCarsAndVansBenefit": 249,
                    "privateMedicalDentalInsurance": 75,
                    "vouchersCreditCardsExcessMileageAllowance": 23,
                    "goodsEtcProvidedByEmployer": 250,
                    "accommodationProvidedByEmployer": 275,
                    "otherBenefits": 87,
                    "expensesPaymentsReceived": 265,
                },
            ]
        },
        "HAPPY_PATH_2": {"employments": [{"employerPayeReference": "123/AB456"}]},
    },
    NATIONAL_INSURANCE: {
        "HAPPY_PATH_1": {
            "class1": {"totalNICableEarnings": 10},
            "class2": {"totalDue": 20},
            "maxNICsReached": False,
        },
        "HAPPY_PATH_2": {
            "class1": {"totalNICableEarnings": _D("17.00")},
            "class2": {"totalDue": _D("319.57")},
            "maxNICsReached": True,
        },
    },
}

SCENARIO_NAMES: Final = frozenset({"HAPPY_PATH_1", "HAPPY_PATH_2"})


def scenario_body(api: str, scenario: str) -> JsonObject | None:
    """A fresh copy of the scenario's body for one API, or None for an unknown scenario."""
    body = _SCENARIOS[api].get(scenario)
    return copy.deepcopy(body) if body is not None else None
