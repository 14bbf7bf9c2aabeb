"""headless_auth.py's production guard: which settings it refuses, and which it lets through."""

from __future__ import annotations

from typing import Any

import pytest

from hmrc_sync.oauth.headless import production_refusal
from hmrc_sync.settings import load_settings


def test_a_production_host_without_a_scheme_is_refused_as_a_setting() -> None:
    """Settings refuse a scheme-less API base URL (exit 2) before the guard is reached."""
    from hmrc_sync.errors import ConfigurationError

    with pytest.raises(ConfigurationError, match="HMRC_SYNC_API_BASE_URL"):
        load_settings(api_base_url="api.service.hmrc.gov.uk")


@pytest.mark.parametrize(
    "overrides",
    [
        {"environment": "production"},
        {"api_base_url": "https://api.service.hmrc.gov.uk"},
        {"api_base_url": "https://API.Service.HMRC.gov.uk./"},
        {"authorize_url": "https://www.tax.service.gov.uk/oauth/authorize"},
        {
            "api_base_url": "http://127.0.0.1:8443",
            "authorize_url": "https://www.tax.service.gov.uk:443/oauth/authorize?x=1",
        },
        {"environment": "production", "authorize_url": "http://127.0.0.1:8443/oauth/authorize"},
    ],
)
def test_production_is_refused(overrides: dict[str, Any]) -> None:
    refusal = production_refusal(load_settings(**overrides))
    assert refusal is not None
    assert refusal.startswith("refusing to run against HMRC production")
    assert "HMRC does not allow software to drive its sign-in and grant pages" in refusal


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"environment": "sandbox"},
        {"api_base_url": "https://test-api.service.hmrc.gov.uk"},
        {"authorize_url": "https://test-www.tax.service.gov.uk/oauth/authorize"},
        {"environment": "production", "api_base_url": "http://127.0.0.1:8443"},
        {"api_base_url": "https://api.service.hmrc.gov.uk.example.org"},
    ],
)
def test_the_sandbox_and_the_emulator_are_allowed(overrides: dict[str, Any]) -> None:
    assert production_refusal(load_settings(**overrides)) is None
