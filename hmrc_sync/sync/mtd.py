"""The MTD route (``sync --source mtd``): per-employment RTI figures keyed by NINO.

Only for users signed up to MTD Income Tax; others get 403 ``CLIENT_OR_AGENT_NOT_AUTHORISED``,
which is recorded as *forbidden* for the year rather than failing the run. Employments the
user ignored, and custom employments the user typed in, are left out: hmrc-sync records what
HMRC holds from employers.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from hmrc_sync.client.endpoints import ApiName
from hmrc_sync.client.mtd_models import BenefitsInKind, FinancialDetailsSource
from hmrc_sync.errors import HmrcError, HmrcNotFound
from hmrc_sync.sync.model import ApiCall, EmployerFigures, Observation, SyncSource
from hmrc_sync.taxyear import TaxYear

if TYPE_CHECKING:
    from hmrc_sync.client.api import HmrcClient
MTD_API = ApiName.EMPLOYMENTS_INCOME


def _benefits_total(benefits: BenefitsInKind | None) -> Decimal | None:
    if benefits is None:
        return None
    values = [v for v in benefits.model_dump().values() if isinstance(v, Decimal)]
    return sum(values, Decimal(0)) if values else None


def fetch_mtd_figures(
    client: HmrcClient, nino: str, year: TaxYear
) -> tuple[list[EmployerFigures], dict[str, ApiCall]]:
    try:
        listing = client.list_employments(nino, year)
    except HmrcNotFound as exc:
        return [], {MTD_API: ApiCall(Observation.NOT_FOUND, exc.status, exc.code)}
    except HmrcError as exc:
        if exc.status == 403:
            return [], {MTD_API: ApiCall(Observation.FORBIDDEN, exc.status, exc.code)}
        raise
    figures: list[EmployerFigures] = []
    for listed in listing.employments:
        if listed.date_ignored is not None:
            continue
        details = client.get_employment_financial_details(
            nino, year, listed.employment_id, source=FinancialDetailsSource.HMRC_HELD
        )
        employment = details.employment
        ref = employment.employer.employer_ref or f"employment:{listed.employment_id}"
        pay = employment.pay
        figures.append(
            EmployerFigures(
                tax_year=year,
                employer_paye_ref=ref,
                employer_name=employment.employer.employer_name,
                gross_pay=pay.taxable_pay_to_date if pay else None,
                income_tax=pay.total_tax_to_date if pay else None,
                benefits_in_kind=_benefits_total(employment.benefits_in_kind),
                source_api=SyncSource.MTD,
                raw={"list": listing.raw, "financial-details": details.raw},
            )
        )
    return figures, {MTD_API: ApiCall(Observation.DATA, 200)}
