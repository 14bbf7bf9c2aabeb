"""The default token store: one JSON file, mode 0600, replaced atomically.

* A write goes to a temporary file in the same directory (mode 0600 from the start), is
  flushed and fsynced, renamed over the token file, and the directory is fsynced: a crash
  leaves either the old file or the new one, never a torn one.
* Compare-and-set: the version is the SHA-256 of the file's bytes. The compare and the rename
  happen under an exclusive ``filelock.FileLock`` on ``PATH.lock``, so of several processes
  writing against the same version exactly one wins.
* The file is refused (never read) when group or others have any access to it, and a file
  that is not a valid record is reported, never silently replaced.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import shlex
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Final

import filelock

from hmrc_sync.errors import (
    ConfigurationError,
    HmrcSyncError,
    TokenConflictError,
    TokenStoreError,
)
from hmrc_sync.tokenstore.base import Versioned
from hmrc_sync.tokenstore.codec import RecordFormatError, record_from_json, record_to_json
from hmrc_sync.tokenstore.record import TokenRecord

FILE_MODE: Final = 0o600
DIRECTORY_MODE: Final = 0o700
_FORBIDDEN_BITS: Final = 0o077
DEFAULT_LOCK_TIMEOUT_SECONDS: Final = 30.0
# OS errors that mean the configured path cannot hold the token file at all.
_PATH_ERRNOS: Final = frozenset(
    {errno.ENOTDIR, errno.EISDIR, errno.EACCES, errno.EPERM, errno.EROFS, errno.ENAMETOOLONG}
)
_CHOOSE_ANOTHER: Final = (
    "set HMRC_SYNC_TOKEN_FILE to a file in a directory hmrc-sync can write (or fix that "
    "directory's permissions)"
)


def _version_of(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


class FileTokenStore:
    """A ``TokenStore`` in a local file (``HMRC_SYNC_TOKEN_FILE``)."""

    def __init__(
        self, path: Path | str, *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT_SECONDS
    ) -> None:
        self._path = Path(path).expanduser().absolute()
        self._lock_path = self._path.with_name(self._path.name + ".lock")
        self._lock_timeout = lock_timeout

    def __repr__(self) -> str:
        return f"FileTokenStore({str(self._path)!r})"

    @property
    def path(self) -> Path:
        return self._path

    def describe(self) -> str:
        return f"file {self._path}"

    def close(self) -> None:
        """Nothing to release: every operation opens and closes what it uses."""

    # --- reading

    def read(self) -> Versioned[TokenRecord] | None:
        raw = self._read_bytes(check_mode=True)
        if raw is None:
            return None
        try:
            record = record_from_json(raw)
        except RecordFormatError as exc:
            raise TokenStoreError(
                f"the token file {self._path} is not a valid hmrc-sync token record: {exc}. "
                "hmrc-sync will not overwrite it; fix it, or move it away and run "
                "`hmrc-sync auth login` again"
            ) from None
        return Versioned(record, _version_of(raw))

    def _read_bytes(self, *, check_mode: bool) -> bytes | None:
        try:
            handle = open(self._path, "rb")  # noqa: SIM115 - closed below, after fstat
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise self._os_error("read", exc) from None
        with handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise TokenStoreError(f"the token file {self._path} is not a regular file")
            if check_mode:
                self._check_mode(info.st_mode)
            try:
                return handle.read()
            except OSError as exc:
                raise self._os_error("read", exc) from None

    def _check_mode(self, mode: int) -> None:
        permissions = stat.S_IMODE(mode)
        if permissions & _FORBIDDEN_BITS:
            quoted = shlex.quote(str(self._path))
            raise TokenStoreError(
                f"refusing to read the token file {self._path}: its mode is "
                f"{permissions:04o}, so group or others can access the tokens in it. "
                f"Run `chmod 600 {quoted}` (and consider revoking the grant if others "
                "may have read it)"
            )

    # --- writing

    def write(self, record: TokenRecord, *, expected_version: str | None) -> str:
        payload = record_to_json(record)
        self._ensure_directory()
        with self._locked():
            current_raw = self._read_bytes(check_mode=False)
            current = None if current_raw is None else _version_of(current_raw)
            if current != expected_version:
                raise TokenConflictError(self._conflict_message(expected_version, current))
            self._replace(payload)
        return _version_of(payload)

    def delete(self) -> None:
        if not self._path.parent.is_dir():
            return
        with self._locked():
            try:
                self._path.unlink(missing_ok=True)
            except OSError as exc:
                raise self._os_error("delete", exc) from None
            self._fsync_directory()

    def _conflict_message(self, expected: str | None, current: str | None) -> str:
        if expected is None:
            return (
                f"the token file {self._path} already exists "
                "(another hmrc-sync process created it first)"
            )
        if current is None:
            return f"the token file {self._path} was removed since it was read"
        return (
            f"the token file {self._path} changed since it was read "
            "(another hmrc-sync process wrote first)"
        )

    def _ensure_directory(self) -> None:
        directory = self._path.parent
        if directory.is_dir():
            return
        try:
            directory.mkdir(mode=DIRECTORY_MODE, parents=True, exist_ok=True)
            os.chmod(directory, DIRECTORY_MODE)
        except OSError as exc:
            raise ConfigurationError(
                f"HMRC_SYNC_TOKEN_FILE: cannot create the token directory {directory} "
                f"({exc.strerror or type(exc).__name__}); {_CHOOSE_ANOTHER}"
            ) from None

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self._create_lock_file()
        lock = filelock.FileLock(self._lock_path, mode=FILE_MODE, timeout=self._lock_timeout)
        try:
            lock.acquire()
        except filelock.Timeout:
            raise TokenStoreError(
                f"timed out after {self._lock_timeout:g}s waiting for the lock "
                f"{self._lock_path}; another hmrc-sync process is holding it"
            ) from None
        except OSError as exc:
            raise self._os_error("lock", exc) from None
        try:
            yield
        finally:
            lock.release()

    def _create_lock_file(self) -> None:
        """Create the lock file once, so that a place where no file can be made is said at
        once (filelock would wait out its timeout, as if another process held the lock)."""
        if self._lock_path.exists():
            return
        try:
            os.close(os.open(self._lock_path, os.O_WRONLY | os.O_CREAT, FILE_MODE))
        except OSError as exc:
            if exc.errno == errno.ENOENT:  # the directory is there but takes no new file
                raise ConfigurationError(
                    f"HMRC_SYNC_TOKEN_FILE: cannot create the lock file {self._lock_path} "
                    f"({exc.strerror}); {_CHOOSE_ANOTHER}"
                ) from None
            raise self._os_error("lock", exc) from None

    def _replace(self, payload: bytes) -> None:
        directory = self._path.parent
        try:
            fd, temporary = tempfile.mkstemp(
                dir=directory, prefix=f".{self._path.name}.", suffix=".tmp"
            )
        except OSError as exc:
            raise self._os_error("write", exc) from None
        try:
            with os.fdopen(fd, "wb") as handle:
                os.fchmod(handle.fileno(), FILE_MODE)
                handle.write(payload)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, self._path)
        except BaseException as exc:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            if isinstance(exc, OSError):
                raise self._os_error("write", exc) from None
            raise
        self._fsync_directory()

    def _fsync_directory(self) -> None:
        try:
            fd = os.open(self._path.parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        except OSError:
            return
        try:
            os.fsync(fd)
        except OSError:
            pass  # some filesystems cannot fsync a directory; the rename is still atomic
        finally:
            os.close(fd)

    def _os_error(self, action: str, exc: OSError) -> HmrcSyncError:
        """A setting's fault (a path that cannot be a writable file) is a ConfigurationError
        naming HMRC_SYNC_TOKEN_FILE; anything else a TokenStoreError."""
        reason = exc.strerror or type(exc).__name__
        if exc.errno in _PATH_ERRNOS:
            return ConfigurationError(
                f"HMRC_SYNC_TOKEN_FILE: cannot {action} the token file {self._path} ({reason}); "
                f"{_CHOOSE_ANOTHER}"
            )
        return TokenStoreError(f"could not {action} the token file {self._path}: {reason}")
