"""Shared values and small helpers for the emulator's tests."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from pydantic import SecretStr

from hmrc_sync.emulator.config import ApplicationConfig
from hmrc_sync.emulator.engine.state import Emulator
from hmrc_sync.emulator.engine.users import TestUser

CLIENT_ID: Final = "emulator-test-client"
CLIENT_SECRET: Final = "emulator-test-secret"
REDIRECT_URI: Final = "http://localhost:8080/oauth/callback"
APPLICATION: Final = ApplicationConfig(CLIENT_ID, SecretStr(CLIENT_SECRET))
# A second application, subscribed to Create Test User only.
OTHER_ID: Final = "other-client"
OTHER_SECRET: Final = "other-secret"
OTHER_APPLICATION: Final = ApplicationConfig(
    OTHER_ID, SecretStr(OTHER_SECRET), subscriptions=frozenset({"create-test-user"})
)
SA_SCOPES: Final = (
    "read:individual-tax",
    "read:individual-income",
    "read:individual-employment",
    "read:individual-benefits",
    "read:national-insurance",
)
ALL_SCOPES: Final = (*SA_SCOPES, "read:self-assessment")
# HMRC's Accept version per API (hmrc-api.md; the OAS files in ../shared/hmrc-fixtures).
VERSIONS: Final = {
    "individual-tax": "1.1",
    "individual-income": "1.2",
    "individual-employment": "1.2",
    "individual-benefits": "1.1",
    "national-insurance": "1.1",
    "individuals-employments-income": "2.0",
}


def accept(version: str) -> str:
    return f"application/vnd.hmrc.{version}+json"


def api_headers(token: str, version: str, **extra: str) -> dict[str, str]:
    return {"Accept": accept(version), "Authorization": f"Bearer {token}", **extra}


def annual_path(api: str, utr: str, tax_year: str) -> str:
    return f"/{api}/sa/{utr}/annual-summary/{tax_year}"


@dataclass(frozen=True)
class Granted:
    """A test user with a live grant (made through the state API, not the pages)."""

    user: TestUser
    password: str
    access_token: str
    refresh_token: str


def granted_user(
    emulator: Emulator,
    services: Iterable[str] = ("self-assessment", "national-insurance"),
    scopes: Iterable[str] = ALL_SCOPES,
    client_id: str = CLIENT_ID,
) -> Granted:
    user, password = emulator.create_user(services)
    issued = emulator.issue_grant(user.user_id, client_id, scopes)
    assert issued.refresh_token is not None
    return Granted(user, password, issued.access_token, issued.refresh_token)


def read_json(path: Path) -> Any:
    """A fixture file, numbers with a fraction as Decimal (independent of the emulator's code)."""
    return json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)


def parse_json(text: str | bytes) -> Any:
    return json.loads(text, parse_float=Decimal)


def assert_identical(actual: Any, expected: Any, where: str = "$") -> None:
    """Same JSON, digit for digit: same keys, same types, numbers written the same."""
    assert type(actual) is type(expected), f"{where}: {actual!r} is not like {expected!r}"
    if isinstance(expected, dict):
        assert set(actual) == set(expected), f"{where}: keys {sorted(actual)} != {sorted(expected)}"
        for key in expected:
            assert_identical(actual[key], expected[key], f"{where}.{key}")
    elif isinstance(expected, list):
        assert len(actual) == len(expected), f"{where}: {len(actual)} items != {len(expected)}"
        for index, (left, right) in enumerate(zip(actual, expected, strict=True)):
            assert_identical(left, right, f"{where}[{index}]")
    elif isinstance(expected, Decimal):
        assert str(actual) == str(expected), f"{where}: {actual} != {expected}"
    else:
        assert actual == expected, f"{where}: {actual!r} != {expected!r}"


def json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float | Decimal):
        return "number"
    if isinstance(value, str):
        return "string"
    if value is None:
        return "null"
    return "array" if isinstance(value, list) else "object"


def assert_same_shape(actual: Any, expected: Any, where: str = "$") -> None:
    """Same fields and JSON types, and equal numbers (YAML examples parse 36.5 as a float)."""
    assert json_kind(actual) == json_kind(expected), f"{where}: {actual!r} vs {expected!r}"
    if isinstance(expected, dict):
        assert set(actual) == set(expected), f"{where}: keys {sorted(actual)} != {sorted(expected)}"
        for key in expected:
            assert_same_shape(actual[key], expected[key], f"{where}.{key}")
    elif isinstance(expected, list):
        assert len(actual) == len(expected), f"{where}: {len(actual)} items != {len(expected)}"
        for index, (left, right) in enumerate(zip(actual, expected, strict=True)):
            assert_same_shape(left, right, f"{where}[{index}]")
    elif json_kind(expected) == "number":
        assert Decimal(str(actual)) == Decimal(str(expected)), f"{where}: {actual} != {expected}"
    else:
        assert actual == expected, f"{where}: {actual!r} != {expected!r}"
