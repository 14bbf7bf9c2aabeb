"""The ``TokenStore`` protocol, compare-and-set semantics and the device-id bootstrap.

HMRC refresh tokens are single-use: whoever refreshes must persist the new pair before using
it, and two processes must never both believe their write won. So every write is a
compare-and-set against the version the writer read:

* ``read()`` returns the record with an opaque ``version`` (or ``None`` when nothing is stored);
* ``write(record, expected_version=v)`` succeeds only if the stored version is still ``v``
  (``None`` = "nothing must be stored yet") and returns the new version; otherwise it raises
  ``TokenConflictError`` and changes nothing. The caller re-reads and decides again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Generic, Protocol, TypeVar

from hmrc_sync.errors import TokenConflictError, TokenStoreError
from hmrc_sync.tokenstore.record import TokenRecord

T = TypeVar("T")

_DEVICE_ID_ATTEMPTS: Final = 5


@dataclass(frozen=True)
class Versioned(Generic[T]):
    """A stored value and the opaque version it was read at (pass it back to ``write``)."""

    value: T
    version: str


class TokenStore(Protocol):
    """Where the device id and the OAuth grant live (a 0600 file or a Vault KV v2 path)."""

    def read(self) -> Versioned[TokenRecord] | None:
        """The stored record and its version, or ``None`` when nothing is stored."""
        ...

    def write(self, record: TokenRecord, *, expected_version: str | None) -> str:
        """Store ``record`` if the stored version is ``expected_version``; return the new one.

        Raises ``TokenConflictError`` when another writer got there first.
        """
        ...

    def delete(self) -> None:
        """Remove the record (grant and device id) unconditionally; a no-op when absent."""
        ...

    def describe(self) -> str:
        """Where the store is, for people: ``file PATH`` or ``vault ADDR MOUNT/PATH``."""
        ...

    def close(self) -> None:
        """Release connections the store owns (nothing for the file store)."""
        ...


def ensure_device_id(store: TokenStore) -> str:
    """The installation's device id, creating the record with a new one on first use.

    Race-safe: concurrent first uses write with ``expected_version=None``; the losers re-read
    and return the winner's id, so every process agrees on one device id.
    """
    for _ in range(_DEVICE_ID_ATTEMPTS):
        current = store.read()
        if current is not None:
            return current.value.device_id
        record = TokenRecord.new()
        try:
            store.write(record, expected_version=None)
        except TokenConflictError:
            continue
        return record.device_id
    raise TokenStoreError(
        f"could not create the device id in {store.describe()}: "
        "the record kept changing or vanishing while it was being created"
    )
