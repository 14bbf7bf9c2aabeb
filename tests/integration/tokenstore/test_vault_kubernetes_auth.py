"""Vault's kubernetes auth: the pod's ServiceAccount token logs in as VAULT_K8S_ROLE, and a
long-running process logs in again when its Vault token has expired."""

from __future__ import annotations

from pathlib import Path

import pytest

from hmrc_sync.errors import ConfigurationError, TokenStoreError
from hmrc_sync.settings import load_settings
from hmrc_sync.tokenstore import TokenRecord, make_token_store
from tests.support.vault_server import VaultServer, app_policy

JWT = "eyJhbGciOiJSUzI1NiJ9.service-account.signature"


@pytest.fixture
def jwt_file(tmp_path: Path) -> Path:
    path = tmp_path / "token"
    path.write_text(JWT + "\n", encoding="utf-8")
    return path


def _settings(vault: VaultServer, jwt_file: Path, role: str = "hmrc-sync") -> object:
    return load_settings(
        token_store="vault", vault_addr=vault.url, vault_k8s_role=role, vault_k8s_jwt_file=jwt_file
    )


def test_logs_in_with_the_service_account_and_uses_the_store(
    vault_server: VaultServer, jwt_file: Path
) -> None:
    vault_server.kubernetes_roles["hmrc-sync"] = (JWT, app_policy())
    store = make_token_store(_settings(vault_server, jwt_file))  # type: ignore[arg-type]
    try:
        version = store.write(TokenRecord.new(), expected_version=None)
        current = store.read()
        assert current is not None
        assert current.version == version
        logins = [r for r in vault_server.requests if r.path.endswith("/auth/kubernetes/login")]
        assert len(logins) == 1
    finally:
        store.close()


def test_logs_in_again_when_the_vault_token_expired(
    vault_server: VaultServer, jwt_file: Path
) -> None:
    vault_server.kubernetes_roles["hmrc-sync"] = (JWT, app_policy())
    store = make_token_store(_settings(vault_server, jwt_file))  # type: ignore[arg-type]
    try:
        store.write(TokenRecord.new(), expected_version=None)
        first_token = store._client.token  # type: ignore[attr-defined]
        vault_server.revoke_token(first_token)
        assert store.read() is not None
        assert store._client.token != first_token  # type: ignore[attr-defined]
    finally:
        store.close()


def test_a_wrong_role_or_jwt_is_a_clear_error(vault_server: VaultServer, jwt_file: Path) -> None:
    vault_server.kubernetes_roles["hmrc-sync"] = ("another-jwt", app_policy())
    with pytest.raises(TokenStoreError, match="kubernetes login as role 'hmrc-sync'") as info:
        make_token_store(_settings(vault_server, jwt_file))  # type: ignore[arg-type]
    assert JWT not in str(info.value)


def test_missing_service_account_token_says_so(vault_server: VaultServer, tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="ServiceAccount token"):
        make_token_store(_settings(vault_server, tmp_path / "absent"))  # type: ignore[arg-type]
