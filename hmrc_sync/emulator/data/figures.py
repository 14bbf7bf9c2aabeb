"""Explicit figures for a tax year, turned into the bodies HMRC's APIs serve.

A convenience beyond HMRC (used by seed files, the driver and the demo): list the employers
of a year with pay and tax, and get the Individual Tax, Income, Employment and Benefits bodies
that describe them. Amounts are ``Decimal`` and go out as JSON numbers digit for digit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from hmrc_sync.emulator.data.catalogue import (
    INDIVIDUAL_BENEFITS,
    INDIVIDUAL_EMPLOYMENT,
    INDIVIDUAL_INCOME,
    INDIVIDUAL_TAX,
)
from hmrc_sync.jsonio import JsonObject, JsonValue


@dataclass(frozen=True)
class EmployerFigures:
    """One employment of a tax year as HMRC's annual summaries describe it."""

    paye_reference: str
    name: str
    pay: Decimal
    tax: Decimal
    off_payroll_worker: bool | None = None

    def __post_init__(self) -> None:
        for amount in (self.pay, self.tax):
            if not isinstance(amount, Decimal) or not amount.is_finite():
                raise TypeError("pay and tax must be finite Decimal amounts")

    @classmethod
    def from_json(cls, data: dict[str, JsonValue]) -> EmployerFigures:
        pay, tax = data.get("pay"), data.get("tax")
        reference, name = data.get("payeReference"), data.get("name")
        flag = data.get("offPayrollWorker")
        if not isinstance(reference, str) or not isinstance(name, str):
            raise ValueError("an employer needs a payeReference and a name")
        if not isinstance(pay, int | Decimal) or not isinstance(tax, int | Decimal):
            raise ValueError("an employer's pay and tax must be JSON numbers")
        if flag is not None and not isinstance(flag, bool):
            raise ValueError("offPayrollWorker must be true or false")
        return cls(reference, name, Decimal(pay), Decimal(tax), flag)


def annual_bodies(employers: Sequence[EmployerFigures]) -> dict[str, JsonObject]:
    """The four annual-summary bodies for these employers (no pensions, benefits or refunds)."""
    employment_entries: list[JsonValue] = []
    for employer in employers:
        entry: JsonObject = {
            "employerPayeReference": employer.paye_reference,
            "employerName": employer.name,
        }
        if employer.off_payroll_worker is not None:
            entry["offPayrollWorkFlag"] = employer.off_payroll_worker
        employment_entries.append(entry)
    return {
        INDIVIDUAL_TAX: {
            "pensionsAnnuitiesAndOtherStateBenefits": {},
            "refunds": {},
            "employments": [
                {"employerPayeReference": e.paye_reference, "taxTakenOffPay": e.tax}
                for e in employers
            ],
        },
        INDIVIDUAL_INCOME: {
            "pensionsAnnuitiesAndOtherStateBenefits": {},
            "employments": [
                {"employerPayeReference": e.paye_reference, "payFromEmployment": e.pay}
                for e in employers
            ],
        },
        INDIVIDUAL_EMPLOYMENT: {"employments": employment_entries},
        INDIVIDUAL_BENEFITS: {
            "employments": [{"employerPayeReference": e.paye_reference} for e in employers]
        },
    }
