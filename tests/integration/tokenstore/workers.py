"""Process entry points for the concurrency tests (importable, so ``spawn`` can run them)."""

from __future__ import annotations

from typing import Any

import hvac

from hmrc_sync.errors import TokenConflictError
from hmrc_sync.tokenstore import FileTokenStore, TokenStore, VaultTokenStore
from tests.integration.tokenstore.records import make_record, rotated

WON = "won"
LOST = "lost"


def open_store(spec: dict[str, str]) -> TokenStore:
    if spec["kind"] == "file":
        return FileTokenStore(spec["path"])
    client = hvac.Client(url=spec["url"], token=spec["token"], timeout=10)
    return VaultTokenStore(client, mount="secret", path="hmrc-sync", owns_client=True)


def write_against(
    spec: dict[str, str], expected_version: str, name: str, barrier: Any, results: Any
) -> None:
    """Wait for every competitor, then try one compare-and-set write; report the outcome."""
    store = open_store(spec)
    try:
        record = rotated(make_record(), f"rt-{name}")
        barrier.wait(timeout=60)
        try:
            store.write(record, expected_version=expected_version)
        except TokenConflictError:
            results.put((name, LOST))
        else:
            results.put((name, WON))
    except BaseException as exc:
        results.put((name, f"error: {type(exc).__name__}: {exc}"))
        raise
    finally:
        store.close()
