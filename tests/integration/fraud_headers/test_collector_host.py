"""Collect the batch context from the machine running the tests and check it end to end."""

from __future__ import annotations

import platform
from datetime import UTC, datetime, timedelta
from uuid import uuid4

from hmrc_sync.fraud_headers import build_batch_headers, unavailable_data
from hmrc_sync.fraud_headers.collector import collect_batch_context
from hmrc_sync.fraud_headers.validator import validate_headers


def test_this_machine_yields_headers_whose_only_problems_are_explained_gaps() -> None:
    before = datetime.now(UTC)
    context = collect_batch_context(device_id=uuid4())
    headers = build_batch_headers(context)
    verdict = validate_headers(headers)

    assert context.device.os_family == platform.system()
    assert timedelta(0) <= context.local_ips_collected_at - before < timedelta(seconds=5)
    gaps = {name.lower() for name in unavailable_data(context)}
    assert "gov-vendor-license-ids" in gaps  # hmrc-sync has no licence keys
    for finding in verdict.errors + verdict.warnings:
        assert set(finding.headers) <= gaps, finding
