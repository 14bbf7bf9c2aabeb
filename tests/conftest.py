"""Suite-wide fixtures and the tier markers (applied from each test's directory)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.databases import throwaway_postgres_database
from tests.support.shared import TEST_DATA
from tests.support.vault_server import vault_server  # noqa: F401  (suite-wide fixture)

TIERS = ("unit", "integration", "e2e")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark each test with its tier (its top folder) and refuse a test that has none: every
    test is unit, integration or e2e, so ``scripts/test unit`` and friends miss nothing."""
    root = Path(__file__).parent
    untiered = []
    for item in items:
        try:
            relative = Path(item.path).relative_to(root)
        except ValueError:
            continue
        if relative.parts and relative.parts[0] in TIERS:
            item.add_marker(getattr(pytest.mark, relative.parts[0]))
        if "postgres_url" in getattr(item, "fixturenames", ()) or "postgres" in item.name:
            item.add_marker(pytest.mark.postgres)
        if not any(item.get_closest_marker(tier) for tier in TIERS):
            untiered.append(item.nodeid)
    if untiered:
        raise pytest.UsageError(
            "every test belongs to a tier (tests/unit, tests/integration, tests/e2e, or a "
            "module-level pytestmark naming one); these have none:\n  " + "\n  ".join(untiered)
        )


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's HMRC_SYNC_* variables, .env, config.env or data
    directory."""
    import os

    for name in list(os.environ):
        if name.startswith("HMRC_SYNC_") and name not in ("HMRC_SYNC_TEST_POSTGRES_URL",):
            monkeypatch.delenv(name)
    for name in ("VAULT_ADDR", "VAULT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))  # no real config.env
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="session")
def published() -> Path:
    """``tests/data``: the repository's copies of HMRC's published data (never ../shared)."""
    return TEST_DATA


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test (for migration tests)."""
    with throwaway_postgres_database() as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'hmrc-sync.db'}"


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest) -> str:
    """An empty database of each kind: the same test runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_url"))
    return str(request.getfixturevalue("postgres_url"))
