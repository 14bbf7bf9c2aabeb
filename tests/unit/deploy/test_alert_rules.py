"""The Prometheus alert rules: their shape, the metric names they use, and their thresholds.

Evaluating the rules over time series is promtool's job (tests/integration/deploy); these
checks need nothing but PyYAML.
"""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable, Mapping
from typing import Any, Final

import pytest
import yaml

from tests.unit.deploy.contract import DEPLOY

RULES_FILE: Final = DEPLOY / "prometheus" / "alerts.yaml"
RULE_TESTS_FILE: Final = DEPLOY / "prometheus" / "alerts.test.yaml"

# The metric names hmrc-sync exports (issue 7's metrics contract).
EXPORTED_METRICS: Final = frozenset(
    {
        "hmrc_sync_last_successful_sync_timestamp_seconds",
        "hmrc_sync_last_sync_timestamp_seconds",
        "hmrc_sync_last_sync_exit_code",
        "hmrc_sync_grant_expiry_timestamp_seconds",
        "hmrc_sync_reauthorisation_required",
        "hmrc_sync_token_refreshes_total",
        "hmrc_sync_hmrc_requests_total",
        "hmrc_sync_sync_duration_seconds",
        "hmrc_sync_reconciliation_differences",
        "hmrc_sync_expected_refund_pounds",
        "hmrc_sync_api_deprecated",
        "hmrc_sync_api_version_retired",
    }
)
SEVERITIES: Final = frozenset({"info", "warning", "critical"})
_METRIC: Final = re.compile(r"\bhmrc_sync_[a-z0-9_]+\b")
_DURATION: Final = re.compile(r"^(\d+)([smhd])$")
_UNIT_SECONDS: Final = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _rules() -> list[dict[str, Any]]:
    document = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    return [rule for group in document["groups"] for rule in group["rules"]]


RULES: Final = {rule["alert"]: rule for rule in _rules()}


def _seconds(duration: str) -> int:
    match = _DURATION.match(duration)
    assert match, f"not a Prometheus duration: {duration!r}"
    return int(match.group(1)) * _UNIT_SECONDS[match.group(2)]


def _arithmetic(text: str) -> float:
    """A number written as a product such as ``30 * 86400`` (nothing else is allowed)."""
    allowed: Mapping[type, Callable[[float, float], float]] = {ast.Mult: operator.mul}

    def value(node: ast.expr) -> float:
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            return float(node.value)
        if isinstance(node, ast.BinOp) and type(node.op) in allowed:
            return allowed[type(node.op)](value(node.left), value(node.right))
        raise AssertionError(f"unexpected threshold expression {text!r}")

    return value(ast.parse(text.strip(), mode="eval").body)


def _comparison(expr: str) -> tuple[str, str, float]:
    """``(left side, operator, threshold)`` of a rule written as ``EXPR OP NUMBER``."""
    match = re.fullmatch(r"(?s)\s*(.+?)\s*(<|>|==)\s*([0-9*\s]+)\s*", expr)
    assert match, f"expected 'EXPR < or > NUMBER', got {expr!r}"
    return match.group(1), match.group(2), _arithmetic(match.group(3))


@pytest.mark.parametrize("name", sorted(RULES))
def test_every_rule_has_a_wait_a_severity_and_says_what_to_do(name: str) -> None:
    rule = RULES[name]
    assert set(rule) == {"alert", "expr", "for", "labels", "annotations"}
    assert _seconds(rule["for"]) > 0
    assert rule["labels"]["severity"] in SEVERITIES
    annotations = rule["annotations"]
    assert annotations["summary"].strip()
    assert len(annotations["description"]) > 100, "the description must say what to do"


@pytest.mark.parametrize("name", sorted(RULES))
def test_rules_use_only_metrics_hmrc_sync_exports(name: str) -> None:
    used = set(_METRIC.findall(RULES[name]["expr"]))
    assert used, "every rule watches an hmrc-sync metric"
    assert used <= EXPORTED_METRICS


def test_grant_expiry_warns_30_days_ahead_and_is_critical_at_7() -> None:
    for name, days, severity in (
        ("HmrcSyncGrantExpiringSoon", 30, "warning"),
        ("HmrcSyncGrantExpiryCritical", 7, "critical"),
    ):
        left, comparison, threshold = _comparison(RULES[name]["expr"])
        assert re.fullmatch(
            r"\(max\(hmrc_sync_grant_expiry_timestamp_seconds\) - time\(\)\)", left
        ), left
        assert (comparison, threshold) == ("<", days * 86400)
        assert RULES[name]["labels"]["severity"] == severity


def test_reauthorisation_required_fires_on_the_flag() -> None:
    left, comparison, threshold = _comparison(RULES["HmrcSyncReauthorisationRequired"]["expr"])
    # min: the live scrape's 0 (after a new grant) outranks a day-old pushed 1.
    assert left == "min(hmrc_sync_reauthorisation_required)"
    assert (comparison, threshold) == (">", 0)
    assert RULES["HmrcSyncReauthorisationRequired"]["labels"]["severity"] == "critical"


def test_stale_after_36_hours_without_a_successful_sync() -> None:
    left, comparison, threshold = _comparison(RULES["HmrcSyncStale"]["expr"])
    assert left == "(time() - max(hmrc_sync_last_successful_sync_timestamp_seconds > 0))"
    assert (comparison, threshold) == (">", 36 * 3600)


def test_never_succeeded_covers_a_missing_and_a_zero_timestamp() -> None:
    rule = RULES["HmrcSyncNeverSucceeded"]
    assert rule["expr"].strip() == "absent(hmrc_sync_last_successful_sync_timestamp_seconds > 0)"
    # Long enough for the first daily run after a deployment.
    assert _seconds(rule["for"]) > 24 * 3600


def test_any_unexplained_mismatch_alerts() -> None:
    left, comparison, threshold = _comparison(RULES["HmrcSyncReconciliationMismatch"]["expr"])
    assert left == 'min(hmrc_sync_reconciliation_differences{status="mismatch"})'
    assert (comparison, threshold) == (">", 0)


def test_the_promtool_tests_make_every_rule_fire_and_stay_quiet() -> None:
    document = yaml.safe_load(RULE_TESTS_FILE.read_text(encoding="utf-8"))
    assert document["rule_files"] == [RULES_FILE.name]
    fired: set[str] = set()
    quiet: set[str] = set()
    for case in document["tests"]:
        for check in case["alert_rule_test"]:
            assert check["alertname"] in RULES, check["alertname"]
            (fired if check["exp_alerts"] else quiet).add(check["alertname"])
    assert fired == set(RULES)
    assert quiet == set(RULES)
