"""Fixtures for the emulator's tests: an app per test, a TestClient, the state, a real server."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import pytest
from fastapi.testclient import TestClient

from hmrc_sync.emulator import create_emulator_app
from hmrc_sync.emulator.config import EmulatorConfig
from hmrc_sync.emulator.engine.state import Emulator
from tests.integration.emulator.helpers import APPLICATION, OTHER_APPLICATION

MakeClient = Callable[..., tuple[TestClient, Emulator]]


@pytest.fixture
def make_client() -> Iterator[MakeClient]:
    """Build an emulator (rate limit off unless asked) and a TestClient around it."""
    clients: list[TestClient] = []

    def make(**overrides: Any) -> tuple[TestClient, Emulator]:
        clock = overrides.pop("clock", None)
        config = replace(
            EmulatorConfig(applications=(APPLICATION, OTHER_APPLICATION), rate_limit=0),
            **overrides,
        )
        app = create_emulator_app(config, clock=clock)
        client = TestClient(app)
        clients.append(client)
        return client, app.state.emulator

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def client_and_emulator(make_client: MakeClient) -> tuple[TestClient, Emulator]:
    return make_client()


@pytest.fixture
def client(client_and_emulator: tuple[TestClient, Emulator]) -> TestClient:
    return client_and_emulator[0]


@pytest.fixture
def emulator(client_and_emulator: tuple[TestClient, Emulator]) -> Emulator:
    return client_and_emulator[1]
