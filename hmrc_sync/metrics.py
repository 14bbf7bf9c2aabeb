"""Prometheus metrics. Every name starts with ``hmrc_sync_``.

Most values are read at scrape time from the database and the token store, so the web
service reports what the CronJob did in another pod (and a restart loses nothing):

* ``hmrc_sync_last_successful_sync_timestamp_seconds``, ``hmrc_sync_last_sync_timestamp_seconds``,
  ``hmrc_sync_last_sync_exit_code``, ``hmrc_sync_sync_duration_seconds`` — from ``sync_run``;
* ``hmrc_sync_hmrc_requests_total{api,status}`` — from the append-only ``fetch_log``;
* ``hmrc_sync_api_deprecated{api}``, ``hmrc_sync_api_version_retired{api}`` — from the last
  run's summary (HMRC's Deprecation/Sunset headers; a 404 ``MATCHING_RESOURCE_NOT_FOUND``);
* ``hmrc_sync_grant_expiry_timestamp_seconds``, ``hmrc_sync_reauthorisation_required`` — from
  the token store (never a token);
* ``hmrc_sync_reconciliation_differences{status}`` — from the ``reconciliation`` table;
* ``hmrc_sync_expected_refund_pounds{tax_year}`` — the year-end position (``position``);

``hmrc_sync_token_refreshes_total{outcome}`` counts this process's refreshes. A CronJob run
pushes all of them to a Pushgateway (``sync --pushgateway URL``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from typing import Protocol

from prometheus_client import CollectorRegistry, Counter
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from hmrc_sync.db.reads import (
    api_notices,
    finding_counts,
    last_finished_run,
    last_successful_finish,
    request_counts,
)
from hmrc_sync.errors import HmrcSyncError
from hmrc_sync.tokenstore import TokenStore, grant_status

log = logging.getLogger(__name__)

# The statuses the reconciliation gauge always reports (0 when none).
FINDING_STATUSES = ("match", "explained", "review", "mismatch")


class StateSource(Protocol):
    """What the collector reads at each scrape (``bootstrap.Container`` is one)."""

    @property
    def sessions(self) -> sessionmaker[Session]: ...

    @property
    def token_store(self) -> TokenStore: ...

    def expected_refunds(self) -> dict[str, float]:
        """Each tax year's expected refund in pounds (negative: a bill), from the position."""
        ...


class HasRegistry(Protocol):
    @property
    def metrics_registry(self) -> CollectorRegistry: ...


class ProcessMetrics:
    """Counters owned by this process (registered in its own registry)."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.token_refreshes = Counter(
            "hmrc_sync_token_refreshes",
            "Access-token refreshes attempted by this process, by outcome.",
            ["outcome"],
            registry=registry,
        )
        for outcome in ("success", "failure"):
            self.token_refreshes.labels(outcome=outcome)

    def refreshed(self, ok: bool) -> None:
        self.token_refreshes.labels(outcome="success" if ok else "failure").inc()


class StateCollector(Collector):
    """Reads the durable state (database, token store) at every scrape."""

    def __init__(self, state: StateSource) -> None:
        self._state = state

    def collect(self) -> Iterator[Metric]:
        yield from self._sync_metrics()
        yield from self._api_version_metrics()
        yield from self._grant_metrics()
        yield from self._reconciliation_metrics()
        yield from self._position_metrics()

    def _sync_metrics(self) -> Iterator[Metric]:
        last_ok = GaugeMetricFamily(
            "hmrc_sync_last_successful_sync_timestamp_seconds",
            "When the last sync that ended with exit code 0 finished (Unix time).",
        )
        last_any = GaugeMetricFamily(
            "hmrc_sync_last_sync_timestamp_seconds", "When the last sync finished (Unix time)."
        )
        exit_code = GaugeMetricFamily(
            "hmrc_sync_last_sync_exit_code",
            "Exit code of the last sync (0 ok, 3 re-authorise, 4 HMRC unavailable, 5 partial).",
        )
        duration = GaugeMetricFamily(
            "hmrc_sync_sync_duration_seconds", "Duration of the last finished sync."
        )
        requests = CounterMetricFamily(
            "hmrc_sync_hmrc_requests",
            "HTTP requests made to HMRC, by API and status ('error' when no answer came).",
            labels=["api", "status"],
        )
        try:
            with self._state.sessions() as session:
                finished = last_finished_run(session)
                last_success = last_successful_finish(session)
                counts = request_counts(session)
        except SQLAlchemyError as exc:
            log.warning("metrics: the database could not be read: %s", type(exc).__name__)
            return
        if last_success is not None:
            last_ok.add_metric([], last_success.timestamp())
        if finished is not None and finished.finished_at is not None:
            last_any.add_metric([], finished.finished_at.timestamp())
            exit_code.add_metric([], float(finished.exit_code or 0))
            duration.add_metric([], (finished.finished_at - finished.started_at).total_seconds())
        for api, status, count in counts:
            requests.add_metric([api or "unknown", str(status) if status else "error"], count)
        yield from (last_ok, last_any, exit_code, duration, requests)

    def _api_version_metrics(self) -> Iterator[Metric]:
        deprecated = GaugeMetricFamily(
            "hmrc_sync_api_deprecated",
            "1 for each API whose version HMRC marked deprecated (Deprecation/Sunset headers) "
            "in the last sync.",
            labels=["api"],
        )
        retired = GaugeMetricFamily(
            "hmrc_sync_api_version_retired",
            "1 for the API whose version HMRC no longer serves (the last sync stopped, exit 10).",
            labels=["api"],
        )
        try:
            with self._state.sessions() as session:
                notices, retired_api = api_notices(last_finished_run(session))
        except SQLAlchemyError as exc:
            log.warning("metrics: the database could not be read: %s", type(exc).__name__)
            return
        for api in sorted(notices):
            deprecated.add_metric([api], 1.0)
        if retired_api:
            retired.add_metric([retired_api], 1.0)
        yield deprecated
        yield retired

    def _grant_metrics(self) -> Iterator[Metric]:
        expiry = GaugeMetricFamily(
            "hmrc_sync_grant_expiry_timestamp_seconds",
            "When HMRC's 18-month grant expires (Unix time).",
        )
        reauth = GaugeMetricFamily(
            "hmrc_sync_reauthorisation_required",
            "1 when the owner must grant access again (no grant, refused or expired).",
        )
        try:
            current = self._state.token_store.read()
        except HmrcSyncError as exc:
            log.warning("metrics: the token store could not be read: %s", exc.message)
            return
        record = current.value if current else None
        if record is not None and record.grant is not None:
            expiry.add_metric([], record.grant.grant_expires_at.timestamp())
        usable = grant_status(record, dt.datetime.now(dt.UTC)).usable
        reauth.add_metric([], 0.0 if usable else 1.0)
        yield expiry
        yield reauth

    def _reconciliation_metrics(self) -> Iterator[Metric]:
        gauge = GaugeMetricFamily(
            "hmrc_sync_reconciliation_differences",
            "Findings of the latest reconciliation of each tax year, by status.",
            labels=["status"],
        )
        try:
            with self._state.sessions() as session:
                counts = finding_counts(session)
        except SQLAlchemyError as exc:
            log.warning("metrics: the reconciliation could not be read: %s", type(exc).__name__)
            return
        for status in FINDING_STATUSES:
            gauge.add_metric([status], float(counts.get(status, 0)))
        yield gauge

    def _position_metrics(self) -> Iterator[Metric]:
        gauge = GaugeMetricFamily(
            "hmrc_sync_expected_refund_pounds",
            "Each tax year's expected income-tax refund in pounds (negative: a bill), an "
            "estimate from the payslips, P60s and HMRC's figures (hmrc-sync position).",
            labels=["tax_year"],
        )
        try:
            refunds = self._state.expected_refunds()
        except (HmrcSyncError, SQLAlchemyError) as exc:
            log.warning("metrics: the year-end position could not be worked out: %s", exc)
            return
        for tax_year, amount in sorted(refunds.items()):
            gauge.add_metric([tax_year], amount)
        yield gauge


def build_registry(state: StateSource) -> tuple[CollectorRegistry, ProcessMetrics]:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(StateCollector(state))
    return registry, ProcessMetrics(registry)


PUSH_JOB = "hmrc-sync"


def push_metrics(container: HasRegistry, gateway_url: str) -> bool:
    """Push every metric to a Pushgateway; a failure is logged, never fatal to the sync."""
    from prometheus_client import push_to_gateway

    try:
        push_to_gateway(gateway_url, job=PUSH_JOB, registry=container.metrics_registry, timeout=10)
    except OSError as exc:
        log.warning("could not push metrics to %s: %s", gateway_url, exc)
        return False
    return True
