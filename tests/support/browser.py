"""Debian's Chromium for the browser tests: where it is (``HMRC_SYNC_CHROMIUM``, else the
headless sign-in's default), the flags it runs with (the headless sign-in's own), and the one
check that skips a test without it locally and fails it in CI. Never a browser download."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Final

import pytest

from hmrc_sync.oauth.headless import CHROMIUM_ARGS as HEADLESS_ARGS
from hmrc_sync.oauth.headless import DEFAULT_CHROMIUM
from tests.support.shared import in_ci

CHROMIUM: Final = os.environ.get("HMRC_SYNC_CHROMIUM", DEFAULT_CHROMIUM)
CHROMIUM_ARGS: Final = list(HEADLESS_ARGS)


def require_chromium() -> str:
    """The Chromium path; skips the test when it is missing (fails it in CI)."""
    if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
        message = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return CHROMIUM
