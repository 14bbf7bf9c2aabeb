"""The recovery file: where a refreshed token pair goes when the store cannot take it.

HMRC's refresh tokens are single-use, so once HMRC has answered a refresh the new pair is the
only key to the grant. If the store's write then fails (a full or read-only disk, Vault
refusing), losing the pair means asking the owner to sign in again. So before every refresh
the ``TokenManager`` *reserves* this file: it writes ``RESERVED_BYTES`` bytes and fsyncs them,
which proves the local disk writable and sets the space aside. If the store's write fails
after HMRC has rotated the token, the pair is written over the reservation in place (no new
blocks needed, so a disk that filled up in between still takes it), and the next run adopts it
into the store before anything else.

The file is 0600 in a 0700 directory, beside the token file; it holds a token record in the
store's own format (``tokenstore.codec``), padded with spaces. It never reaches a log.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Final

from hmrc_sync.errors import TokenStoreError
from hmrc_sync.tokenstore import RecordFormatError, TokenRecord, record_from_json, record_to_json

RECOVERY_FILE_NAME: Final = "token.recovery.json"
RESERVED_BYTES: Final = 16 * 1024
FILE_MODE: Final = 0o600
DIRECTORY_MODE: Final = 0o700


class RecoveryFile:
    def __init__(self, path: Path) -> None:
        self.path = path

    def __repr__(self) -> str:
        return f"RecoveryFile({str(self.path)!r})"

    def reserve(self) -> None:
        """Prove the disk writable and set the space aside (a pending pair is kept)."""
        if self.load() is not None:
            return
        self._write_in_place(b"")

    def save(self, record: TokenRecord) -> None:
        """Keep ``record`` in the reserved space (raises ``TokenStoreError`` if even that fails)."""
        payload = record_to_json(record)
        if len(payload) > RESERVED_BYTES:
            raise TokenStoreError("the token record is larger than the recovery file's space")
        self._write_in_place(payload)

    def load(self) -> TokenRecord | None:
        """The pending record, or None (no file, or only the reservation)."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise TokenStoreError(
                f"could not read the recovery file {self.path}: {exc.strerror}"
            ) from None
        if not raw.strip():
            return None
        try:
            return record_from_json(raw.strip())
        except RecordFormatError:
            raise TokenStoreError(
                f"the recovery file {self.path} is damaged; if `hmrc-sync auth status` shows a "
                "usable grant, delete it"
            ) from None

    def clear(self) -> None:
        """Back to a bare reservation once the pair is safely in the store."""
        self._write_in_place(b"")

    def _write_in_place(self, payload: bytes) -> None:
        padded = payload + b" " * (RESERVED_BYTES - len(payload))
        try:
            self.path.parent.mkdir(mode=DIRECTORY_MODE, parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, FILE_MODE)
        except OSError as exc:
            raise self._error(exc) from None
        try:
            os.fchmod(fd, FILE_MODE)
            os.lseek(fd, 0, os.SEEK_SET)
            written = 0
            while written < len(padded):
                written += os.write(fd, padded[written:])
            os.fsync(fd)
        except OSError as exc:
            raise self._error(exc) from None
        finally:
            with contextlib.suppress(OSError):
                os.close(fd)

    def _error(self, exc: OSError) -> TokenStoreError:
        return TokenStoreError(
            f"the disk beside the token store is not writable ({self.path}: "
            f"{exc.strerror or type(exc).__name__}); free space or fix permissions, then run "
            "again (nothing was refreshed, the grant is intact)"
        )
