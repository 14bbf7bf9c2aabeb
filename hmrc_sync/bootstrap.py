"""The composition root: the one place that turns ``Settings`` into working parts.

The CLI, the web app and the tests all call ``bootstrap``; nothing is built at import time.
Each part is built on first use and cached, so a command that only needs the database never
touches the token store or the network. Tests hand in an ``httpx`` transport (to reach an
emulator) or a ready token store.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from uuid import UUID

import httpx
from prometheus_client import CollectorRegistry
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from hmrc_sync import __version__
from hmrc_sync.client.api import HmrcClient
from hmrc_sync.client.ratelimit import RateLimiter
from hmrc_sync.client.retry import RequestBudget, RetryPolicy
from hmrc_sync.db.engine import is_postgres, make_engine, session_factory
from hmrc_sync.errors import ConfigurationError
from hmrc_sync.fraud_headers.model import ConnectionMethod
from hmrc_sync.metrics import ProcessMetrics, build_registry
from hmrc_sync.oauth import HmrcAuth, TokenEndpoint, TokenManager
from hmrc_sync.oauth.locks import LockFactory, file_lock, postgres_lock
from hmrc_sync.oauth.recovery import RECOVERY_FILE_NAME, RecoveryFile
from hmrc_sync.settings import Settings
from hmrc_sync.sync.service import FetchLogRecorder, SyncService
from hmrc_sync.tokenstore import TokenStore, ensure_device_id, make_token_store

HeaderSource = Callable[[], Mapping[str, str]]


@dataclass
class Container:
    settings: Settings
    transport: httpx.BaseTransport | None = None
    _engine: Engine | None = field(default=None, repr=False)
    _token_store: TokenStore | None = field(default=None, repr=False)
    _rate_limiter: RateLimiter | None = field(default=None, repr=False)
    _http_clients: list[httpx.Client] = field(default_factory=list, repr=False)

    # ------------------------------------------------------------------ database
    @cached_property
    def engine(self) -> Engine:
        return self._engine if self._engine is not None else make_engine(self.settings.database_url)

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        return session_factory(self.engine)

    # ------------------------------------------------------------------ tokens
    @cached_property
    def token_store(self) -> TokenStore:
        return (
            self._token_store if self._token_store is not None else make_token_store(self.settings)
        )

    @cached_property
    def refresh_lock(self) -> LockFactory:
        if is_postgres(self.engine):
            return postgres_lock(self.engine)
        return file_lock(self.settings.token_file.parent / "refresh.lock")

    def http_client(self, auth: httpx.Auth | None = None, *, owned: bool = True) -> httpx.Client:
        """A client for HMRC's API host: closed with the container when ``owned``, else by
        whoever asked for it (a sync run closes its own, so a long-lived web service does not
        keep one open per run)."""
        client = httpx.Client(
            base_url=self.settings.hmrc_api_base_url,
            timeout=self.settings.http_timeout_seconds,
            transport=self.transport,
            headers={"User-Agent": f"hmrc-sync/{__version__}"},
            auth=auth,
        )
        if owned:
            self._http_clients.append(client)
        return client

    @cached_property
    def token_endpoint(self) -> TokenEndpoint:
        settings = self.settings
        if not settings.client_id or settings.client_secret is None:
            raise ConfigurationError(
                "HMRC_SYNC_CLIENT_ID and HMRC_SYNC_CLIENT_SECRET must be set: they are your "
                "application's credentials from HMRC's Developer Hub (or `hmrc-sync emulator`)"
            )
        return TokenEndpoint(self.http_client(), settings.client_id, settings.client_secret)

    @cached_property
    def token_manager(self) -> TokenManager:
        return TokenManager(
            self.token_store,
            self.token_endpoint,
            self.refresh_lock,
            on_refresh=self.process_metrics.refreshed,
            recovery=RecoveryFile(self.settings.token_file.parent / RECOVERY_FILE_NAME),
            reread_wait_s=5.0,
        )

    # ------------------------------------------------------------------ metrics
    @cached_property
    def _metrics(self) -> tuple[CollectorRegistry, ProcessMetrics]:
        return build_registry(self)

    @property
    def metrics_registry(self) -> CollectorRegistry:
        return self._metrics[0]

    @property
    def process_metrics(self) -> ProcessMetrics:
        return self._metrics[1]

    # ------------------------------------------------------------------ HMRC
    @cached_property
    def rate_limiter(self) -> RateLimiter:
        """One limiter for the whole process: every concurrent call shares HMRC's 3 rps."""
        if self._rate_limiter is not None:
            return self._rate_limiter
        return RateLimiter(self.settings.requests_per_second)

    def hmrc_client(
        self,
        recorder: FetchLogRecorder | None = None,
        headers: HeaderSource | None = None,
    ) -> HmrcClient:
        """A client for one run; the run closes it (``HmrcClient.close``)."""
        return HmrcClient(
            self.http_client(auth=HmrcAuth(self.token_manager), owned=False),
            limiter=self.rate_limiter,
            retry=RetryPolicy(),
            budget=RequestBudget(self.settings.request_budget),
            recorder=recorder,
            headers=headers,
        )

    @cached_property
    def device_id(self) -> str:
        """The installation's device id, kept with the grant so every pod sends the same one."""
        return ensure_device_id(self.token_store)

    def batch_fraud_headers(self) -> HeaderSource:
        """Fraud-prevention headers for an unattended run, collected afresh for each request."""
        from hmrc_sync.fraud_headers import build_batch_headers
        from hmrc_sync.fraud_headers.collector import collect_batch_context

        device = UUID(self.device_id)

        def headers() -> Mapping[str, str]:
            return build_batch_headers(collect_batch_context(device_id=device))

        return headers

    def sync_service(
        self,
        *,
        connection_method: ConnectionMethod = ConnectionMethod.BATCH_PROCESS_DIRECT,
        headers: HeaderSource | None = None,
    ) -> SyncService:
        settings = self.settings
        if headers is None and connection_method is ConnectionMethod.BATCH_PROCESS_DIRECT:
            headers = self.batch_fraud_headers()
        return SyncService(
            sessions=self.sessions,
            client_factory=lambda recorder: self.hmrc_client(recorder, headers),
            utr=settings.utr,
            nino=settings.nino,
            scopes=settings.scopes,
            connection_method=connection_method,
            preflight=self.token_manager.access_token,
        )

    # ------------------------------------------------------------------ year end
    def expected_refunds(self) -> dict[str, float]:
        """Each tax year's expected refund (negative: a bill), for the metrics."""
        from hmrc_sync.yearend.store import year_positions

        return {p.tax_year.hmrc: float(p.expected_refund) for p in year_positions(self)}

    def close(self) -> None:
        for client in self._http_clients:
            client.close()
        self._http_clients.clear()
        if "token_store" in self.__dict__:
            self.token_store.close()
        if "engine" in self.__dict__:
            self.engine.dispose()


def bootstrap(
    settings: Settings,
    *,
    engine: Engine | None = None,
    transport: httpx.BaseTransport | None = None,
    token_store: TokenStore | None = None,
    rate_limiter: RateLimiter | None = None,
) -> Container:
    return Container(
        settings=settings,
        transport=transport,
        _engine=engine,
        _token_store=token_store,
        _rate_limiter=rate_limiter,
    )
