"""The Vault token store: one KV v2 secret of hmrc-sync's own, written by compare-and-set.

* **Its own path.** A KV v2 write replaces the *whole* secret, so hmrc-sync must never share a
  path with other keys (writing into a personal ``secret/<name>`` would wipe everything else
  there). Every write carries the marker ``written_by: hmrc-sync``; a path that holds data
  without it is refused for reading and writing, with the keys it found named in the error.
* **Compare-and-set.** The version is KV v2's metadata version. ``write`` sends
  ``options.cas`` = the version read (``0`` = must not exist), so Vault itself rejects a
  writer that lost the race; that answer becomes ``TokenConflictError``.
* **Policy.** The Vault token needs, for the default ``secret/hmrc-sync``::

      path "secret/data/hmrc-sync"     { capabilities = ["create", "read", "update"] }
      path "secret/metadata/hmrc-sync" { capabilities = ["read", "delete"] }

  (``delete`` on the metadata path is only needed by ``delete()``, i.e. ``auth logout``.)

The Vault token never appears in a message: errors carry the address, the path and Vault's
own error text.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable, Mapping
from typing import Any, Final, TypeVar

import hvac
from hvac import exceptions as vault_errors

from hmrc_sync.errors import TokenConflictError, TokenStoreError
from hmrc_sync.tokenstore.base import Versioned
from hmrc_sync.tokenstore.codec import (
    WRITTEN_BY,
    WRITTEN_BY_KEY,
    ForeignDataError,
    RecordFormatError,
    record_from_dict,
    record_to_dict,
)
from hmrc_sync.tokenstore.record import TokenRecord

_CAS_MISMATCH: Final = "check-and-set parameter did not match"


def public_address(url: str) -> str:
    """``url`` without any user:password part, for messages."""
    parts = urllib.parse.urlsplit(url)
    if parts.username is None and parts.password is None:
        return url.rstrip("/")
    host = parts.hostname or ""
    netloc = host if parts.port is None else f"{host}:{parts.port}"
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc)).rstrip("/")


def required_policy(mount: str, path: str) -> str:
    """The Vault policy hmrc-sync needs on its path, as HCL."""
    return (
        f'path "{mount}/data/{path}" {{ capabilities = ["create", "read", "update"] }} '
        f'path "{mount}/metadata/{path}" {{ capabilities = ["read", "delete"] }}'
    )


T = TypeVar("T")


class VaultTokenStore:
    """A ``TokenStore`` in Vault's KV v2 engine at ``mount``/``path`` (default secret/hmrc-sync)."""

    def __init__(
        self,
        client: hvac.Client,
        mount: str = "secret",
        path: str = "hmrc-sync",
        *,
        owns_client: bool = False,
        login: Callable[[], None] | None = None,
    ) -> None:
        """``login`` (Vault's kubernetes auth) runs again once when Vault refuses the token, so
        a long-running ``serve`` outlives its Vault token's TTL."""
        self._client = client
        self._login = login
        self._mount = mount.strip("/")
        self._path = path.strip("/")
        if not self._mount or not self._path:
            raise ValueError("the Vault mount and path must be non-empty")
        self._owns_client = owns_client
        self._address = public_address(str(client.url))

    def __repr__(self) -> str:
        return f"VaultTokenStore({self.describe()!r})"

    def describe(self) -> str:
        return f"vault {self._address} {self._mount}/{self._path}"

    def close(self) -> None:
        if self._owns_client:
            self._client.adapter.close()

    # --- reading

    def read(self) -> Versioned[TokenRecord] | None:
        return self._logged_in(self._read)

    def _read(self) -> Versioned[TokenRecord] | None:
        state = self._read_state()
        if state is None or state.data is None:
            return None
        return Versioned(self._decode(state.data), str(state.version))

    def _read_state(self) -> _SecretState | None:
        """The latest version: ``None`` when the key does not exist; ``data=None`` if deleted."""
        try:
            response = self._client.secrets.kv.v2.read_secret_version(
                path=self._path, mount_point=self._mount, raise_on_deleted_version=True
            )
        except vault_errors.InvalidPath as exc:
            deleted_version = _deleted_version(exc.json)
            if deleted_version is None:
                return None
            return _SecretState(version=deleted_version, data=None)
        except (vault_errors.VaultError, OSError) as exc:
            raise self._translate(exc, "read") from None
        try:
            body = response["data"]
            data = body["data"]
            version = int(body["metadata"]["version"])
        except (TypeError, KeyError, ValueError):
            raise TokenStoreError(
                f"Vault at {self._address} answered a read of {self._data_path} with an "
                f"unexpected shape; is {self._mount!r} a KV version 2 secrets engine?"
            ) from None
        if not isinstance(data, Mapping):
            raise TokenStoreError(f"{self.describe()} holds no key/value data")
        return _SecretState(version=version, data=data)

    def _decode(self, data: Mapping[str, Any]) -> TokenRecord:
        try:
            return record_from_dict(data)
        except ForeignDataError as exc:
            raise TokenStoreError(
                f"refusing to use {self.describe()}: {exc}. That path belongs to something "
                "else and a write would replace all of it; give hmrc-sync its own path "
                "with HMRC_SYNC_VAULT_PATH (default hmrc-sync)"
            ) from None
        except RecordFormatError as exc:
            raise TokenStoreError(
                f"{self.describe()} is not a valid hmrc-sync token record: {exc}. "
                "hmrc-sync will not overwrite it; fix it or delete it "
                f"(vault kv metadata delete {self._mount}/{self._path}) and sign in again"
            ) from None

    # --- writing

    def write(self, record: TokenRecord, *, expected_version: str | None) -> str:
        return self._logged_in(lambda: self._write_checked(record, expected_version))

    def _logged_in(self, operation: Callable[[], T]) -> T:
        try:
            return operation()
        except VaultRefused:
            if self._login is None:
                raise
            self._login()
            return operation()

    def _write_checked(self, record: TokenRecord, expected_version: str | None) -> str:
        cas = 0 if expected_version is None else _parse_version(expected_version)
        try:
            return self._write(record, cas)
        except TokenConflictError:
            if expected_version is not None:
                raise
            # "Must not exist" also holds when the latest version was deleted: KV v2 then
            # wants cas = that (deleted) version, and still refuses if anyone writes first.
            state = self._read_state()
            if state is None:
                raise
            if state.data is None:
                return self._write(record, state.version)
            if state.data.get(WRITTEN_BY_KEY) != WRITTEN_BY:
                self._decode(state.data)  # someone else's data: a refusal, not a conflict
            raise

    def _write(self, record: TokenRecord, cas: int) -> str:
        try:
            response = self._client.secrets.kv.v2.create_or_update_secret(
                path=self._path, secret=record_to_dict(record), cas=cas, mount_point=self._mount
            )
        except vault_errors.InvalidRequest as exc:
            if any(_CAS_MISMATCH in str(error) for error in exc.errors or ()):
                raise TokenConflictError(
                    f"{self.describe()} changed since it was read "
                    "(another hmrc-sync process wrote first)"
                    if cas
                    else f"{self.describe()} already holds a record "
                    "(another hmrc-sync process created it first)"
                ) from None
            raise self._translate(exc, "write") from None
        except (vault_errors.VaultError, OSError) as exc:
            raise self._translate(exc, "write") from None
        try:
            return str(int(response["data"]["version"]))
        except (TypeError, KeyError, ValueError):
            raise TokenStoreError(
                f"Vault at {self._address} did not confirm the write to {self._data_path} "
                f"with a version; is {self._mount!r} a KV version 2 secrets engine?"
            ) from None

    def delete(self) -> None:
        """Delete the key and every version (KV v2 metadata delete), so no old token lingers."""
        try:
            self._client.secrets.kv.v2.delete_metadata_and_all_versions(
                path=self._path, mount_point=self._mount
            )
        except (vault_errors.VaultError, OSError) as exc:
            raise self._translate(exc, "delete") from None

    # --- errors

    @property
    def _data_path(self) -> str:
        return f"{self._mount}/data/{self._path}"

    def _translate(self, exc: Exception, operation: str) -> TokenStoreError:
        api_path = (
            f"{self._mount}/metadata/{self._path}" if operation == "delete" else self._data_path
        )
        if isinstance(exc, OSError):
            return TokenStoreError(
                f"could not reach Vault at {self._address} to {operation} {api_path} "
                f"({type(exc).__name__}); check VAULT_ADDR and that Vault is up"
            )
        said = "; ".join(str(error) for error in (getattr(exc, "errors", None) or ()))
        said = f" (Vault said: {said})" if said else ""
        if isinstance(exc, vault_errors.Forbidden | vault_errors.Unauthorized):
            return VaultRefused(
                f"Vault at {self._address} refused to {operation} {api_path}: the Vault token "
                f"lacks permission{said}. It needs this policy: "
                f"{required_policy(self._mount, self._path)}"
            )
        if isinstance(exc, vault_errors.InvalidPath):
            return TokenStoreError(
                f"Vault at {self._address} has no KV version 2 engine for {api_path}{said}; "
                f"check HMRC_SYNC_VAULT_MOUNT (now {self._mount!r})"
            )
        if isinstance(exc, vault_errors.VaultDown):
            return TokenStoreError(
                f"Vault at {self._address} is sealed or unavailable; could not {operation} "
                f"{api_path}{said}"
            )
        return TokenStoreError(
            f"Vault at {self._address} failed to {operation} {api_path}: {type(exc).__name__}{said}"
        )


class VaultRefused(TokenStoreError):
    """Vault refused the token (403): missing policy, or an expired login."""


class _SecretState:
    __slots__ = ("data", "version")

    def __init__(self, *, version: int, data: Mapping[str, Any] | None) -> None:
        self.version = version
        self.data = data


def _deleted_version(body: object) -> int | None:
    """The version number in a KV v2 404 for a deleted or destroyed latest version."""
    try:
        metadata = body["data"]["metadata"]  # type: ignore[index]
        version = int(metadata["version"])
    except (TypeError, KeyError, ValueError):
        return None
    return version if version > 0 else None


def _parse_version(version: str) -> int:
    try:
        number = int(version)
    except ValueError:
        raise ValueError(f"not a Vault KV version: {version!r}") from None
    if number < 1:
        raise ValueError(f"not a Vault KV version: {version!r}")
    return number
