"""The Phase 1 scripts' rendering of HMRC's Individual Tax and Income annual summaries."""

from __future__ import annotations

import json
from decimal import Decimal

from hmrc_sync.client.models import IncomeSummary, TaxSummary
from hmrc_sync.commands.annual_summary import AnnualSummary, render_json, render_text
from hmrc_sync.jsonio import loads
from hmrc_sync.taxyear import TaxYear

TAX = (
    '{"employments": [{"employerPayeReference": "123/AB45678", "taxTakenOffPay": 8232.10}],'
    ' "pensionsAnnuitiesAndOtherStateBenefits": {"incapacityBenefit": 12.5},'
    ' "refunds": {"taxRefundedOrSetOff": -150.00}}'
)
INCOME = (
    '{"employments": [], "pensionsAnnuitiesAndOtherStateBenefits": {},'
    ' "futureMember": 0.1000000000000000055511151231257827}'
)


def _summary() -> AnnualSummary:
    return AnnualSummary(
        TaxYear(2023),
        "1234567890",
        TaxSummary.from_document(loads(TAX)),
        IncomeSummary.from_document(loads(INCOME)),
    )


def test_text_has_a_line_per_reported_figure_and_omits_the_unreported() -> None:
    lines = [" ".join(line.split()) for line in render_text(_summary()).splitlines()]
    assert lines == [
        "HMRC's figures for tax year 2023-24 (SA UTR 1234567890)",
        "",
        "Tax taken off pay (Individual Tax API):",
        "employer 123/AB45678 £8,232.10",
        "incapacity benefit £12.50",
        "tax refunded or set off -£150.00",
        "",
        "Pay from employment (Individual Income API):",
        "(nothing reported)",
    ]


def test_json_keeps_hmrcs_documents_and_numbers_exactly() -> None:
    answer = json.loads(render_json(_summary()), parse_float=Decimal)
    assert answer["tax_year"] == "2023-24"
    assert answer["utr"] == "1234567890"
    assert answer["individual_tax"] == json.loads(TAX, parse_float=Decimal)
    assert answer["individual_income"]["futureMember"] == Decimal(
        "0.1000000000000000055511151231257827"
    )
