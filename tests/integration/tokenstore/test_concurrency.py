"""Competing writers: of N compare-and-set writes against one version exactly one wins.

Both stores, with threads and with separate processes (``spawn``, so nothing is shared but
the file system or the Vault server).
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
from pathlib import Path
from typing import Any

import pytest

from hmrc_sync.tokenstore import TokenRecord, ensure_device_id
from tests.integration.tokenstore.records import make_record
from tests.integration.tokenstore.workers import LOST, WON, open_store, write_against
from tests.support.vault_server import VaultServer, app_policy

THREADS = 12
PROCESSES = 4


@pytest.fixture(params=["file", "vault"])
def spec(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    if request.param == "file":
        return {"kind": "file", "path": str(tmp_path / "token.json")}
    server: VaultServer = request.getfixturevalue("vault_server")
    return {"kind": "vault", "url": server.url, "token": server.add_token(app_policy())}


def seed(spec: dict[str, str]) -> str:
    store = open_store(spec)
    try:
        return store.write(make_record(), expected_version=None)
    finally:
        store.close()


def stored_record(spec: dict[str, str]) -> TokenRecord:
    store = open_store(spec)
    try:
        current = store.read()
    finally:
        store.close()
    assert current is not None
    return current.value


def check_one_winner(spec: dict[str, str], outcomes: list[tuple[str, str]], count: int) -> None:
    assert len(outcomes) == count, outcomes
    assert {outcome for _, outcome in outcomes} <= {WON, LOST}, outcomes
    winners = [name for name, outcome in outcomes if outcome == WON]
    assert len(winners) == 1, outcomes
    grant = stored_record(spec).grant
    assert grant is not None
    assert grant.refresh_token.get_secret_value() == f"rt-{winners[0]}"


def test_threads_one_winner(spec: dict[str, str]) -> None:
    version = seed(spec)
    barrier = threading.Barrier(THREADS)
    results: queue.Queue[tuple[str, str]] = queue.Queue()
    threads = [
        threading.Thread(target=write_against, args=(spec, version, f"t{i}", barrier, results))
        for i in range(THREADS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    check_one_winner(spec, [results.get_nowait() for _ in range(results.qsize())], THREADS)


def test_processes_one_winner(spec: dict[str, str]) -> None:
    version = seed(spec)
    context = multiprocessing.get_context("spawn")
    barrier: Any = context.Barrier(PROCESSES)
    results: Any = context.Queue()
    processes = [
        context.Process(target=write_against, args=(spec, version, f"p{i}", barrier, results))
        for i in range(PROCESSES)
    ]
    for process in processes:
        process.start()
    try:
        outcomes = [results.get(timeout=60) for _ in range(PROCESSES)]
    finally:
        for process in processes:
            process.join(timeout=60)
        results.close()
        results.join_thread()
    assert [process.exitcode for process in processes] == [0] * PROCESSES
    check_one_winner(spec, outcomes, PROCESSES)


def test_first_use_agrees_on_one_device_id(spec: dict[str, str]) -> None:
    barrier = threading.Barrier(THREADS)
    device_ids: queue.Queue[str] = queue.Queue()

    def first_use() -> None:
        store = open_store(spec)
        try:
            barrier.wait(timeout=30)
            device_ids.put(ensure_device_id(store))
        finally:
            store.close()

    threads = [threading.Thread(target=first_use) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    seen = {device_ids.get_nowait() for _ in range(device_ids.qsize())}
    assert len(seen) == 1
    assert device_ids.qsize() == 0
    assert stored_record(spec).device_id in seen
