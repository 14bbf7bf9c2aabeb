"""The alert rules checked and unit-tested by Prometheus's own promtool.

promtool comes with Debian's ``prometheus`` package. Without it these tests skip, except under
``CI=true``, where they fail: CI must install it.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.shared import in_ci

PROMETHEUS_DIR = Path(__file__).resolve().parents[3] / "deploy" / "prometheus"


@pytest.fixture(scope="module")
def promtool() -> str:
    path = shutil.which("promtool")
    if path is None:
        message = "promtool is not installed (Debian package: prometheus)"
        if in_ci():
            pytest.fail(message + "; CI must install it", pytrace=False)
        pytest.skip(message)
    return path


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=PROMETHEUS_DIR, capture_output=True, text=True, timeout=120, check=False
    )


def test_the_rules_are_valid(promtool: str) -> None:
    result = _run(promtool, "check", "rules", "alerts.yaml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_rules_pass_their_unit_tests(promtool: str) -> None:
    result = _run(promtool, "test", "rules", "alerts.test.yaml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout
