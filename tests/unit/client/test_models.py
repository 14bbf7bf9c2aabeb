"""Every typed answer reads every matching HMRC example, losing nothing and using no floats."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pydantic
import pytest

from hmrc_sync import client as hmrc
from hmrc_sync.client.models import HmrcDocument, HmrcModel
from hmrc_sync.jsonio import loads
from tests.unit.client.hmrc_examples import SUCCESS_SOURCES, success_examples

MODELS: dict[str, type[HmrcDocument]] = {name: getattr(hmrc, name) for name in SUCCESS_SOURCES}


def _same(model_side: Any, hmrc_side: Any, where: str) -> None:
    """Compare a model dump (by alias) with HMRC's document, value by value."""
    if isinstance(hmrc_side, dict):
        assert isinstance(model_side, dict), where
        assert set(model_side) == set(hmrc_side), f"{where}: members differ"
        for key, value in hmrc_side.items():
            _same(model_side[key], value, f"{where}.{key}")
    elif isinstance(hmrc_side, list):
        assert isinstance(model_side, tuple | list), where
        assert len(model_side) == len(hmrc_side), where
        for index, (mine, theirs) in enumerate(zip(model_side, hmrc_side, strict=True)):
            _same(mine, theirs, f"{where}[{index}]")
    elif isinstance(model_side, dt.datetime):
        expected = pydantic.TypeAdapter(dt.datetime).validate_python(hmrc_side)
        assert model_side == expected, where
    elif isinstance(model_side, dt.date):
        assert model_side == dt.date.fromisoformat(hmrc_side), where
    elif isinstance(hmrc_side, bool | str):
        # a bool stays a bool; a string may come back as a StrEnum member
        assert type(model_side) is type(hmrc_side) or isinstance(model_side, str), where
        assert model_side == hmrc_side, where
    else:
        assert isinstance(hmrc_side, int | Decimal), f"{where}: HMRC sent {hmrc_side!r}"
        assert isinstance(model_side, int | Decimal), where
        assert model_side == hmrc_side, where


def _money_values(model: HmrcModel) -> list[Any]:
    """Every value of a field typed as money, anywhere in the model."""
    values: list[Any] = []
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        if isinstance(value, HmrcModel):
            values.extend(_money_values(value))
        elif isinstance(value, tuple):
            for item in value:
                values.extend(_money_values(item))
        elif "Decimal" in str(info.annotation):
            values.append(value)
    return values


@pytest.mark.parametrize("model_name", sorted(SUCCESS_SOURCES))
def test_every_hmrc_example_reads_without_loss(published: Path, model_name: str) -> None:
    model = MODELS[model_name]
    examples = success_examples(published, model_name)
    assert examples, f"no HMRC example found for {model_name}"
    for example in examples:
        document = loads(example.text)
        parsed = model.from_document(document)
        _same(parsed.model_dump(by_alias=True, exclude_none=True), document, example.source)
        assert parsed.raw == document, example.source
        money = [value for value in _money_values(parsed) if value is not None]
        assert all(type(value) is Decimal for value in money), example.source


def test_tax_summary_fields_as_hmrc_names_them(published: Path) -> None:
    text = (
        published / "hmrc-fixtures/paye-des-stub/resources/public/scenarios/individual-tax/"
        "HAPPY_PATH_1.json"
    ).read_text()
    summary = hmrc.TaxSummary.from_document(loads(text))
    assert [(e.employer_paye_reference, e.tax_taken_off_pay) for e in summary.employments] == [
        ("123/AB456", Decimal("890.35")),
        ("456/AB456", Decimal("224.99")),
    ]
    assert summary.pensions_annuities_and_other_state_benefits.incapacity_benefit == Decimal(
        "980.45"
    )
    assert summary.refunds.tax_refunded_or_set_off == Decimal("325")


def test_national_insurance_keeps_hmrc_capitalisation(published: Path) -> None:
    text = (
        published / "hmrc-fixtures/national-insurance-des-stub/resources/public/scenarios/"
        "HAPPY_PATH_2.json"
    ).read_text()
    summary = hmrc.NationalInsuranceSummary.from_document(loads(text))
    assert summary.class1.total_nicable_earnings == Decimal("17.00")
    assert summary.class2.total_due == Decimal("319.57")
    assert summary.max_nics_reached is True


def test_money_keeps_every_digit_a_float_would_lose() -> None:
    # 0.1 + 0.2 style drift: 1234567.89 and 0.10 survive exactly, trailing zero included.
    document = loads(
        '{"employments":[{"employerPayeReference":"1/A","payFromEmployment":1234567.89}],'
        '"pensionsAnnuitiesAndOtherStateBenefits":{"seissNetPaid":0.10}}'
    )
    income = hmrc.IncomeSummary.from_document(document)
    assert str(income.employments[0].pay_from_employment) == "1234567.89"
    assert str(income.pensions_annuities_and_other_state_benefits.seiss_net_paid) == "0.10"


def test_models_are_frozen_and_raw_is_a_private_copy() -> None:
    document = loads('{"employments":[{"employerPayeReference":"1/A","employerName":"X"}]}')
    summary = hmrc.EmploymentSummary.from_document(document)
    document["employments"][0]["employerName"] = "changed afterwards"
    assert summary.raw["employments"][0]["employerName"] == "X"
    with pytest.raises(pydantic.ValidationError):
        summary.employments[0].employer_name = "Y"  # type: ignore[misc]


def test_unknown_members_are_ignored_but_kept_in_raw() -> None:
    document = loads(
        '{"employments":[{"employerPayeReference":"1/A","employerName":"X","newFlag":1}],'
        '"futureMember":{"a":1.5}}'
    )
    summary = hmrc.EmploymentSummary.from_document(document)
    assert summary.employments[0].employer_name == "X"
    assert summary.raw["futureMember"] == {"a": Decimal("1.5")}


@pytest.mark.parametrize(
    ("model", "document"),
    [
        (hmrc.TaxSummary, '{"employments":[{"employerPayeReference":"1/A"}],'
         '"pensionsAnnuitiesAndOtherStateBenefits":{},"refunds":{}}'),
        (hmrc.TaxSummary, '{"employments":[]}'),
        (hmrc.IncomeSummary, '{"employments":[{"payFromEmployment":1}],'
         '"pensionsAnnuitiesAndOtherStateBenefits":{}}'),
        (hmrc.NationalInsuranceSummary, '{"class1":{"totalNicableEarnings":1},'
         '"class2":{"totalDue":1},"maxNICsReached":false}'),
        (hmrc.EmploymentFinancialDetails, '{"employment":{"employer":{"employerName":"X"}}}'),
    ],
)  # fmt: skip
def test_required_members_are_required(model: type[HmrcDocument], document: str) -> None:
    with pytest.raises(pydantic.ValidationError):
        model.from_document(loads(document))


def test_financial_details_source_is_read_as_the_enum() -> None:
    details = hmrc.EmploymentFinancialDetails.from_document(
        loads(
            '{"submittedOn":"2024-01-04T05:01:01.000Z","source":"hmrc-held",'
            '"employment":{"employer":{"employerName":"X"},'
            '"pay":{"taxablePayToDate":100.5,"totalTaxToDate":-2.25,"taxMonthNo":8}}}'
        )
    )
    assert details.source is hmrc.FinancialDetailsSource.HMRC_HELD
    assert details.submitted_on == dt.datetime(2024, 1, 4, 5, 1, 1, tzinfo=dt.UTC)
    pay = details.employment.pay
    assert pay is not None
    assert (pay.taxable_pay_to_date, pay.total_tax_to_date) == (Decimal("100.5"), Decimal("-2.25"))
    assert pay.tax_month_no == 8
