"""A running HMRC emulator (real HTTP on loopback) with one application, one test user and a
helper to put a grant into hmrc-sync's token store — the harness of the end-to-end sync tests.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from hmrc_sync.emulator.app import create_emulator_app
from hmrc_sync.emulator.config import (
    ApplicationConfig,
    EmulatorConfig,
    FaultConfig,
    VersionNotice,
)
from hmrc_sync.emulator.data.figures import EmployerFigures as SeedEmployer
from hmrc_sync.emulator.data.figures import annual_bodies
from hmrc_sync.emulator.engine.state import Emulator
from hmrc_sync.emulator.inprocess import serve_in_thread
from hmrc_sync.fraud_headers.validator import Verdict, validate_headers
from hmrc_sync.settings import DEFAULT_SCOPES, Settings, load_settings
from hmrc_sync.taxyear import TaxYear
from hmrc_sync.tokenstore import Grant, TokenRecord, TokenStore

REDIRECT_URI = "http://localhost:8080/oauth/callback"


def employer(ref: str, name: str, pay: str, tax: str) -> SeedEmployer:
    return SeedEmployer(ref, name, Decimal(pay), Decimal(tax))


@dataclass
class EmulatedHmrc:
    url: str
    emulator: Emulator
    client_id: str
    client_secret: str
    user_id: str
    password: str
    utr: str
    nino: str | None
    workdir: Path
    refreshes: list[dt.datetime] = field(default_factory=list)

    # ------------------------------------------------------------------ data
    def seed(self, tax_year: TaxYear, employers: Sequence[SeedEmployer]) -> None:
        for api, body in annual_bodies(employers).items():
            self.emulator.put_annual_summary(api, self.utr, tax_year, body)

    # ------------------------------------------------------------------ grants
    def grant(
        self,
        store: TokenStore,
        *,
        access_expires_in: dt.timedelta = dt.timedelta(hours=4),
        scopes: Sequence[str] = DEFAULT_SCOPES,
    ) -> TokenRecord:
        """A grant as if the owner had signed in; the stored access token expires as asked."""
        issued = self.emulator.issue_grant(self.user_id, self.client_id, scopes)
        assert issued.refresh_token is not None
        now = dt.datetime.now(dt.UTC)
        record = TokenRecord.new().with_grant(
            Grant(
                access_token=SecretStr(issued.access_token),
                refresh_token=SecretStr(issued.refresh_token),
                access_token_expires_at=now + access_expires_in,
                granted_at=now,
                scopes=tuple(scopes),
            )
        )
        current = store.read()
        store.write(record, expected_version=current.version if current else None)
        return record

    # ------------------------------------------------------------------ fraud headers
    def fraud_verdicts(self, api: str, connection_method: str) -> list[Verdict]:
        """The validator's verdict on the latest request to each of ``api``'s endpoints."""
        recorded = self.emulator.recorded_requests(self.client_id, api, connection_method)
        return [validate_headers(dict(r.headers), now=r.timestamp) for r in recorded]

    # ------------------------------------------------------------------ configuration
    def settings_values(self, database_url: str) -> dict[str, Any]:
        return {
            "database_url": database_url,
            "api_base_url": self.url,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "redirect_uri": REDIRECT_URI,
            "utr": self.utr,
            "nino": self.nino,
            "token_file": self.workdir / "token.json",
        }

    def settings(self, database_url: str, **overrides: Any) -> Settings:
        return load_settings(**{**self.settings_values(database_url), **overrides})

    def env(self, database_url: str, **extra: str) -> dict[str, str]:
        """Environment for an ``hmrc-sync`` subprocess pointed at this emulator."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("HMRC_SYNC_", "VAULT_"))}
        for key, value in self.settings_values(database_url).items():
            if value is not None:
                env[f"HMRC_SYNC_{key.upper()}"] = str(value)
        env.update(extra)
        return env

    def cli(self) -> list[str]:
        return [sys.executable, "-m", "hmrc_sync"]


@contextmanager
def emulated_hmrc(
    workdir: Path,
    *,
    rate_limit: int = 3,
    faults: FaultConfig | None = None,
    services: Sequence[str] = ("self-assessment", "national-insurance"),
    access_token_lifetime: dt.timedelta = dt.timedelta(hours=4),
    redirect_uris: Sequence[str] = (REDIRECT_URI,),
    deprecated_versions: Sequence[VersionNotice] = (),
    retired_versions: Sequence[VersionNotice] = (),
    sign_in_button_text: str | None = None,
    validator_refuses_application_tokens: bool = False,
) -> Iterator[EmulatedHmrc]:
    client_id = f"test-{secrets.token_hex(6)}"
    client_secret = secrets.token_urlsafe(18)
    config = EmulatorConfig(
        applications=(
            ApplicationConfig(
                client_id=client_id,
                client_secret=SecretStr(client_secret),
                redirect_uris=tuple(redirect_uris),
            ),
        ),
        rate_limit=rate_limit,
        faults=faults or FaultConfig(),
        access_token_lifetime=access_token_lifetime,
        random_seed=7,
        deprecated_versions=tuple(deprecated_versions),
        retired_versions=tuple(retired_versions),
    )
    if sign_in_button_text is not None:
        config = replace(config, sign_in_button_text=sign_in_button_text)
    if validator_refuses_application_tokens:
        config = replace(config, validator_refuses_application_tokens=True)
    app = create_emulator_app(config)
    emulator: Emulator = app.state.emulator
    user, password = emulator.create_user(services)
    assert user.sa_utr is not None
    refreshes: list[dt.datetime] = []
    original = emulator.tokens.finish_refresh
    lock = threading.Lock()

    def counting_finish_refresh(now: dt.datetime, grant: Any) -> Any:
        with lock:
            refreshes.append(now)
        return original(now, grant)

    emulator.tokens.finish_refresh = counting_finish_refresh  # type: ignore[method-assign]
    with serve_in_thread(app) as url:
        yield EmulatedHmrc(
            url=url,
            emulator=emulator,
            client_id=client_id,
            client_secret=client_secret,
            user_id=user.user_id,
            password=password,
            utr=user.sa_utr,
            nino=user.nino,
            workdir=workdir,
            refreshes=refreshes,
        )
