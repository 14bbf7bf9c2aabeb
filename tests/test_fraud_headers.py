"""The validator sweep: the headers hmrc-sync sends, judged by the emulator's validator on
every run, or by HMRC's sandbox validator with ``HMRC_VALIDATOR=1`` and sandbox credentials
set. The rest of the fraud-header tests live in ``tests/unit/fraud_headers/``.

    HMRC_VALIDATOR=1 uv run pytest tests/test_fraud_headers.py
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

from hmrc_sync.fraud_headers import (
    build_batch_headers,
    build_web_app_headers,
)
from tests.unit.fraud_headers.examples import (
    web_context,
)

pytestmark = pytest.mark.e2e

# Read before the suite's autouse fixture clears HMRC_SYNC_* from each test's environment.
_SANDBOX = {
    name: os.environ.get(name)
    for name in (
        "HMRC_SYNC_CLIENT_ID",
        "HMRC_SYNC_CLIENT_SECRET",
        "HMRC_SYNC_API_BASE_URL",
        "HMRC_SYNC_TOKEN_FILE",
    )
}


# HMRC's sandbox only when asked (HMRC_VALIDATOR=1): it is on the network. Without it the
# sweep runs against the emulator, so every run of the suite judges the headers.
_SANDBOX_ASKED = os.environ.get("HMRC_VALIDATOR") == "1"


def _stored_user_token(token_file: str | None) -> str | None:
    """The access token of a usable grant in ``token_file`` (HMRC's sandbox validator has
    refused client-credentials tokens since late August 2026), else None."""
    import datetime as dt

    from hmrc_sync.tokenstore import FileTokenStore, grant_status

    if not token_file or not Path(token_file).exists():
        return None
    stored = FileTokenStore(Path(token_file)).read()
    record = stored.value if stored else None
    if record is None or record.grant is None:
        return None
    if not grant_status(record, dt.datetime.now(dt.UTC)).usable:
        return None
    if record.grant.access_token_expires_within(
        dt.timedelta(minutes=1), now=dt.datetime.now(dt.UTC)
    ):
        return None  # refresh it with any hmrc-sync command (e.g. `hmrc-sync sync`) first
    return record.grant.access_token.get_secret_value()


@pytest.fixture(scope="module")
def validator_client() -> Iterator[Callable[[Mapping[str, str]], dict[str, object]]]:
    """Sends headers to ``GET /test/fraud-prevention-headers/validate``: HMRC's sandbox with
    HMRC_VALIDATOR=1 and sandbox credentials configured (HMRC_SYNC_CLIENT_ID/SECRET, no API
    base URL override), otherwise an emulator started here that, like the sandbox today, refuses
    client-credentials tokens. The stored grant's user-restricted token is used when there
    is one (HMRC_SYNC_TOKEN_FILE for the sandbox), else a client-credentials token."""
    import httpx

    from hmrc_sync.client.api import HmrcClient
    from hmrc_sync.client.ratelimit import RateLimiter
    from hmrc_sync.client.retry import RequestBudget, RetryPolicy
    from hmrc_sync.settings import HMRC_HOSTS, Environment

    def validator(
        base_url: str, client_id: str, client_secret: str, user_token: str | None
    ) -> Iterator[Callable[[Mapping[str, str]], dict[str, object]]]:
        with httpx.Client(base_url=base_url, timeout=30) as http:
            if user_token is not None:
                http.headers["Authorization"] = f"Bearer {user_token}"
            else:
                answer = http.post(
                    "/oauth/token",
                    data={
                        "grant_type": "client_credentials",
                        "client_id": client_id,
                        "client_secret": client_secret,
                    },
                )
                assert answer.status_code == 200, f"client_credentials: {answer.status_code}"
                http.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"

            def send(headers: Mapping[str, str]) -> dict[str, object]:
                client = HmrcClient(
                    http,
                    limiter=RateLimiter(),
                    retry=RetryPolicy(),
                    budget=RequestBudget(20),
                    headers=lambda: headers,
                )
                return client.validate_fraud_headers()

            yield send

    client_id, secret = _SANDBOX["HMRC_SYNC_CLIENT_ID"], _SANDBOX["HMRC_SYNC_CLIENT_SECRET"]
    if _SANDBOX_ASKED and client_id and secret and not _SANDBOX["HMRC_SYNC_API_BASE_URL"]:
        user_token = _stored_user_token(_SANDBOX["HMRC_SYNC_TOKEN_FILE"])
        yield from validator(HMRC_HOSTS[Environment.SANDBOX], client_id, secret, user_token)
        return
    from tempfile import TemporaryDirectory

    from hmrc_sync.tokenstore import FileTokenStore
    from tests.support.emulated import emulated_hmrc

    with (
        TemporaryDirectory() as workdir,
        emulated_hmrc(Path(workdir), validator_refuses_application_tokens=True) as hmrc,
    ):
        token_file = Path(workdir) / "token.json"
        hmrc.grant(FileTokenStore(token_file))
        user_token = _stored_user_token(str(token_file))
        assert user_token is not None
        yield from validator(hmrc.url, hmrc.client_id, hmrc.client_secret, user_token)


class TestHmrcValidatorSmoke:
    """The headers hmrc-sync sends, judged by the validator (HMRC's sandbox or the emulator):
    no errors; warnings only for the gaps ``unavailable_data`` declares."""

    def test_batch_headers_from_this_machine_have_no_errors(
        self, validator_client: Callable[[Mapping[str, str]], dict[str, object]]
    ) -> None:
        from uuid import uuid4

        from hmrc_sync.fraud_headers.collector import collect_batch_context

        headers = build_batch_headers(collect_batch_context(device_id=uuid4()))
        answer = validator_client(headers)
        assert answer["code"] != "INVALID_HEADERS", answer
        assert not answer.get("errors"), answer

    def test_web_app_headers_have_no_errors(
        self, validator_client: Callable[[Mapping[str, str]], dict[str, object]]
    ) -> None:
        answer = validator_client(build_web_app_headers(web_context()))
        assert answer["code"] != "INVALID_HEADERS", answer
        assert not answer.get("errors"), answer
