"""`sync --source mtd`: in-year RTI figures per employment by NINO, for MTD Income Tax users;
everyone else gets HMRC's 403, recorded as *forbidden* without failing the run."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from hmrc_sync.bootstrap import bootstrap
from hmrc_sync.db.engine import upgrade
from hmrc_sync.db.models import TaxYearSnapshot
from hmrc_sync.settings import DEFAULT_SCOPES
from hmrc_sync.sync.model import SyncSource
from hmrc_sync.taxyear import TaxYear
from tests.support.emulated import emulated_hmrc

YEAR = TaxYear(2024)
SCOPES = (*DEFAULT_SCOPES, "read:self-assessment")


def test_mtd_user_gets_a_snapshot_per_hmrc_employment(tmp_path: Path, sqlite_url: str) -> None:
    services = ("self-assessment", "national-insurance", "mtd-income-tax")
    with emulated_hmrc(tmp_path, services=services) as hmrc:
        assert hmrc.nino is not None
        hmrc.emulator.put_employments_income(
            hmrc.nino,
            YEAR,
            [
                {
                    "employerRef": "123/AB456",
                    "employerName": "Acme Analytics Ltd",
                    "pay": {
                        "taxablePayToDate": Decimal("31250.50"),
                        "totalTaxToDate": Decimal("4102.20"),
                        "taxMonthNo": 8,
                    },
                },
                {
                    "employerRef": "999/ZZ1",
                    "employerName": "Ignored Ltd",
                    "dateIgnored": "2024-10-01T10:00:00.000Z",
                },
            ],
        )
        container = bootstrap(hmrc.settings(sqlite_url, scopes=SCOPES))
        upgrade(container.engine)
        hmrc.grant(container.token_store, scopes=SCOPES)
        report = container.sync_service().run([YEAR], source=SyncSource.MTD)
        assert report.exit_code == 0, report.error
        with container.sessions() as session:
            rows = session.scalars(select(TaxYearSnapshot)).all()
        container.close()
    assert [(r.employer_paye_ref, r.gross_pay, r.income_tax, r.source_api) for r in rows] == [
        ("123/AB456", Decimal("31250.50"), Decimal("4102.20"), "mtd")
    ], "the employment the user ignored is left out"


def test_a_user_without_mtd_is_forbidden_not_failed(tmp_path: Path, sqlite_url: str) -> None:
    with emulated_hmrc(tmp_path) as hmrc:
        container = bootstrap(hmrc.settings(sqlite_url, scopes=SCOPES))
        upgrade(container.engine)
        hmrc.grant(container.token_store, scopes=SCOPES)
        report = container.sync_service().run([YEAR], source=SyncSource.MTD)
        container.close()
    assert report.exit_code == 0
    assert report.years[0].outcome == "forbidden"
    assert report.years[0].availability == {"individuals-employments-income": "forbidden"}
