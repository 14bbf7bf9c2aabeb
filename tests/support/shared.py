"""Where the tests find HMRC's published data, and whether they run in CI.

The tests read only the repository's copies under ``tests/data`` (made from ``../shared`` by
``scripts/testdata/convert_published.py``), so a fresh clone runs the whole suite.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
TEST_DATA = REPO_ROOT / "tests" / "data"


def in_ci() -> bool:
    return os.environ.get("CI") == "true"
