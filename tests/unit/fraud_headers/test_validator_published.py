"""The local validator against the answers HMRC publishes (the Test Fraud Prevention
Headers API OAS examples in ``tests/data/hmrc-fixtures/txm-fph-validator-api``)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from hmrc_sync.fraud_headers.validator import validate_headers
from tests.unit.fraud_headers.examples import (
    NOW,
    WEB_EXAMPLE,
    example_with,
    messages_for,
)


class _TextLoader(yaml.SafeLoader):
    """Keeps timestamps as the text HMRC wrote (header values must stay strings)."""


_TextLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _oas(published: Path) -> dict[str, Any]:
    path = published / "hmrc-fixtures" / "txm-fph-validator-api" / "resolved.1.0.yaml"
    loaded: dict[str, Any] = yaml.load(path.read_text(encoding="utf-8"), Loader=_TextLoader)  # noqa: S506
    return loaded


def _without_spec_version(body: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in body.items() if key != "specVersion"}


def _oas_validate_examples(published: Path) -> dict[str, Any]:
    operation = _oas(published)["paths"]["/test/fraud-prevention-headers/validate"]["get"]
    examples: dict[str, Any] = operation["responses"]["200"]["content"]["application/json"][
        "examples"
    ]
    return {name: example["value"] for name, example in examples.items()}


def test_answers_match_hmrc_published_validate_examples(published: Path) -> None:
    examples = _oas_validate_examples(published)
    inputs = {
        "noFphHeadersProvided": {"Accept": "application/vnd.hmrc.1.0+json"},
        "allFphHeadersValid": WEB_EXAMPLE,
        "someFphHeadersWithAdvisories": example_with(
            "WEB", "Gov-Client-User-IDs", "os=alice&my-application=alice123"
        ),
        "someFphHeadersInvalid": {
            **example_with("WEB", "Gov-Vendor-Version", None),
            "Gov-Client-Timezone": "UTC+1",
            "Gov-Vendor-Public-IP": "203.0.113.7",
            "Gov-Client-User-IDs": "os=alice&my-application=alice123",
        },
    }
    assert set(inputs) == set(examples)
    for name, headers in inputs.items():
        answer = validate_headers(headers, now=NOW).as_hmrc_json()
        assert answer["specVersion"] == "3.3"
        assert _without_spec_version(answer) == _without_spec_version(examples[name]), name


def test_per_header_results_match_hmrc_validation_feedback_example(published: Path) -> None:
    operation = _oas(published)["paths"][
        "/test/fraud-prevention-headers/{api}/validation-feedback"
    ]["get"]
    request = operation["responses"]["200"]["content"]["application/json"]["example"]["requests"][0]
    headers = {entry["header"]: entry["value"] for entry in request["headers"] if "value" in entry}
    verdict = validate_headers(headers, now=datetime.fromisoformat(request["requestTimestamp"]))
    for entry in request["headers"]:
        name = entry["header"]
        assert verdict.header_code(name) == entry["code"], name
        assert messages_for(verdict.errors, name) == entry["errors"], name
        assert messages_for(verdict.warnings, name) == entry["warnings"], name
    assert not [f for f in verdict.errors if f.code == "INVALID_HEADERS"]  # crossValidation VALID
