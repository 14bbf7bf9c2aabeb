"""VaultTokenStore against the KV v2 server: CAS, its own path, error translation, no leaks."""

from __future__ import annotations

import socket

import hvac
import pytest

from hmrc_sync.errors import TokenConflictError, TokenStoreError
from hmrc_sync.tokenstore import TokenRecord, VaultTokenStore, ensure_device_id
from tests.integration.tokenstore.records import (
    REFRESH_TOKEN,
    assert_no_secret,
    make_record,
    rotated,
)
from tests.support.vault_server import (
    NO_POLICY,
    READ_ONLY_POLICY,
    VaultServer,
    app_policy,
)


def store_for(
    server: VaultServer, token: str | None = None, path: str = "hmrc-sync"
) -> VaultTokenStore:
    return VaultTokenStore(server.client(token), mount="secret", path=path)


def raw_data(server: VaultServer, path: str = "hmrc-sync") -> dict[str, object]:
    response = server.client().secrets.kv.v2.read_secret_version(
        path=path, raise_on_deleted_version=True
    )
    data: dict[str, object] = response["data"]["data"]
    return data


def test_round_trip_with_kv_versions(vault_server: VaultServer, record: TokenRecord) -> None:
    store = store_for(vault_server, vault_server.add_token(app_policy()))
    assert store.read() is None
    assert store.write(record, expected_version=None) == "1"
    stored = store.read()
    assert stored is not None
    assert stored.value == record
    assert stored.version == "1"
    assert raw_data(vault_server)["written_by"] == "hmrc-sync"
    assert raw_data(vault_server)["refresh_token"] == REFRESH_TOKEN
    assert store.write(rotated(record, "rt-2"), expected_version="1") == "2"
    assert vault_server.engine.current_version("secret", "hmrc-sync") == 2


def test_writes_send_check_and_set(vault_server: VaultServer, record: TokenRecord) -> None:
    store = store_for(vault_server)
    store.write(record, expected_version=None)
    store.write(rotated(record, "rt-2"), expected_version="1")
    writes = [r for r in vault_server.requests if r.method in ("POST", "PUT")]
    assert [w.body["options"] for w in writes] == [{"cas": 0}, {"cas": 1}]
    assert all(w.path == "/v1/secret/data/hmrc-sync" for w in writes)


def test_compare_and_set_conflicts(vault_server: VaultServer, record: TokenRecord) -> None:
    store = store_for(vault_server)
    store.write(record, expected_version=None)
    with pytest.raises(TokenConflictError, match="already holds a record"):
        store.write(record, expected_version=None)
    store_for(vault_server).write(rotated(record, "rt-other"), expected_version="1")
    with pytest.raises(TokenConflictError, match="changed since it was read") as caught:
        store.write(rotated(record, "rt-mine"), expected_version="1")
    assert_no_secret(str(caught.value), secrets=("rt-mine", "rt-other", REFRESH_TOKEN))
    current = store.read()
    assert current is not None
    assert current.version == "2"
    assert raw_data(vault_server)["refresh_token"] == "rt-other"


def test_cas_required_mount_is_fine(vault_server: VaultServer, record: TokenRecord) -> None:
    vault_server.client().secrets.kv.v2.configure(cas_required=True)
    store = store_for(vault_server)
    assert store.write(record, expected_version=None) == "1"
    assert store.write(record, expected_version="1") == "2"


def test_refuses_a_path_holding_someone_elses_keys(
    vault_server: VaultServer, record: TokenRecord
) -> None:
    personal = {"db_password": "pw-Qz81-personal", "api_key": "key-Lm22-personal"}
    vault_server.client().secrets.kv.v2.create_or_update_secret(path="viktor", secret=personal)
    store = store_for(vault_server, path="viktor")
    with pytest.raises(TokenStoreError, match="not written by hmrc-sync") as read_error:
        store.read()
    with pytest.raises(TokenStoreError, match="not written by hmrc-sync") as write_error:
        store.write(record, expected_version=None)
    for caught in (read_error, write_error):
        message = str(caught.value)
        assert "api_key, db_password" in message
        assert "HMRC_SYNC_VAULT_PATH" in message
        assert_no_secret(message, secrets=(*personal.values(), REFRESH_TOKEN))
        assert not isinstance(caught.value, TokenConflictError)
    assert raw_data(vault_server, "viktor") == personal
    assert vault_server.engine.current_version("secret", "viktor") == 1


def test_soft_deleted_latest_version_counts_as_absent(
    vault_server: VaultServer, record: TokenRecord
) -> None:
    store = store_for(vault_server)
    store.write(record, expected_version=None)
    store.write(record, expected_version="1")
    vault_server.client().secrets.kv.v2.delete_latest_version_of_secret(path="hmrc-sync")
    assert store.read() is None
    assert store.write(record, expected_version=None) == "3"
    assert store.read() is not None


def test_delete_removes_every_version(vault_server: VaultServer, record: TokenRecord) -> None:
    store = store_for(vault_server, vault_server.add_token(app_policy()))
    store.write(record, expected_version=None)
    store.write(rotated(record, "rt-2"), expected_version="1")
    store.delete()
    assert store.read() is None
    assert vault_server.engine.current_version("secret", "hmrc-sync") is None
    assert store.write(record, expected_version=None) == "1"


def test_read_only_token_cannot_write(vault_server: VaultServer, record: TokenRecord) -> None:
    store_for(vault_server).write(record, expected_version=None)
    token = vault_server.add_token(READ_ONLY_POLICY)
    store = store_for(vault_server, token)
    assert store.read() is not None
    with pytest.raises(TokenStoreError) as caught:
        store.write(rotated(record, "rt-new"), expected_version="1")
    message = str(caught.value)
    assert "lacks permission" in message
    assert "secret/data/hmrc-sync" in message
    assert 'capabilities = ["create", "read", "update"]' in message
    assert vault_server.url in message
    assert_no_secret(message, repr(caught.value), secrets=(token, "rt-new", REFRESH_TOKEN))


def test_token_without_policy_cannot_read(vault_server: VaultServer) -> None:
    token = vault_server.add_token(NO_POLICY)
    with pytest.raises(TokenStoreError, match="refused to read secret/data/hmrc-sync") as caught:
        store_for(vault_server, token).read()
    assert_no_secret(str(caught.value), secrets=(token,))


def test_policy_for_another_path_does_not_reach_ours(vault_server: VaultServer) -> None:
    token = vault_server.add_token(app_policy(path="other-app"))
    with pytest.raises(TokenStoreError, match="lacks permission"):
        store_for(vault_server, token).read()


def test_missing_mount(vault_server: VaultServer, record: TokenRecord) -> None:
    store = VaultTokenStore(vault_server.client(), mount="kv-typo", path="hmrc-sync")
    with pytest.raises(TokenStoreError, match="no KV version 2 engine for kv-typo/data/hmrc-sync"):
        store.write(record, expected_version=None)


def test_unreachable_vault_names_the_address_not_the_token(record: TokenRecord) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    token = "hvs.very-secret-vault-token"
    client = hvac.Client(url=f"http://127.0.0.1:{port}", token=token, timeout=2)
    store = VaultTokenStore(client, owns_client=True)
    try:
        for action in (store.read, lambda: store.write(record, expected_version=None)):
            with pytest.raises(
                TokenStoreError, match=f"could not reach Vault at http://127.0.0.1:{port}"
            ) as caught:
                action()
            assert_no_secret(str(caught.value), repr(caught.value), secrets=(token, REFRESH_TOKEN))
    finally:
        store.close()


def test_sealed_vault(vault_server: VaultServer, record: TokenRecord) -> None:
    store = store_for(vault_server)
    vault_server.sealed = True
    with pytest.raises(TokenStoreError, match="is sealed or unavailable") as caught:
        store.write(record, expected_version=None)
    assert "Vault is sealed" in str(caught.value)
    vault_server.sealed = False
    assert store.write(record, expected_version=None) == "1"


def test_describe_and_repr_show_no_token(vault_server: VaultServer) -> None:
    token = vault_server.add_token(app_policy())
    store = store_for(vault_server, token)
    assert store.describe() == f"vault {vault_server.url} secret/hmrc-sync"
    assert_no_secret(store.describe(), repr(store), secrets=(token,))


def test_credentials_in_the_address_are_not_shown(vault_server: VaultServer) -> None:
    client = vault_server.client()
    client.url = vault_server.url.replace("http://", "http://user:pa55word@")
    store = VaultTokenStore(client)
    assert "pa55word" not in store.describe()
    assert store.describe() == f"vault {vault_server.url} secret/hmrc-sync"


def test_ensure_device_id_creates_once(vault_server: VaultServer) -> None:
    store = store_for(vault_server)
    device_id = ensure_device_id(store)
    assert ensure_device_id(store_for(vault_server)) == device_id
    assert vault_server.engine.current_version("secret", "hmrc-sync") == 1
    assert raw_data(vault_server)["device_id"] == device_id


def test_an_invalid_record_is_reported_not_overwritten(vault_server: VaultServer) -> None:
    broken = {"written_by": "hmrc-sync", "format": 1, "device_id": "d", "refresh_token": "rt-x"}
    vault_server.client().secrets.kv.v2.create_or_update_secret(path="hmrc-sync", secret=broken)
    store = store_for(vault_server)
    with pytest.raises(TokenStoreError, match="grant is incomplete") as caught:
        store.read()
    assert_no_secret(str(caught.value), secrets=("rt-x",))
    with pytest.raises(TokenConflictError):
        store.write(make_record(), expected_version=None)
    assert raw_data(vault_server) == broken
