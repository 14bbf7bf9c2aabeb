"""Suite-wide fixtures and the tier markers (applied from each test's directory)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.shared import shared_dir

TIERS = ("unit", "integration", "e2e")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    root = Path(__file__).parent
    for item in items:
        try:
            relative = Path(item.path).relative_to(root)
        except ValueError:
            continue
        if relative.parts and relative.parts[0] in TIERS:
            item.add_marker(getattr(pytest.mark, relative.parts[0]))


@pytest.fixture(scope="session")
def shared() -> Path:
    """The ``../shared`` folder (skips outside CI when absent, fails in CI)."""
    return shared_dir()
