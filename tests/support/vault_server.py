"""A small, faithful Vault KV version 2 server for tests (real HTTP on 127.0.0.1).

It implements the part of Vault's HTTP API that hvac's ``secrets.kv.v2`` uses, with Vault's
status codes and JSON shapes (checked against the KV v2 plugin's ``path_data.go`` and
``path_metadata.go`` and hvac's adapter):

* ``GET /v1/{mount}/data/{path}[?version=N]`` → 200 ``{"data": {"data", "metadata"}}``;
  404 ``{"errors": []}`` when the key or version does not exist; 404 with the full response
  (``data: null`` plus the version's metadata) when that version is deleted or destroyed.
* ``POST|PUT /v1/{mount}/data/{path}`` with ``{"data": {...}, "options": {"cas": N}}`` → 200
  with the new version's metadata; 400 "check-and-set parameter did not match the current
  version" on a CAS mismatch (``cas: 0`` = the key must not exist); 400 "check-and-set
  parameter required for this call" when ``cas_required`` (mount config or key metadata) and
  no ``cas``; versions count from 1 and only ``max_versions`` (default 10) are kept.
* ``DELETE /v1/{mount}/data/{path}`` soft-deletes the latest version (204, also when absent).
* ``POST /v1/{mount}/{delete,undelete,destroy}/{path}`` with ``{"versions": [...]}`` → 204.
* ``GET|POST|DELETE /v1/{mount}/metadata/{path}`` and ``LIST`` (or ``GET ?list=true``).
* ``GET|POST /v1/{mount}/config`` (``cas_required``, ``max_versions``, ``delete_version_after``).

Every request needs ``X-Vault-Token`` naming a configured token; its ``Policy`` decides per
API path and capability (``create`` for a write to a new key, ``update`` for an existing one,
``read``, ``delete``, ``list``), as Vault's ACLs do; anything else is 403
``{"errors": ["permission denied"]}``. Not implemented: ``delete_version_after`` expiry,
``PATCH``, auth methods and ``sys/`` endpoints (hvac's KV v2 calls need none of them). Set
``VaultServer.sealed`` to answer everything with 503 ``{"errors": ["Vault is sealed"]}``.

Use the ``vault_server`` fixture; ``VaultServer.client(token)`` gives an hvac client that the
fixture closes at teardown.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import hvac
import pytest

from tests.support.vault_kv import (
    NO_POLICY,
    PERMISSION_DENIED,
    READ_ONLY_POLICY,
    ROOT_POLICY,
    KvV2Engine,
    Policy,
    Reply,
    app_policy,
    error_reply,
    no_route,
)

__all__ = [
    "NO_POLICY",
    "READ_ONLY_POLICY",
    "ROOT_POLICY",
    "Policy",
    "RecordedRequest",
    "VaultServer",
    "app_policy",
    "vault_server",
]


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    status: int


class _Handler(BaseHTTPRequestHandler):
    server: _VaultHTTPServer
    protocol_version = "HTTP/1.0"  # one request per connection: nothing lingers at teardown

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def do_LIST(self) -> None:
        self._serve("LIST")

    def do_PATCH(self) -> None:
        self._serve("PATCH")

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default stderr access log (the server records requests instead)."""

    def _serve(self, method: str) -> None:
        parts = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(parts.query))
        if method == "GET" and query.get("list") == "true":
            method = "LIST"
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body: Any = None
        reply: Reply | None = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                reply = error_reply(400, "failed to parse JSON input")
        if reply is None:
            reply = self.server.vault.dispatch(
                method, urllib.parse.unquote(parts.path), query, body, self.headers
            )
        self.server.vault.record(RecordedRequest(method, parts.path, query, body, reply.status))
        self._reply(reply)

    def _reply(self, reply: Reply) -> None:
        self.send_response(reply.status)
        self.send_header("Cache-Control", "no-store")
        if reply.body is None:
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        payload = json.dumps(reply.body).encode()
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


class _VaultHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # many clients connect at once in the concurrency tests
    vault: VaultServer


class VaultServer:
    """A running KV v2 server: ``url``, ``root_token``, tokens with policies, and its engine."""

    def __init__(self, mounts: tuple[str, ...] = ("secret",)) -> None:
        self.engine = KvV2Engine(mounts)
        self.root_token = "hvs.root-" + uuid.uuid4().hex
        self._tokens: dict[str, Policy] = {self.root_token: ROOT_POLICY}
        self._requests: list[RecordedRequest] = []
        self._requests_lock = threading.Lock()
        self._clients: list[hvac.Client] = []
        self.sealed = False  # set to True to answer every request like a sealed Vault (503)
        # Kubernetes auth (``POST /v1/auth/{mount}/login``): role -> (ServiceAccount JWT, policy).
        self.kubernetes_roles: dict[str, tuple[str, Policy]] = {}
        self.kubernetes_mount = "kubernetes"
        self._http = _VaultHTTPServer(("127.0.0.1", 0), _Handler)
        self._http.vault = self
        self._thread = threading.Thread(
            target=self._http.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._http.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> VaultServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        for client in self._clients:
            client.adapter.close()
        self._http.shutdown()
        self._http.server_close()
        self._thread.join(timeout=5)

    def add_token(self, policy: Policy, token: str | None = None) -> str:
        token = token or "hvs." + uuid.uuid4().hex
        self._tokens[token] = policy
        return token

    def client(self, token: str | None = None, *, timeout: int = 5) -> hvac.Client:
        """An hvac client for this server (closed when the server stops)."""
        client = hvac.Client(url=self.url, token=token or self.root_token, timeout=timeout)
        self._clients.append(client)
        return client

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._requests_lock:
            return list(self._requests)

    def record(self, request: RecordedRequest) -> None:
        with self._requests_lock:
            self._requests.append(request)

    def dispatch(
        self, method: str, path: str, query: dict[str, str], body: Any, headers: Any
    ) -> Reply:
        if self.sealed:
            return error_reply(503, "Vault is sealed")
        token = headers.get("X-Vault-Token") or ""
        authorization = headers.get("Authorization") or ""
        if not token and authorization.startswith("Bearer "):
            token = authorization[len("Bearer ") :]
        policy = self._tokens.get(token)
        if not path.startswith("/v1/"):
            return error_reply(404)
        api_path = path[len("/v1/") :].strip("/")
        if method in ("POST", "PUT") and api_path == f"auth/{self.kubernetes_mount}/login":
            return self._kubernetes_login(body)
        mount, _, rest = api_path.partition("/")
        kind, _, key = rest.partition("/")
        capability = self.engine.capability_for(method, mount, kind, key)
        if policy is None or not policy.allows(api_path, capability):
            return error_reply(403, PERMISSION_DENIED)
        if mount not in self.engine.configs:
            return no_route(api_path)
        return self.engine.handle(method, mount, kind, key, query, body)

    def _kubernetes_login(self, body: Any) -> Reply:
        """Vault's kubernetes auth: a known role and its ServiceAccount JWT get a new token."""
        role = body.get("role") if isinstance(body, dict) else None
        jwt = body.get("jwt") if isinstance(body, dict) else None
        if not isinstance(role, str) or role not in self.kubernetes_roles:
            return error_reply(400, f'invalid role name "{role}"')
        expected_jwt, policy = self.kubernetes_roles[role]
        if jwt != expected_jwt:
            return error_reply(403, PERMISSION_DENIED)
        token = self.add_token(policy)
        return Reply(
            200,
            {
                "auth": {
                    "client_token": token,
                    "policies": ["default", role],
                    "lease_duration": 3600,
                    "renewable": True,
                }
            },
        )

    def revoke_token(self, token: str) -> None:
        """The token's TTL ran out: Vault answers 403 for it from now on."""
        self._tokens.pop(token, None)


@pytest.fixture
def vault_server() -> Iterator[VaultServer]:
    """A fresh KV v2 server with the ``secret`` mount, stopped (and its clients closed) after."""
    server = VaultServer().start()
    try:
        yield server
    finally:
        server.stop()
