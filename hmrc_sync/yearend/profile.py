"""What the payslips do not say: a person's inputs to a year's tax position.

Relief-at-source pension contributions, Gift Aid, Marriage Allowance, the Blind Person's
Allowance, the student-loan plans and (when no tax code shows it) the income-tax region come
from here, never from a guess. ``expected_bonus`` is a payment still to come this year (a
bonus or an RSU vest) that the projection adds when the user states one.

Profiles are kept as JSON (``profiles_to_json`` / ``profiles_from_json``); the file itself is
read and written by the ``position`` command.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from hmrc_sync.paye.student_loan_rates import StudentLoanPlan
from hmrc_sync.paye.taxcode import Region
from hmrc_sync.taxyear import TaxYear, TaxYearError
from hmrc_sync.yearend.errors import YearEndInputError
from hmrc_sync.yearend.inputs import region_of
from hmrc_sync.yearend.marriage_allowance import MarriageAllowance, marriage_allowance_role
from hmrc_sync.yearend.student_loans import student_loan_plan

_ZERO: Final = Decimal("0.00")
PROFILE_VERSION: Final = 1


class ProfileError(YearEndInputError):
    """A profile (or a value given for one) that cannot be used; the message says which."""


@dataclass(frozen=True, slots=True)
class YearProfile:
    """One tax year's inputs that payslips do not carry. Money is ``Decimal`` pounds."""

    tax_year: TaxYear
    region: Region | None = None
    relief_at_source_contributions: Decimal = _ZERO  # gross, as the scheme received them
    gift_aid_payments: Decimal = _ZERO  # as paid (net)
    marriage_allowance: MarriageAllowance | None = None
    blind_persons_allowance: bool = False
    student_loan_plans: tuple[StudentLoanPlan, ...] = ()
    expected_bonus: Decimal = _ZERO

    def updated(self, **changes: Any) -> YearProfile:
        return replace(self, **changes)

    def as_json(self) -> dict[str, Any]:
        return {
            "tax_year": self.tax_year.hmrc,
            "region": self.region.value if self.region else None,
            "relief_at_source_contributions": str(self.relief_at_source_contributions),
            "gift_aid_payments": str(self.gift_aid_payments),
            "marriage_allowance": self.marriage_allowance.value
            if self.marriage_allowance
            else None,
            "blind_persons_allowance": self.blind_persons_allowance,
            "student_loan_plans": [plan.value for plan in self.student_loan_plans],
            "expected_bonus": str(self.expected_bonus),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> YearProfile:
        try:
            year = TaxYear.parse(str(data["tax_year"]))
        except (KeyError, TaxYearError) as error:
            raise ProfileError(f"a profile needs a tax_year such as 2025-26 ({error})") from None
        where = f"the {year.hmrc} profile"
        return cls(
            tax_year=year,
            region=region_of(data["region"]) if data.get("region") else None,
            relief_at_source_contributions=money_of(
                f"{where}'s relief_at_source_contributions",
                data.get("relief_at_source_contributions", "0"),
            ),
            gift_aid_payments=money_of(
                f"{where}'s gift_aid_payments", data.get("gift_aid_payments", "0")
            ),
            marriage_allowance=marriage_allowance_role(data.get("marriage_allowance")),
            blind_persons_allowance=bool(data.get("blind_persons_allowance", False)),
            student_loan_plans=tuple(
                student_loan_plan(str(plan)) for plan in data.get("student_loan_plans") or ()
            ),
            expected_bonus=money_of(f"{where}'s expected_bonus", data.get("expected_bonus", "0")),
        )


def money_of(name: str, value: object) -> Decimal:
    """A non-negative amount of money from text or a number (never a float)."""
    if isinstance(value, float | bool):
        raise ProfileError(f"{name} must be an amount such as 800 or 800.00")
    try:
        amount = Decimal(str(value).replace(",", "").replace("£", "").strip())
    except InvalidOperation:
        raise ProfileError(f"{name}: {value!r} is not an amount such as 800.00") from None
    if not amount.is_finite() or amount < 0:
        raise ProfileError(f"{name} must be an amount of 0 or more")
    return amount.quantize(Decimal("0.01"))


def profiles_to_json(profiles: Iterable[YearProfile]) -> str:
    ordered = sorted(profiles, key=lambda profile: profile.tax_year)
    body = {"version": PROFILE_VERSION, "years": [profile.as_json() for profile in ordered]}
    return json.dumps(body, indent=2) + "\n"


def profiles_from_json(text: str) -> dict[TaxYear, YearProfile]:
    try:
        data = json.loads(text)
    except ValueError as error:
        raise ProfileError(f"the position profile is not JSON: {error}") from None
    if not isinstance(data, dict) or data.get("version") != PROFILE_VERSION:
        raise ProfileError(f"the position profile must be version {PROFILE_VERSION}")
    profiles = [YearProfile.from_json(item) for item in data.get("years", [])]
    return {profile.tax_year: profile for profile in profiles}
