"""The test Vault server answers like Vault's KV v2 engine, checked over plain HTTP (httpx).

Expected bodies and codes come from Vault's KV v2 API documentation and the plugin source
(``path_data.go``: CAS messages, 404 with metadata for deleted versions, ``{"errors": []}``
for a missing key; ``path_metadata.go``: the metadata fields).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.support.vault_server import (
    NO_POLICY,
    READ_ONLY_POLICY,
    Policy,
    VaultServer,
)

DATA = "/v1/secret/data/app"
METADATA = "/v1/secret/metadata/app"


@pytest.fixture
def http(vault_server: VaultServer) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=vault_server.url, headers={"X-Vault-Token": vault_server.root_token}
    ) as client:
        yield client


def write(http: httpx.Client, data: dict[str, Any], cas: int | None = None) -> httpx.Response:
    options = {} if cas is None else {"cas": cas}
    return http.post(DATA, json={"options": options, "data": data})


def test_missing_key_is_404_with_empty_errors(http: httpx.Client) -> None:
    response = http.get(DATA)
    assert response.status_code == 404
    assert response.json() == {"errors": []}
    assert response.headers["content-type"] == "application/json"
    assert http.get(METADATA).json() == {"errors": []}


def test_versions_count_from_one(http: httpx.Client) -> None:
    first = write(http, {"a": "1"})
    assert first.status_code == 200
    body = first.json()["data"]
    assert body["version"] == 1
    assert body["deletion_time"] == ""
    assert body["destroyed"] is False
    assert body["custom_metadata"] is None
    assert body["created_time"].endswith("Z")
    assert http.put(DATA, json={"data": {"a": "2"}}).json()["data"]["version"] == 2
    latest = http.get(DATA).json()["data"]
    assert latest["data"] == {"a": "2"}
    assert latest["metadata"]["version"] == 2
    old = http.get(DATA, params={"version": 1}).json()["data"]
    assert old["data"] == {"a": "1"}
    assert old["metadata"]["version"] == 1
    assert http.get(DATA, params={"version": 9}).json() == {"errors": []}


def test_check_and_set(http: httpx.Client) -> None:
    mismatch = {"errors": ["check-and-set parameter did not match the current version"]}
    assert write(http, {"a": "1"}, cas=1).json() == mismatch  # absent key is version 0
    assert write(http, {"a": "1"}, cas=0).status_code == 200
    response = write(http, {"a": "2"}, cas=0)
    assert response.status_code == 400
    assert response.json() == mismatch
    assert write(http, {"a": "2"}, cas=1).json()["data"]["version"] == 2
    assert write(http, {"a": "3"}, cas=1).status_code == 400
    assert http.get(DATA).json()["data"]["data"] == {"a": "2"}


def test_cas_required_by_mount_or_key(http: httpx.Client) -> None:
    required = {"errors": ["check-and-set parameter required for this call"]}
    assert http.post("/v1/secret/config", json={"cas_required": True}).status_code == 204
    assert http.get("/v1/secret/config").json()["data"]["cas_required"] is True
    response = write(http, {"a": "1"})
    assert (response.status_code, response.json()) == (400, required)
    assert write(http, {"a": "1"}, cas=0).status_code == 200
    http.post("/v1/secret/config", json={"cas_required": False})
    http.post(METADATA, json={"cas_required": True})
    assert write(http, {"a": "2"}).json() == required
    assert write(http, {"a": "2"}, cas=1).status_code == 200


def test_permissions(vault_server: VaultServer, http: httpx.Client) -> None:
    denied = {"errors": ["permission denied"]}
    write(http, {"a": "1"})
    anonymous = httpx.get(vault_server.url + DATA)
    assert (anonymous.status_code, anonymous.json()) == (403, denied)
    wrong = httpx.get(vault_server.url + DATA, headers={"X-Vault-Token": "hvs.unknown"})
    assert wrong.status_code == 403
    for policy, read_status, write_status in [(READ_ONLY_POLICY, 200, 403), (NO_POLICY, 403, 403)]:
        headers = {"X-Vault-Token": vault_server.add_token(policy)}
        assert httpx.get(vault_server.url + DATA, headers=headers).status_code == read_status
        response = httpx.post(vault_server.url + DATA, headers=headers, json={"data": {"b": 2}})
        assert (response.status_code, response.json()) == (write_status, denied)


def test_create_and_update_are_separate_capabilities(vault_server: VaultServer) -> None:
    policy = Policy({"secret/data/app": frozenset({"create", "read"})})
    headers = {"X-Vault-Token": vault_server.add_token(policy)}
    url = vault_server.url + DATA
    assert httpx.post(url, headers=headers, json={"data": {"a": 1}}).status_code == 200
    assert httpx.post(url, headers=headers, json={"data": {"a": 2}}).status_code == 403
    assert httpx.get(vault_server.url + METADATA, headers=headers).status_code == 403


def test_deleted_and_destroyed_versions_answer_404_with_metadata(http: httpx.Client) -> None:
    write(http, {"a": "1"})
    write(http, {"a": "2"})
    assert http.delete(DATA).status_code == 204
    response = http.get(DATA)
    assert response.status_code == 404
    body = response.json()
    assert "errors" not in body
    assert body["data"]["data"] is None
    assert body["data"]["metadata"]["version"] == 2
    assert body["data"]["metadata"]["deletion_time"] != ""
    assert http.get(DATA, params={"version": 1}).json()["data"]["data"] == {"a": "1"}
    assert write(http, {"a": "3"}, cas=0).status_code == 400  # the key still exists
    http.post("/v1/secret/undelete/app", json={"versions": [2]})
    assert http.get(DATA).json()["data"]["data"] == {"a": "2"}
    http.post("/v1/secret/destroy/app", json={"versions": [2]})
    destroyed = http.get(DATA)
    assert destroyed.status_code == 404
    assert destroyed.json()["data"]["metadata"]["destroyed"] is True
    assert write(http, {"a": "3"}, cas=2).json()["data"]["version"] == 3


def test_metadata_and_pruning(http: httpx.Client) -> None:
    http.post(METADATA, json={"max_versions": 2, "custom_metadata": {"owner": "hmrc-sync"}})
    for value in ("1", "2", "3"):
        write(http, {"a": value})
    metadata = http.get(METADATA).json()["data"]
    assert metadata["current_version"] == 3
    assert metadata["oldest_version"] == 2
    assert sorted(metadata["versions"]) == ["2", "3"]
    assert metadata["max_versions"] == 2
    assert metadata["custom_metadata"] == {"owner": "hmrc-sync"}
    assert http.get(DATA).json()["data"]["metadata"]["custom_metadata"] == {"owner": "hmrc-sync"}
    assert http.get(DATA, params={"version": 1}).json() == {"errors": []}
    assert http.delete(METADATA).status_code == 204
    assert http.get(METADATA).status_code == 404
    assert write(http, {"a": "again"}, cas=0).json()["data"]["version"] == 1


def test_default_keeps_ten_versions(http: httpx.Client) -> None:
    for value in range(12):
        write(http, {"n": value})
    metadata = http.get(METADATA).json()["data"]
    assert (metadata["current_version"], metadata["oldest_version"]) == (12, 3)
    assert len(metadata["versions"]) == 10


def test_list(http: httpx.Client) -> None:
    for path in ("app", "team/one", "team/two"):
        http.post(f"/v1/secret/data/{path}", json={"data": {"x": 1}})
    assert http.request("LIST", "/v1/secret/metadata/").json()["data"]["keys"] == ["app", "team/"]
    listed = http.get("/v1/secret/metadata/team", params={"list": "true"})
    assert listed.json()["data"]["keys"] == ["one", "two"]
    assert http.request("LIST", "/v1/secret/metadata/nothing").status_code == 404


def test_bad_requests(http: httpx.Client) -> None:
    assert http.post(DATA, json={"options": {}}).json() == {"errors": ["no data provided"]}
    response = http.post(DATA, content=b"{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    bad_cas = http.post(DATA, json={"options": {"cas": "x"}, "data": {}})
    assert bad_cas.json() == {"errors": ["error parsing check-and-set parameter"]}
    unknown = http.get("/v1/nomount/data/app")
    assert unknown.status_code == 404
    assert "no handler for route" in unknown.json()["errors"][0]


def test_sealed(vault_server: VaultServer, http: httpx.Client) -> None:
    vault_server.sealed = True
    response = http.get(DATA)
    assert (response.status_code, response.json()) == (503, {"errors": ["Vault is sealed"]})
