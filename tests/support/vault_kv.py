"""The KV version 2 engine behind the test Vault server: state, ACL policies, Vault's answers.

Pure in-memory logic (no sockets); ``tests.support.vault_server`` puts HTTP in front of it.
Behaviour follows the KV v2 plugin (``path_data.go``, ``path_metadata.go``): see that module's
docstring for the endpoints and answers.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

ALL_CAPABILITIES: Final = frozenset({"create", "read", "update", "delete", "list", "sudo"})
DEFAULT_MAX_VERSIONS: Final = 10
CAS_MISMATCH: Final = "check-and-set parameter did not match the current version"
CAS_REQUIRED: Final = "check-and-set parameter required for this call"
PERMISSION_DENIED: Final = "permission denied"


@dataclass(frozen=True)
class Policy:
    """Vault-style ACL rules: API path (exact, or a prefix ending in ``*``) → capabilities.

    As in Vault, an exact rule beats a glob and the longest glob wins; ``deny`` denies all.
    """

    rules: Mapping[str, frozenset[str]]

    def capabilities(self, api_path: str) -> frozenset[str]:
        exact = self.rules.get(api_path)
        if exact is not None:
            return exact
        best: tuple[int, frozenset[str]] | None = None
        for pattern, capabilities in self.rules.items():
            matches = pattern.endswith("*") and api_path.startswith(pattern[:-1])
            if matches and (best is None or len(pattern) > best[0]):
                best = (len(pattern), capabilities)
        return frozenset() if best is None else best[1]

    def allows(self, api_path: str, capability: str) -> bool:
        capabilities = self.capabilities(api_path)
        return "deny" not in capabilities and capability in capabilities


ROOT_POLICY: Final = Policy({"*": ALL_CAPABILITIES})
READ_ONLY_POLICY: Final = Policy({"*": frozenset({"read", "list"})})
NO_POLICY: Final = Policy({})


def app_policy(mount: str = "secret", path: str = "hmrc-sync") -> Policy:
    """The least-privilege policy hmrc-sync documents for its own KV path."""
    return Policy(
        {
            f"{mount}/data/{path}": frozenset({"create", "read", "update"}),
            f"{mount}/metadata/{path}": frozenset({"read", "delete"}),
        }
    )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _timestamp(moment: dt.datetime | None) -> str:
    """Go's RFC 3339 with trimmed fractional seconds, as Vault prints; "" for none."""
    if moment is None:
        return ""
    text = moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f").rstrip("0").rstrip(".")
    return text + "Z"


@dataclass
class _Version:
    data: dict[str, Any] | None
    created_time: dt.datetime
    deletion_time: dt.datetime | None = None
    destroyed: bool = False

    @property
    def gone(self) -> bool:
        return self.destroyed or (self.deletion_time is not None and self.deletion_time <= _now())

    def metadata(self) -> dict[str, Any]:
        return {
            "created_time": _timestamp(self.created_time),
            "deletion_time": _timestamp(self.deletion_time),
            "destroyed": self.destroyed,
        }


@dataclass
class _Key:
    created_time: dt.datetime
    updated_time: dt.datetime
    current_version: int = 0
    oldest_version: int = 0
    max_versions: int = 0
    cas_required: bool = False
    delete_version_after: str = "0s"
    custom_metadata: dict[str, str] | None = None
    versions: dict[int, _Version] = field(default_factory=dict)


@dataclass
class MountConfig:
    max_versions: int = 0
    cas_required: bool = False
    delete_version_after: str = "0s"


@dataclass(frozen=True)
class Reply:
    status: int
    body: Any = None


class _BadRequest(Exception):
    pass


def error_reply(status: int, *messages: str) -> Reply:
    return Reply(status, {"errors": list(messages)})


def no_route(api_path: str) -> Reply:
    return error_reply(404, f'no handler for route "{api_path}". route entry not found.')


def _envelope(data: Any, warnings: list[str] | None = None) -> dict[str, Any]:
    return {
        "request_id": str(uuid.uuid4()),
        "lease_id": "",
        "renewable": False,
        "lease_duration": 0,
        "data": data,
        "wrap_info": None,
        "warnings": warnings,
        "auth": None,
        "mount_type": "kv",
    }


def _as_int(value: Any, what: str) -> int:
    """mapstructure's WeakDecode, roughly: ints, integral floats, numeric strings, bools."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value) if value else 0
        except ValueError:
            pass
    raise _BadRequest(what)


class KvV2Engine:
    """The KV v2 state of every mount, behind one lock (Vault locks per key; one is enough)."""

    def __init__(self, mounts: tuple[str, ...]) -> None:
        self._lock = threading.Lock()
        self.configs: dict[str, MountConfig] = {mount: MountConfig() for mount in mounts}
        self.keys: dict[str, dict[str, _Key]] = {mount: {} for mount in mounts}

    # --- routing helpers used by the HTTP handler

    def capability_for(self, method: str, mount: str, kind: str, key: str) -> str:
        if method == "GET":
            return "read"
        if method == "LIST":
            return "list"
        if method == "DELETE":
            return "delete"
        if kind in ("data", "metadata"):  # these paths have an existence check in Vault
            with self._lock:
                exists = key in self.keys.get(mount, {})
            return "update" if exists else "create"
        return "update"

    def handle(
        self, method: str, mount: str, kind: str, key: str, query: dict[str, str], body: Any
    ) -> Reply:
        with self._lock:
            try:
                return self._route(method, mount, kind, key, query, body)
            except _BadRequest as exc:
                return error_reply(400, str(exc))

    def _route(
        self, method: str, mount: str, kind: str, key: str, query: dict[str, str], body: Any
    ) -> Reply:
        keys = self.keys[mount]
        config = self.configs[mount]
        if kind == "config":
            if method == "GET":
                return Reply(200, _envelope(self._config_data(config)))
            if method in ("POST", "PUT"):
                return self._write_config(config, body)
        elif kind == "data" and key:
            if method == "GET":
                return self._read(keys, key, query)
            if method in ("POST", "PUT"):
                return self._write(keys, config, key, body)
            if method == "DELETE":
                return self._soft_delete_latest(keys, key)
        elif kind == "metadata":
            if method == "LIST":
                return self._list(keys, key)
            if method == "GET" and key:
                return self._read_metadata(keys, key)
            if method in ("POST", "PUT") and key:
                return self._write_metadata(keys, key, body)
            if method == "DELETE" and key:
                keys.pop(key, None)
                return Reply(204)
        elif kind in ("delete", "undelete", "destroy") and key and method in ("POST", "PUT"):
            return self._change_versions(keys, kind, key, body)
        if method not in ("GET", "POST", "PUT", "DELETE", "LIST"):
            return error_reply(405, "unsupported operation")
        return no_route(f"{mount}/{kind}/{key}")

    # --- data

    def _read(self, keys: dict[str, _Key], key: str, query: dict[str, str]) -> Reply:
        entry = keys.get(key)
        if entry is None:
            return error_reply(404)
        wanted = _as_int(query.get("version", "0"), "error converting input for field 'version'")
        number = wanted if wanted > 0 else entry.current_version
        version = entry.versions.get(number)
        if version is None:
            return error_reply(404)
        metadata = version.metadata() | {
            "version": number,
            "custom_metadata": entry.custom_metadata,
        }
        if version.gone:
            return Reply(404, _envelope({"data": None, "metadata": metadata}))
        return Reply(200, _envelope({"data": version.data, "metadata": metadata}))

    def _write(self, keys: dict[str, _Key], config: MountConfig, key: str, body: Any) -> Reply:
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, dict):
            return error_reply(400, "no data provided")
        options = body.get("options") or {}
        if not isinstance(options, dict):
            raise _BadRequest("error converting input for field 'options'")
        entry = keys.get(key)
        current = 0 if entry is None else entry.current_version
        if "cas" in options:
            cas = _as_int(options["cas"], "error parsing check-and-set parameter")
            if cas != current:
                return error_reply(400, CAS_MISMATCH)
        elif config.cas_required or (entry is not None and entry.cas_required):
            return error_reply(400, CAS_REQUIRED)
        now = _now()
        if entry is None:
            entry = keys[key] = _Key(created_time=now, updated_time=now)
        entry.current_version += 1
        entry.updated_time = now
        version = entry.versions[entry.current_version] = _Version(
            data=json.loads(json.dumps(data)), created_time=now
        )
        self._prune(entry, config)
        return Reply(
            200,
            _envelope(
                version.metadata()
                | {"version": entry.current_version, "custom_metadata": entry.custom_metadata}
            ),
        )

    @staticmethod
    def _prune(entry: _Key, config: MountConfig) -> None:
        limit = max(entry.max_versions, config.max_versions) or DEFAULT_MAX_VERSIONS
        if entry.current_version - entry.oldest_version >= limit:
            last_dropped = entry.current_version - limit
            for number in range(entry.oldest_version, last_dropped + 1):
                entry.versions.pop(number, None)
            entry.oldest_version = last_dropped + 1

    @staticmethod
    def _soft_delete_latest(keys: dict[str, _Key], key: str) -> Reply:
        entry = keys.get(key)
        if entry is not None:
            latest = entry.versions.get(entry.current_version)
            if latest is not None and not latest.gone:
                latest.deletion_time = _now()
        return Reply(204)

    @staticmethod
    def _change_versions(keys: dict[str, _Key], kind: str, key: str, body: Any) -> Reply:
        numbers = body.get("versions") if isinstance(body, dict) else None
        if not isinstance(numbers, list) or not numbers:
            return error_reply(400, "no version number provided")
        entry = keys.get(key)
        if entry is None:
            return Reply(204)
        for raw in numbers:
            version = entry.versions.get(_as_int(raw, "invalid version number"))
            if version is None or version.destroyed:
                continue
            if kind == "delete" and version.deletion_time is None:
                version.deletion_time = _now()
            elif kind == "undelete":
                version.deletion_time = None
            elif kind == "destroy":
                version.destroyed = True
                version.data = None
        return Reply(204)

    # --- metadata and config

    @staticmethod
    def _read_metadata(keys: dict[str, _Key], key: str) -> Reply:
        entry = keys.get(key)
        if entry is None:
            return error_reply(404)
        return Reply(
            200,
            _envelope(
                {
                    "versions": {str(n): v.metadata() for n, v in sorted(entry.versions.items())},
                    "current_version": entry.current_version,
                    "oldest_version": entry.oldest_version,
                    "created_time": _timestamp(entry.created_time),
                    "updated_time": _timestamp(entry.updated_time),
                    "max_versions": entry.max_versions,
                    "cas_required": entry.cas_required,
                    "delete_version_after": entry.delete_version_after,
                    "custom_metadata": entry.custom_metadata,
                }
            ),
        )

    @staticmethod
    def _write_metadata(keys: dict[str, _Key], key: str, body: Any) -> Reply:
        fields = body if isinstance(body, dict) else {}
        custom = fields.get("custom_metadata")
        if custom is not None and not isinstance(custom, dict):
            raise _BadRequest("custom_metadata validation failed: not a map")
        entry = keys.get(key)
        if entry is None:
            now = _now()
            entry = keys[key] = _Key(created_time=now, updated_time=now)
        if "max_versions" in fields:
            entry.max_versions = _as_int(fields["max_versions"], "invalid max_versions")
        if "cas_required" in fields:
            entry.cas_required = bool(fields["cas_required"])
        if "delete_version_after" in fields:
            entry.delete_version_after = str(fields["delete_version_after"])
        if custom is not None:
            entry.custom_metadata = {str(k): str(v) for k, v in custom.items()}
        return Reply(204)

    @staticmethod
    def _list(keys: dict[str, _Key], prefix: str) -> Reply:
        prefix = prefix.rstrip("/") + "/" if prefix else ""
        children = set()
        for key in keys:
            if key.startswith(prefix):
                rest = key[len(prefix) :]
                head, slash, _ = rest.partition("/")
                children.add(head + slash)
        if not children:
            return error_reply(404)
        return Reply(200, _envelope({"keys": sorted(children)}))

    @staticmethod
    def _config_data(config: MountConfig) -> dict[str, Any]:
        return {
            "cas_required": config.cas_required,
            "delete_version_after": config.delete_version_after,
            "max_versions": config.max_versions,
        }

    @staticmethod
    def _write_config(config: MountConfig, body: Any) -> Reply:
        fields = body if isinstance(body, dict) else {}
        if "max_versions" in fields:
            config.max_versions = _as_int(fields["max_versions"], "invalid max_versions")
        if "cas_required" in fields:
            config.cas_required = bool(fields["cas_required"])
        if "delete_version_after" in fields:
            config.delete_version_after = str(fields["delete_version_after"])
        return Reply(204)

    # --- inspection for tests

    def current_version(self, mount: str, key: str) -> int | None:
        with self._lock:
            entry = self.keys[mount].get(key)
            return None if entry is None else entry.current_version
