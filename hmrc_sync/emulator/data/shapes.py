"""The shapes of explicit test data (the emulator's extension of HMRC's test-support APIs).

HMRC's test-support endpoints take ``{"scenario": ...}``; the emulator also takes the very body
the API will serve, checked here against the API's published response schema (required fields,
JSON types, no unknown fields), so explicit figures can never produce a response HMRC would
not send. Money is a JSON number, parsed as ``Decimal``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final, TypeAlias

from hmrc_sync.emulator.data.catalogue import (
    INDIVIDUAL_BENEFITS,
    INDIVIDUAL_EMPLOYMENT,
    INDIVIDUAL_INCOME,
    INDIVIDUAL_TAX,
    NATIONAL_INSURANCE,
)
from hmrc_sync.jsonio import JsonValue

NUMBER: Final = "number"
INTEGER: Final = "integer"
STRING: Final = "string"
BOOLEAN: Final = "boolean"
DATE: Final = "date"
UUID: Final = "uuid"

_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


@dataclass(frozen=True)
class Obj:
    required: dict[str, Spec] = field(default_factory=dict)
    optional: dict[str, Spec] = field(default_factory=dict)


@dataclass(frozen=True)
class ListOf:
    item: Spec


Spec: TypeAlias = str | Obj | ListOf


def problems(value: JsonValue, spec: Spec, where: str = "") -> list[str]:
    """What is wrong with ``value`` (empty when it fits ``spec``)."""
    here = where or "the body"
    if isinstance(spec, Obj):
        if not isinstance(value, dict):
            return [f"{here} must be an object"]
        found: list[str] = []
        for name in spec.required:
            if name not in value:
                found.append(f"{_join(where, name)} is required")
        for name, item in value.items():
            sub = spec.required.get(name) or spec.optional.get(name)
            if sub is None:
                found.append(f"{_join(where, name)} is not an expected field")
            else:
                found.extend(problems(item, sub, _join(where, name)))
        return found
    if isinstance(spec, ListOf):
        if not isinstance(value, list):
            return [f"{here} must be an array"]
        return [
            p for i, item in enumerate(value) for p in problems(item, spec.item, f"{here}[{i}]")
        ]
    return [] if _scalar_fits(value, spec) else [f"{here} must be a {spec}"]


def _scalar_fits(value: JsonValue, kind: str) -> bool:
    if kind == BOOLEAN:
        return isinstance(value, bool)
    if kind == NUMBER:
        return isinstance(value, int | Decimal) and not isinstance(value, bool)
    if kind == INTEGER:
        return isinstance(value, int) and not isinstance(value, bool)
    if not isinstance(value, str):
        return False
    if kind == DATE:
        return bool(_DATE.match(value))
    if kind == UUID:
        return bool(_UUID.match(value))
    return bool(value.strip())


def _join(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name


def _numbers(*names: str) -> dict[str, Spec]:
    return dict.fromkeys(names, NUMBER)


ANNUAL_SUMMARY: Final[dict[str, Obj]] = {
    INDIVIDUAL_TAX: Obj(
        required={
            "pensionsAnnuitiesAndOtherStateBenefits": Obj(
                optional=_numbers("otherPensionsAndRetirementAnnuities", "incapacityBenefit")
            ),
            "refunds": Obj(optional=_numbers("taxRefundedOrSetOff")),
            "employments": ListOf(
                Obj(required={"employerPayeReference": STRING, "taxTakenOffPay": NUMBER})
            ),
        }
    ),
    INDIVIDUAL_INCOME: Obj(
        required={
            "pensionsAnnuitiesAndOtherStateBenefits": Obj(
                optional=_numbers(
                    "otherPensionsAndRetirementAnnuities",
                    "incapacityBenefit",
                    "jobseekersAllowance",
                    "seissNetPaid",
                )
            ),
            "employments": ListOf(
                Obj(required={"employerPayeReference": STRING, "payFromEmployment": NUMBER})
            ),
        }
    ),
    INDIVIDUAL_EMPLOYMENT: Obj(
        required={
            "employments": ListOf(
                Obj(
                    required={"employerPayeReference": STRING, "employerName": STRING},
                    optional={"offPayrollWorkFlag": BOOLEAN},
                )
            )
        }
    ),
    INDIVIDUAL_BENEFITS: Obj(
        required={
            "employments": ListOf(
                Obj(
                    required={"employerPayeReference": STRING},
                    optional=_numbers(
                        "companyCarsAndVansBenefit",
                        "fuelForCompanyCarsAndVansBenefit",
                        "privateMedicalDentalInsurance",
                        "vouchersCreditCardsExcessMileageAllowance",
                        "goodsEtcProvidedByEmployer",
                        "accommodationProvidedByEmployer",
                        "otherBenefits",
                        "expensesPaymentsReceived",
                    ),
                )
            )
        }
    ),
    NATIONAL_INSURANCE: Obj(
        required={
            "class1": Obj(required={"totalNICableEarnings": NUMBER}),
            "class2": Obj(required={"totalDue": NUMBER}),
            "maxNICsReached": BOOLEAN,
        }
    ),
}

BENEFIT_IN_KIND_FIELDS: Final = (
    "accommodation",
    "assets",
    "assetTransfer",
    "beneficialLoan",
    "car",
    "carFuel",
    "educationalServices",
    "entertaining",
    "expenses",
    "medicalInsurance",
    "telephone",
    "service",
    "taxableExpenses",
    "van",
    "vanFuel",
    "mileage",
    "nonQualifyingRelocationExpenses",
    "nurseryPlaces",
    "otherItems",
    "paymentsOnEmployeesBehalf",
    "personalIncidentalExpenses",
    "qualifyingRelocationExpenses",
    "employerProvidedProfessionalSubscriptions",
    "employerProvidedServices",
    "incomeTaxPaidByDirector",
    "travelAndSubsistence",
    "vouchersAndCreditCards",
    "nonCash",
)

# One HMRC-held employment of the MTD Individuals Employments Income API, as the emulator's
# test support takes it: the Retrieve fields plus the financial details (schemas def1-def3).
MTD_EMPLOYMENT: Final = Obj(
    required={"employerName": STRING},
    optional={
        "employmentId": UUID,
        "employerRef": STRING,
        "startDate": DATE,
        "cessationDate": DATE,
        "payrollId": STRING,
        "occupationalPension": BOOLEAN,
        "dateIgnored": STRING,
        "submittedOn": STRING,
        "employmentSequenceNumber": STRING,
        "companyDirector": BOOLEAN,
        "closeCompany": BOOLEAN,
        "directorshipCeasedDate": DATE,
        "disguisedRemuneration": BOOLEAN,
        "offPayrollWorker": BOOLEAN,
        "pay": Obj(
            optional={
                "taxablePayToDate": NUMBER,
                "totalTaxToDate": NUMBER,
                "payFrequency": STRING,
                "paymentDate": DATE,
                "taxWeekNo": INTEGER,
                "taxMonthNo": INTEGER,
            }
        ),
        "customerEstimatedPay": Obj(optional={"amount": NUMBER}),
        "deductions": Obj(
            optional={
                "studentLoans": Obj(optional=_numbers("uglDeductionAmount", "pglDeductionAmount"))
            }
        ),
        "benefitsInKind": Obj(optional=_numbers(*BENEFIT_IN_KIND_FIELDS)),
    },
)
MTD_EMPLOYMENTS: Final = Obj(required={"employments": ListOf(MTD_EMPLOYMENT)})
