"""Tax identifiers: HMRC's formats and check characters, to validate and to generate.

* SA UTR: 10 digits, the first a modulus-11 check character over the other nine (weights
  6,7,8,9,10,5,4,3,2; remainder indexes ``21987654321``), as HMRC's reference checker.
* NINO: two prefix letters (not D F I Q U V first, not D F I O Q U V second, not BG GB KN NK
  NT TN ZZ), six digits, suffix A-D.
* MTD IT ID: ``X`` + modulus-23 check letter + ``IT`` + 11 digits.
* VRN: 7 digits + a two-digit modulus-97 check.
"""

from __future__ import annotations

import random
import re
import string
import uuid
from typing import Final

_UTR_WEIGHTS: Final = (6, 7, 8, 9, 10, 5, 4, 3, 2)
_UTR_CHECK: Final = "21987654321"
_MOD23_WEIGHTS: Final = (9, 10, 11, 12, 13, 8, 7, 6, 5, 4, 3, 2, 1)
_MOD23_CHECK: Final = "ABCDEFGHXJKLMNYPQRSTZVW"
_NINO: Final = re.compile(
    r"^(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z][0-9]{6}[A-D]$"
)
_NINO_FIRST: Final = "ABCEGHJKLMNOPRSTWXYZ"
_NINO_SECOND: Final = "ABCEGHJKLMNPRSTWXYZ"
_NINO_BAD_PREFIXES: Final = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})
_EMPLOYMENT_ID: Final = re.compile(
    r"^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"
)


def _utr_check(nine_digits: str) -> str:
    total = sum(
        weight * int(digit) for weight, digit in zip(_UTR_WEIGHTS, nine_digits, strict=True)
    )
    return _UTR_CHECK[total % 11]


def is_sa_utr(text: str) -> bool:
    """True for a 10-digit SA UTR whose check character is right (a ``K`` prefix/suffix allowed)."""
    value = text[1:] if text.startswith("K") else text[:-1] if text.endswith("K") else text
    if not re.fullmatch(r"[0-9]{10}", value):
        return False
    return _utr_check(value[1:]) == value[0]


def new_sa_utr(rng: random.Random) -> str:
    suffix = f"{rng.randrange(10**9):09d}"
    return _utr_check(suffix) + suffix


def is_nino(text: str) -> bool:
    return bool(_NINO.match(text))


def new_nino(rng: random.Random) -> str:
    while True:
        prefix = rng.choice(_NINO_FIRST) + rng.choice(_NINO_SECOND)
        if prefix not in _NINO_BAD_PREFIXES:
            break
    return f"{prefix}{rng.randrange(10**6):06d}{rng.choice('ABCD')}"


def _mod23_check(code: str) -> str:
    total = 0
    for weight, char in zip(_MOD23_WEIGHTS, code, strict=False):
        digit = int(char, 36)
        total += weight * (digit + 23 if char.isalpha() else digit)
    return _MOD23_CHECK[total % 23]


def new_mtd_it_id(rng: random.Random) -> str:
    code = f"IT{rng.randrange(10**11):011d}"
    return f"X{_mod23_check(code)}{code}"


def new_vrn(rng: random.Random) -> str:
    seven = f"{rng.randrange(10**6, 10**7)}"
    total = sum(w * int(d) for w, d in zip((8, 7, 6, 5, 4, 3, 2), seven, strict=True))
    return f"{seven}{abs(total % 97 - 97) % 100:02d}"


def new_eori(rng: random.Random) -> str:
    return f"GB{rng.randrange(10**12):012d}"


def new_user_id(rng: random.Random) -> str:
    return "".join(rng.choice(string.digits) for _ in range(12))


def new_password(rng: random.Random) -> str:
    return "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(12))


def is_employment_id(text: str) -> bool:
    return bool(_EMPLOYMENT_ID.match(text))


def new_employment_id(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))
