"""make_token_store: the file store by default, Vault from VAULT_ADDR/VAULT_TOKEN, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from hmrc_sync.errors import ConfigurationError
from hmrc_sync.settings import load_settings
from hmrc_sync.tokenstore import (
    FileTokenStore,
    VaultTokenStore,
    ensure_device_id,
    make_token_store,
)
from tests.support.vault_server import VaultServer, app_policy

VARIABLES = (
    "HMRC_SYNC_TOKEN_STORE",
    "HMRC_SYNC_TOKEN_FILE",
    "VAULT_ADDR",
    "VAULT_TOKEN",
    "HMRC_SYNC_VAULT_ADDR",
    "HMRC_SYNC_VAULT_TOKEN",
    "HMRC_SYNC_VAULT_MOUNT",
    "HMRC_SYNC_VAULT_PATH",
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)


def test_file_store_by_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HMRC_SYNC_TOKEN_FILE", str(tmp_path / "t" / "token.json"))
    store = make_token_store(load_settings())
    assert isinstance(store, FileTokenStore)
    assert store.describe() == f"file {tmp_path / 't' / 'token.json'}"
    ensure_device_id(store)
    assert (tmp_path / "t" / "token.json").exists()


@pytest.mark.parametrize(
    ("present", "missing"),
    [({}, "VAULT_ADDR"), ({"VAULT_ADDR": "http://vault:8200"}, "VAULT_TOKEN")],
)
def test_vault_needs_address_and_token(
    monkeypatch: pytest.MonkeyPatch, present: dict[str, str], missing: str
) -> None:
    monkeypatch.setenv("HMRC_SYNC_TOKEN_STORE", "vault")
    for name, value in present.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError, match=f"^{missing} is not set"):
        make_token_store(load_settings())


def test_vault_store_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, vault_server: VaultServer
) -> None:
    token = vault_server.add_token(app_policy(path="apps/hmrc"))
    monkeypatch.setenv("HMRC_SYNC_TOKEN_STORE", "vault")
    monkeypatch.setenv("VAULT_ADDR", vault_server.url)
    monkeypatch.setenv("VAULT_TOKEN", token)
    monkeypatch.setenv("HMRC_SYNC_VAULT_PATH", "/apps/hmrc/")
    store = make_token_store(load_settings())
    try:
        assert isinstance(store, VaultTokenStore)
        assert store.describe() == f"vault {vault_server.url} secret/apps/hmrc"
        assert token not in repr(store)
        device_id = ensure_device_id(store)
    finally:
        store.close()
    assert vault_server.engine.current_version("secret", "apps/hmrc") == 1
    paths = {request.path for request in vault_server.requests}
    assert paths == {"/v1/secret/data/apps/hmrc"}
    assert device_id


def test_a_given_vault_client_stands_in_for_vault_addr_and_token(
    monkeypatch: pytest.MonkeyPatch, vault_server: VaultServer
) -> None:
    monkeypatch.setenv("HMRC_SYNC_TOKEN_STORE", "vault")
    client = vault_server.client()
    store = make_token_store(load_settings(), vault_client=client)
    ensure_device_id(store)
    store.close()
    assert (
        client.secrets.kv.v2.read_secret_version(path="hmrc-sync", raise_on_deleted_version=True)[
            "data"
        ]["metadata"]["version"]
        == 1
    )
