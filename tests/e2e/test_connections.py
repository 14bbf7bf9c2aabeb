"""Each sync run closes its HTTP client: forty runs in one long-lived process (the web
service's webhook) leave no more open connections than one run."""

from __future__ import annotations

import os
from pathlib import Path

from hmrc_sync.bootstrap import bootstrap
from hmrc_sync.db.engine import upgrade
from hmrc_sync.sync.jobs import run_sync_job
from hmrc_sync.sync.model import Trigger
from hmrc_sync.taxyear import TaxYear
from tests.support.emulated import employer, emulated_hmrc

YEAR = TaxYear(2024)


def _open_sockets() -> int:
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{fd}").startswith("socket:"):
                count += 1
        except OSError:
            continue
    return count


def test_forty_webhook_runs_leave_no_more_connections_than_one(
    tmp_path: Path, sqlite_url: str
) -> None:
    with emulated_hmrc(tmp_path, rate_limit=0) as hmrc:
        hmrc.seed(YEAR, [employer("123/AB45678", "Acme Analytics Ltd", "52000.00", "8232.00")])
        container = bootstrap(hmrc.settings(sqlite_url))
        upgrade(container.engine)
        hmrc.grant(container.token_store)
        try:
            run_sync_job(container, [YEAR], trigger=Trigger.WEBHOOK)
            after_one = _open_sockets()
            for _ in range(39):
                job = run_sync_job(container, [YEAR], trigger=Trigger.WEBHOOK)
                assert job.report.exit_code == 0, job.report.error
            after_forty = _open_sockets()
            assert after_forty <= after_one, (after_one, after_forty)
            assert len(container._http_clients) <= 1  # only the token endpoint's
        finally:
            container.close()
