"""Fixtures for the token-store tests: the Vault KV v2 server and a sample record."""

from __future__ import annotations

import pytest

from hmrc_sync.tokenstore import TokenRecord
from tests.integration.tokenstore.records import make_record
from tests.support.vault_server import vault_server

__all__ = ["vault_server"]


@pytest.fixture
def record() -> TokenRecord:
    return make_record()
