"""Test users: what HMRC's Create Test User API generates for an individual.

Formats follow hmrc/api-platform-test-user: a 12-digit user ID, a 12-character alphanumeric
password, ``first.last@example.com``, identifiers only for the services asked for (SA UTR for
``self-assessment``; NINO for ``national-insurance`` or ``mtd-income-tax``; MTD IT ID for
``mtd-income-tax``; VRN for ``mtd-vat``; EORI for the customs services). The names and
addresses are the emulator's own.
"""

from __future__ import annotations

import hashlib
import hmac
import random
import secrets
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from hmrc_sync.emulator.data import identifiers
from hmrc_sync.emulator.data.catalogue import EORI_SERVICES

_FIRST_NAMES: Final = (
    "Alys", "Bryn", "Cerys", "Dafydd", "Eira", "Fergus", "Gwen", "Hamish", "Isla", "Jago",
    "Kirsty", "Lachlan", "Morag", "Niamh", "Orla", "Piran", "Rhona", "Seren", "Tamsin", "Wyn",
)  # fmt: skip
_LAST_NAMES: Final = (
    "Abernethy", "Bowen", "Carmichael", "Dunbar", "Ellison", "Fairweather", "Gillespie",
    "Hartley", "Irvine", "Jessop", "Kinnear", "Lockhart", "Maitland", "Nesbitt", "Ogilvie",
    "Pennington", "Quayle", "Rowntree", "Strachan", "Trelawny",
)  # fmt: skip
_ADDRESSES: Final = (
    ("12 Harbour Street", "Whitby", "YO21 3PR"),
    ("3 Mill Lane", "Ludlow", "SY8 1BB"),
    ("58 Castle Terrace", "Stirling", "FK8 1EH"),
    ("7 Quay Parade", "Aberaeron", "SA46 0BT"),
    ("21 Orchard Close", "Hexham", "NE46 3JQ"),
)


def hash_password(password: str, salt: str | None = None) -> str:
    salt = salt or secrets.token_hex(8)
    digest = hashlib.sha256(f"{salt}:{password}".encode()).hexdigest()
    return f"{salt}${digest}"


def password_matches(password: str, stored: str) -> bool:
    salt, _, _digest = stored.partition("$")
    return hmac.compare_digest(hash_password(password, salt), stored)


@dataclass
class TestUser:
    """An individual test user; the password is kept only as a salted hash."""

    __test__ = False  # not a pytest test class

    user_id: str
    password_hash: str = field(repr=False)
    services: tuple[str, ...]
    first_name: str
    last_name: str
    date_of_birth: str
    address: tuple[str, str, str]
    sa_utr: str | None = None
    nino: str | None = None
    mtd_it_id: str | None = None
    vrn: str | None = None
    vat_registration_date: str | None = None
    eori_number: str | None = None

    @property
    def has_mtd(self) -> bool:
        return self.mtd_it_id is not None

    def created_response(self, password: str) -> dict[str, Any]:
        """HMRC's 201 body of Create Test User (the only time the password is shown)."""
        body: dict[str, Any] = {
            "userId": self.user_id,
            "password": password,
            "userFullName": f"{self.first_name} {self.last_name}",
            "emailAddress": f"{self.first_name}.{self.last_name}@example.com".lower(),
            "individualDetails": {
                "firstName": self.first_name,
                "lastName": self.last_name,
                "dateOfBirth": self.date_of_birth,
                "address": {
                    "line1": self.address[0],
                    "line2": self.address[1],
                    "postcode": self.address[2],
                },
            },
        }
        optional = {
            "saUtr": self.sa_utr,
            "nino": self.nino,
            "mtdItId": self.mtd_it_id,
            "vrn": self.vrn,
            "vatRegistrationDate": self.vat_registration_date,
            "eoriNumber": self.eori_number,
        }
        body.update({key: value for key, value in optional.items() if value is not None})
        return body

    def to_json(self) -> dict[str, Any]:
        return {
            "userId": self.user_id,
            "passwordHash": self.password_hash,
            "services": list(self.services),
            "firstName": self.first_name,
            "lastName": self.last_name,
            "dateOfBirth": self.date_of_birth,
            "address": list(self.address),
            "saUtr": self.sa_utr,
            "nino": self.nino,
            "mtdItId": self.mtd_it_id,
            "vrn": self.vrn,
            "vatRegistrationDate": self.vat_registration_date,
            "eoriNumber": self.eori_number,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TestUser:
        line1, line2, postcode = data["address"]
        return cls(
            user_id=data["userId"],
            password_hash=data["passwordHash"],
            services=tuple(data["services"]),
            first_name=data["firstName"],
            last_name=data["lastName"],
            date_of_birth=data["dateOfBirth"],
            address=(line1, line2, postcode),
            sa_utr=data.get("saUtr"),
            nino=data.get("nino"),
            mtd_it_id=data.get("mtdItId"),
            vrn=data.get("vrn"),
            vat_registration_date=data.get("vatRegistrationDate"),
            eori_number=data.get("eoriNumber"),
        )


@dataclass(frozen=True)
class Identities:
    """Identifiers asked for explicitly (a seed file, or ``nino`` in the request)."""

    user_id: str | None = None
    sa_utr: str | None = None
    nino: str | None = None
    mtd_it_id: str | None = None
    eori_number: str | None = None
    first_name: str | None = None
    last_name: str | None = None


def generate_user(
    rng: random.Random,
    services: tuple[str, ...],
    password: str,
    today: date,
    given: Identities,
    taken: set[str],
) -> TestUser:
    """A new user; ``taken`` holds identifiers already in use (generated ones avoid them)."""

    def fresh(make: Any) -> str:
        while True:
            value = str(make(rng))
            if value not in taken:
                taken.add(value)
                return value

    wants_nino = "national-insurance" in services or "mtd-income-tax" in services
    vrn = fresh(identifiers.new_vrn) if "mtd-vat" in services else None
    wants_eori = bool(EORI_SERVICES & set(services))
    years_registered = rng.randint(1, 20)
    return TestUser(
        user_id=given.user_id or fresh(identifiers.new_user_id),
        password_hash=hash_password(password),
        services=services,
        first_name=given.first_name or rng.choice(_FIRST_NAMES),
        last_name=given.last_name or rng.choice(_LAST_NAMES),
        date_of_birth=date(
            rng.randint(1950, 2000), rng.randint(1, 12), rng.randint(1, 28)
        ).isoformat(),
        address=rng.choice(_ADDRESSES),
        sa_utr=(given.sa_utr or fresh(identifiers.new_sa_utr))
        if "self-assessment" in services
        else None,
        nino=(given.nino or fresh(identifiers.new_nino)) if wants_nino else None,
        mtd_it_id=(given.mtd_it_id or fresh(identifiers.new_mtd_it_id))
        if "mtd-income-tax" in services
        else None,
        vrn=vrn,
        vat_registration_date=date(
            today.year - years_registered, today.month, min(today.day, 28)
        ).isoformat()
        if vrn
        else None,
        eori_number=(given.eori_number or fresh(identifiers.new_eori)) if wants_eori else None,
    )
