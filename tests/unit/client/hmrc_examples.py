"""HMRC's published examples, read from ``tests/data/hmrc-fixtures`` (see tests/data/README.md).

Each answer is returned as JSON *text*, so tests feed the client exactly what HMRC would send.
YAML turns numbers into floats; those examples are re-serialised with ``json.dumps`` (whose
float repr is the shortest text that reads back the same, i.e. the YAML's own digits).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

IEI = "individuals-employments-income-api/resources/public/api/conf/2.0"
SCENARIOS = "paye-des-stub/resources/public/scenarios"


@dataclass(frozen=True)
class Example:
    source: str  # path under hmrc-fixtures, plus the example's name in an OAS file
    text: str


@dataclass(frozen=True)
class ErrorExample:
    source: str
    status: int
    code: str
    message: str


# model name -> (JSON example globs, OAS files whose GET 200 example is this answer)
SUCCESS_SOURCES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "TaxSummary": (
        (f"{SCENARIOS}/individual-tax/*.json",),
        ("individual-tax/resources/public/api/conf/1.1/application.yaml",),
    ),
    "IncomeSummary": (
        (f"{SCENARIOS}/individual-income/*.json",),
        (
            "individual-income/resolved.1.2.yaml",
            "individual-income/resources/public/api/conf/1.2/application.yaml",
        ),
    ),
    "EmploymentSummary": (
        (f"{SCENARIOS}/individual-employment/*.json",),
        (
            "individual-employment/resolved.1.2.yaml",
            "individual-employment/resources/public/api/conf/1.2/application.yaml",
        ),
    ),
    "BenefitsSummary": (
        (f"{SCENARIOS}/individual-benefits/*.json",),
        (
            "individual-benefits/resolved.1.1.yaml",
            "individual-benefits/resources/public/api/conf/1.1/application.yaml",
        ),
    ),
    "NationalInsuranceSummary": (
        ("national-insurance-des-stub/resources/public/scenarios/*.json",),
        (),  # HMRC's NI 1.1 OAS has no 200 example
    ),
    "EmploymentList": ((f"{IEI}/examples/employments/list_response.json",), ()),
    "MtdEmployment": ((f"{IEI}/examples/employments/retrieve_response_*.json",), ()),
    "EmploymentFinancialDetails": ((f"{IEI}/examples/employments/financialDetails/*.json",), ()),
}

# OAS files whose error examples apply to the endpoints the client calls, by API.
ERROR_SOURCES: dict[str, tuple[str, ...]] = {
    "individual-tax": ("individual-tax/resources/public/api/conf/1.1/application.yaml",),
    "individual-income": ("individual-income/resolved.1.2.yaml",),
    "individual-employment": ("individual-employment/resolved.1.2.yaml",),
    "individual-benefits": ("individual-benefits/resolved.1.1.yaml",),
    "national-insurance": ("national-insurance/resolved.1.1.yaml",),
    "individuals-employments-income": (
        f"{IEI}/employments_list.yaml",
        f"{IEI}/employments_retrieve.yaml",
        f"{IEI}/employments_financial_details_retrieve.yaml",
    ),
}


def success_examples(published: Path, model_name: str) -> list[Example]:
    globs, oas_files = SUCCESS_SOURCES[model_name]
    found: list[Example] = []
    root = published / "hmrc-fixtures"
    for pattern in globs:
        for path in sorted(root.glob(pattern)):
            found.append(Example(str(path.relative_to(root)), path.read_text()))
    for name in oas_files:
        document = yaml.safe_load((root / name).read_text())
        for path_item in document["paths"].values():
            content = path_item["get"]["responses"]["200"]["content"]["application/json"]
            found.append(Example(f"{name} (200 example)", json.dumps(content["example"])))
    return found


def error_examples(published: Path, api: str) -> list[ErrorExample]:
    """Every error example HMRC documents for ``api``'s GET endpoints, with its status."""
    root = published / "hmrc-fixtures"
    found: list[ErrorExample] = []
    for name in ERROR_SOURCES[api]:
        path = root / name
        document = yaml.safe_load(path.read_text())
        operations = (
            [item["get"] for item in document["paths"].values()]
            if "paths" in document
            else [document]  # the IEI operation files hold one operation each
        )
        for operation in operations:
            for status, response in operation["responses"].items():
                if int(status) < 400:
                    continue
                content = response.get("content", {}).get("application/json", {})
                for label, example in content.get("examples", {}).items():
                    value = _resolve(path, example)["value"]
                    found.append(
                        ErrorExample(
                            f"{name} {status} {label}", int(status), value["code"], value["message"]
                        )
                    )
    return found


def _resolve(base: Path, node: dict[str, Any]) -> dict[str, Any]:
    reference = node.get("$ref")
    if reference is None:
        return node
    file_part, _, pointer = reference.partition("#")
    target = base.parent / file_part if file_part else base
    resolved: Any = yaml.safe_load(target.read_text())
    for part in pointer.strip("/").split("/"):
        resolved = resolved[part]
    assert isinstance(resolved, dict)
    return _resolve(target, resolved)
