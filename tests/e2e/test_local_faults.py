"""No lost grant on local faults: a store that fails right after HMRC rotated the refresh
token (a full disk), and a refresh lock whose PostgreSQL connection is killed mid-refresh."""

from __future__ import annotations

import datetime as dt
import errno
import threading
from pathlib import Path

from sqlalchemy import create_engine, text

from hmrc_sync.bootstrap import bootstrap
from hmrc_sync.db.engine import upgrade
from hmrc_sync.errors import ExitCode, TokenStoreError
from hmrc_sync.oauth.locks import REFRESH_LOCK_KEY
from hmrc_sync.oauth.recovery import RECOVERY_FILE_NAME
from hmrc_sync.taxyear import TaxYear
from hmrc_sync.tokenstore import FileTokenStore, TokenRecord
from tests.support.emulated import employer, emulated_hmrc

YEAR = TaxYear(2024)


class FillingDisk(FileTokenStore):
    """A file store whose disk fills up once HMRC has answered the refresh."""

    full = False

    def write(self, record: TokenRecord, *, expected_version: str | None) -> str:
        if self.full:
            raise TokenStoreError(
                f"could not write the token file {self.path}: {errno.errorcode[errno.ENOSPC]}"
            )
        return super().write(record, expected_version=expected_version)


def test_a_full_disk_after_rotation_loses_nothing(tmp_path: Path, sqlite_url: str) -> None:
    with emulated_hmrc(tmp_path, rate_limit=0) as hmrc:
        hmrc.seed(YEAR, [employer("123/AB45678", "Acme Analytics Ltd", "52000.00", "8232.00")])
        settings = hmrc.settings(sqlite_url)
        store = FillingDisk(settings.token_file)
        first = bootstrap(settings, token_store=store)
        upgrade(first.engine)
        hmrc.grant(store, access_expires_in=dt.timedelta(seconds=5))
        store.full = True
        try:
            failed = first.sync_service().run([YEAR])
        finally:
            first.close()
        assert failed.exit_code != ExitCode.OK
        assert failed.error is not None
        assert "recovery" in failed.error
        assert len(hmrc.refreshes) == 1, "HMRC rotated the refresh token"
        recovery = settings.token_file.parent / RECOVERY_FILE_NAME
        assert recovery.stat().st_mode & 0o777 == 0o600

        store.full = False  # space freed
        second = bootstrap(settings, token_store=FileTokenStore(settings.token_file))
        try:
            report = second.sync_service().run([YEAR])
            assert report.exit_code == ExitCode.OK, report.error
            stored = second.token_store.read()
            assert stored is not None
            assert not stored.value.reauthorisation_required
        finally:
            second.close()
        assert len(hmrc.refreshes) == 1, "the recovered pair was used, not refreshed again"
        assert recovery.read_bytes().strip() == b""


def test_a_killed_lock_connection_mid_refresh_flags_no_reauthorisation(
    tmp_path: Path, postgres_url: str
) -> None:
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    high, low = (REFRESH_LOCK_KEY >> 32) & 0xFFFF_FFFF, REFRESH_LOCK_KEY & 0xFFFF_FFFF
    outcome: dict[str, object] = {}

    with emulated_hmrc(tmp_path, rate_limit=0) as hmrc:
        settings = hmrc.settings(postgres_url)
        token_file = settings.token_file
        second = bootstrap(settings, token_store=FileTokenStore(token_file))

        class SlowWriter(FileTokenStore):
            """Process A: HMRC has rotated; before A's write lands its lock connection is
            killed and process B refreshes with the pair still stored."""

            def write(self, record: TokenRecord, *, expected_version: str | None) -> str:
                if record.grant is not None and record.grant.refreshed_at is not None:
                    with admin.connect() as connection:
                        killed = connection.execute(
                            text(
                                "SELECT pg_terminate_backend(pid) FROM pg_locks "
                                "WHERE locktype = 'advisory' AND classid = CAST(:h AS bigint)::oid "
                                "AND objid = CAST(:l AS bigint)::oid"
                            ),
                            {"h": high, "l": low},
                        ).all()
                    outcome["killed"] = len(killed)
                    worker = threading.Thread(target=_b)
                    worker.start()
                    worker.join(timeout=1.0)  # B is now refreshing (or waiting on the store)
                    outcome["b_thread"] = worker
                return super().write(record, expected_version=expected_version)

        def _b() -> None:
            try:
                outcome["b"] = second.token_manager.access_token().get_secret_value()
            except Exception as exc:
                outcome["b"] = exc

        first = bootstrap(settings, token_store=SlowWriter(token_file))
        upgrade(first.engine)
        hmrc.grant(first.token_store, access_expires_in=dt.timedelta(seconds=5))
        try:
            a_token = first.token_manager.access_token().get_secret_value()
            worker = outcome["b_thread"]
            assert isinstance(worker, threading.Thread)
            worker.join(timeout=30)
        finally:
            first.close()
            second.close()
            admin.dispose()
        assert outcome["killed"] == 1
        stored = FileTokenStore(token_file).read()
        assert stored is not None
        assert not stored.value.reauthorisation_required, stored.value.reauthorisation_reason
        assert outcome["b"] == a_token, outcome["b"]
