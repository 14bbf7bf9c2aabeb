"""Twenty `sync` processes started at once against one grant: exactly one refresh, no
invalid_grant, every process succeeds — with the file store and with the Vault store."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest

from hmrc_sync.db.engine import make_engine, upgrade
from hmrc_sync.taxyear import TaxYear
from hmrc_sync.tokenstore import FileTokenStore, TokenStore, VaultTokenStore
from tests.support.emulated import employer, emulated_hmrc
from tests.support.vault_server import VaultServer

PROCESSES = 20
YEAR = TaxYear(2024)


def _start_together(
    commands_env: list[dict[str, str]], command: list[str]
) -> list[subprocess.CompletedProcess[str]]:
    processes = [
        subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for env in commands_env
    ]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=300)
        results.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    return results


@pytest.mark.parametrize(
    ("store_kind", "database"),
    [("file", "sqlite"), ("vault", "postgres")],
    ids=["file-store-sqlite-file-lock", "vault-store-postgres-advisory-lock"],
)
def test_concurrent_syncs_share_one_refresh(
    tmp_path: Path, store_kind: str, database: str, request: pytest.FixtureRequest
) -> None:
    database_url = str(request.getfixturevalue(f"{database}_url"))
    engine = make_engine(database_url)
    upgrade(engine)
    engine.dispose()
    # The limit of 3 requests/second is HMRC's per application; twenty processes would spend
    # the test waiting for it. Rotation is what is under test here.
    with emulated_hmrc(tmp_path, rate_limit=0) as hmrc:
        hmrc.seed(YEAR, [employer("123/AB45678", "Acme Analytics Ltd", "52000.00", "8232.00")])
        extra: dict[str, str] = {}
        store: TokenStore
        if store_kind == "vault":
            vault: VaultServer = request.getfixturevalue("vault_server")
            store = VaultTokenStore(vault.client(), "secret", "hmrc-sync")
            extra = {
                "HMRC_SYNC_TOKEN_STORE": "vault",
                "VAULT_ADDR": vault.url,
                "VAULT_TOKEN": vault.root_token,
            }
        else:
            store = FileTokenStore(tmp_path / "token.json")
        record = hmrc.grant(store, access_expires_in=dt.timedelta(seconds=20))
        env = hmrc.env(database_url, **extra)
        results = _start_together([env] * PROCESSES, [*hmrc.cli(), "sync", "--tax-year", "2024-25"])

        failures = [(r.returncode, r.stderr[-500:]) for r in results if r.returncode != 0]
        assert failures == []
        assert len(hmrc.refreshes) == 1, "one refresh serves every process"
        stored = store.read()
        assert stored is not None
        assert stored.value.grant is not None
        assert not stored.value.reauthorisation_required
        assert stored.value.grant.refreshed_at is not None
        assert record.grant is not None
        for result in results:
            text = result.stdout + result.stderr
            assert "invalid_grant" not in text
            assert record.grant.refresh_token.get_secret_value() not in text
            assert stored.value.grant.refresh_token.get_secret_value() not in text
            assert stored.value.grant.access_token.get_secret_value() not in text
