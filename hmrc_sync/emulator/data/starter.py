"""The test user ``hmrc-sync emulator`` creates when started plainly (no users yet).

Three tax years as a plausible career, in the seed-file format (``docs/emulator-seed.md``):
the year before last with one employer, last year with two (a change of job), and the
current year with the new employer, which HMRC has not reconciled yet (not available until
120 days after the year ends).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Final

from hmrc_sync.taxyear import TaxYear

STARTER_SERVICES: Final = ("self-assessment", "national-insurance", "mtd-income-tax")
ACME: Final = {"payeReference": "123/AB45678", "name": "Acme Analytics Ltd"}
BOREALIS: Final = {"payeReference": "456/CD98765", "name": "Borealis Systems plc"}
NOT_AVAILABLE_FOR: Final = dt.timedelta(days=120)


def _employer(employer: dict[str, str], pay: str, tax: str) -> dict[str, Any]:
    return {**employer, "pay": Decimal(pay), "tax": Decimal(tax)}


def starter_user(today: dt.date, password: str) -> dict[str, Any]:
    """One seed-file user (``users[]`` entry) with three tax years ending in ``today``'s."""
    current = TaxYear.containing(today)
    previous = current.previous()
    before = previous.previous()
    return {
        "password": password,
        "serviceNames": list(STARTER_SERVICES),
        "taxYears": {
            before.hmrc: {"employers": [_employer(ACME, "52000.00", "7886.00")]},
            previous.hmrc: {
                "employers": [
                    _employer(ACME, "26000.00", "3943.20"),
                    _employer(BOREALIS, "30000.00", "5146.00"),
                ]
            },
            current.hmrc: {
                "employers": [_employer(BOREALIS, "36000.00", "4686.00")],
                "availability": {
                    "reconciledOn": (current.last_day + NOT_AVAILABLE_FOR).isoformat()
                },
            },
        },
    }
