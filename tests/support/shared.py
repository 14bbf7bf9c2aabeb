"""Access to ``../shared`` (HMRC fixtures and test vectors), which CI has beside the checkout.

Outside CI a missing ``../shared`` skips the tests that need it, with the reason; under
``CI=true`` it is an error, so CI can never pass by skipping them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


def shared_dir() -> Path:
    candidate = Path(os.environ.get("HMRC_SYNC_SHARED_DIR", REPO_ROOT.parent / "shared"))
    if candidate.is_dir():
        return candidate
    message = f"../shared is not beside the checkout (looked at {candidate})"
    if os.environ.get("CI") == "true":
        pytest.fail(message + "; CI must have it", pytrace=False)
    pytest.skip(message)


def in_ci() -> bool:
    return os.environ.get("CI") == "true"
