"""FileTokenStore: atomic 0600 writes, compare-and-set, refusal of readable or corrupt files."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from hmrc_sync.errors import ConfigurationError, TokenConflictError, TokenStoreError
from hmrc_sync.tokenstore import FileTokenStore, TokenRecord, ensure_device_id, record_to_json
from tests.integration.tokenstore.records import REFRESH_TOKEN, assert_no_secret, rotated


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def token_path(tmp_path: Path) -> Path:
    return tmp_path / "state" / "hmrc-sync" / "token.json"


@pytest.fixture
def store(token_path: Path) -> FileTokenStore:
    return FileTokenStore(token_path)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """A umask that would make new files world-readable, to prove the store does not rely on it."""
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


def test_missing_file_reads_as_none(store: FileTokenStore) -> None:
    assert store.read() is None


@pytest.mark.usefixtures("open_umask")
def test_write_creates_0600_file_in_a_0700_directory(
    store: FileTokenStore, token_path: Path, record: TokenRecord
) -> None:
    version = store.write(record, expected_version=None)
    assert mode_of(token_path) == 0o600
    assert mode_of(token_path.parent) == 0o700
    assert mode_of(token_path.with_name("token.json.lock")) == 0o600
    stored = store.read()
    assert stored is not None
    assert stored.value == record
    assert stored.version == version
    assert json.loads(token_path.read_text())["written_by"] == "hmrc-sync"
    assert sorted(p.name for p in token_path.parent.iterdir()) == ["token.json", "token.json.lock"]


def test_compare_and_set(store: FileTokenStore, record: TokenRecord) -> None:
    first = store.write(record, expected_version=None)
    with pytest.raises(TokenConflictError, match="already exists"):
        store.write(record, expected_version=None)
    second = store.write(rotated(record, "rt-second"), expected_version=first)
    assert second != first
    with pytest.raises(TokenConflictError, match="changed since it was read"):
        store.write(rotated(record, "rt-stale"), expected_version=first)
    current = store.read()
    assert current is not None
    assert current.version == second
    assert current.value.grant is not None
    assert current.value.grant.refresh_token.get_secret_value() == "rt-second"


def test_version_follows_the_content_not_the_writer(
    tmp_path: Path, store: FileTokenStore, token_path: Path, record: TokenRecord
) -> None:
    version = store.write(record, expected_version=None)
    assert FileTokenStore(token_path).read() == store.read()
    token_path.write_bytes(record_to_json(rotated(record, "rt-edited-by-hand")))
    with pytest.raises(TokenConflictError):
        store.write(record, expected_version=version)


def test_a_crash_before_the_rename_leaves_the_old_file(
    monkeypatch: pytest.MonkeyPatch, store: FileTokenStore, token_path: Path, record: TokenRecord
) -> None:
    version = store.write(record, expected_version=None)
    before = token_path.read_bytes()

    def crash(src: object, dst: object) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(TokenStoreError, match=r"could not write the token file .*Input/output"):
        store.write(rotated(record, "rt-never-stored"), expected_version=version)
    monkeypatch.undo()
    assert token_path.read_bytes() == before
    assert sorted(p.name for p in token_path.parent.iterdir()) == ["token.json", "token.json.lock"]
    current = store.read()
    assert current is not None
    assert current.version == version


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660])
def test_refuses_a_file_others_can_read(
    store: FileTokenStore, token_path: Path, record: TokenRecord, mode: int
) -> None:
    store.write(record, expected_version=None)
    token_path.chmod(mode)
    with pytest.raises(TokenStoreError) as caught:
        store.read()
    message = str(caught.value)
    assert str(token_path) in message
    assert f"{mode:04o}" in message
    assert f"chmod 600 {token_path}" in message
    assert_no_secret(message, repr(caught.value))
    token_path.chmod(0o600)
    assert store.read() is not None


def test_corrupt_file_is_reported_and_never_overwritten(
    store: FileTokenStore, token_path: Path, record: TokenRecord
) -> None:
    token_path.parent.mkdir(parents=True)
    text = record_to_json(record).decode()[:-30]  # a torn file that still holds the token
    token_path.write_text(text)
    token_path.chmod(0o600)
    with pytest.raises(
        TokenStoreError, match=r"not a valid hmrc-sync token record.*line"
    ) as caught:
        store.read()
    assert_no_secret(str(caught.value))
    with pytest.raises(TokenConflictError):
        store.write(record, expected_version=None)
    assert token_path.read_text() == text


def test_foreign_json_is_refused(store: FileTokenStore, token_path: Path) -> None:
    token_path.parent.mkdir(parents=True)
    token_path.write_text(json.dumps({"token": REFRESH_TOKEN}))
    token_path.chmod(0o600)
    with pytest.raises(TokenStoreError, match="not written by hmrc-sync") as caught:
        store.read()
    assert_no_secret(str(caught.value))


def test_not_a_regular_file(store: FileTokenStore, token_path: Path) -> None:
    token_path.mkdir(parents=True)
    with pytest.raises(
        ConfigurationError,
        match=r"HMRC_SYNC_TOKEN_FILE: cannot read the token file .*Is a directory",
    ):
        store.read()


def test_delete_then_recreate(store: FileTokenStore, token_path: Path, record: TokenRecord) -> None:
    version = store.write(record, expected_version=None)
    store.delete()
    assert not token_path.exists()
    assert store.read() is None
    store.delete()  # deleting nothing is fine
    with pytest.raises(TokenConflictError, match="removed since it was read"):
        store.write(record, expected_version=version)
    store.write(record, expected_version=None)


def test_delete_without_directory_is_a_no_op(tmp_path: Path) -> None:
    FileTokenStore(tmp_path / "absent" / "token.json").delete()
    assert not (tmp_path / "absent").exists()


def test_ensure_device_id_creates_once(store: FileTokenStore) -> None:
    device_id = ensure_device_id(store)
    assert ensure_device_id(store) == device_id
    stored = store.read()
    assert stored is not None
    assert stored.value == TokenRecord(device_id=device_id)


def test_describe_and_repr(store: FileTokenStore, token_path: Path) -> None:
    assert store.describe() == f"file {token_path}"
    assert str(token_path) in repr(store)


def test_uncreatable_directory_is_a_clear_error(tmp_path: Path, record: TokenRecord) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    target = blocker / "sub" / "token.json"
    with pytest.raises(
        ConfigurationError, match="HMRC_SYNC_TOKEN_FILE: cannot create the token directory"
    ) as caught:
        FileTokenStore(target).write(record, expected_version=None)
    assert str(blocker / "sub") in str(caught.value)
    assert_no_secret(str(caught.value))


@pytest.mark.parametrize(
    ("path", "problem"),
    [
        ("/sys/hmrc-sync-token.json", "cannot lock the token file"),  # EACCES, even for root
        ("/sys/hmrc-sync/token.json", "cannot create the token directory"),
        ("/proc/hmrc-sync-token.json", "cannot create the lock file"),  # ENOENT: no file here
    ],
)
def test_an_unwritable_token_location_names_the_setting(
    record: TokenRecord, path: str, problem: str
) -> None:
    store = FileTokenStore(Path(path))  # the default 30 s lock timeout: never waited out
    with pytest.raises(ConfigurationError, match="HMRC_SYNC_TOKEN_FILE") as caught:
        store.write(record, expected_version=None)
    assert problem in str(caught.value)
    assert caught.value.exit_code == 2
    assert_no_secret(str(caught.value))
