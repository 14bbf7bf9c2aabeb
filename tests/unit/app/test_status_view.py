"""The status page's reconciliation rows explain themselves (both figures, what they were
compared against, which side is higher) for every status and basis, and its charts carry a
text alternative and escape what they show."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from types import SimpleNamespace
from typing import Any

import pytest

from hmrc_sync.app.charts import Series, bar_chart, describe
from hmrc_sync.app.status_view import finding_row, tax_year_label


def _stored(**values: Any) -> SimpleNamespace:
    row = {
        "tax_year": "2024/25",
        "employer": "Acme Ltd",
        "scope": "year",
        "metric": "tax",
        "basis": "hmrc",
        "pay_date": None,
        "hmrc_value": None,
        "p60_value": None,
        "expected_value": None,
        "payslip_value": None,
        "difference": None,
        "status": "match",
        "explanation": None,
    }
    row.update(values)
    return SimpleNamespace(**row)


@pytest.mark.parametrize("status", ["match", "explained", "review", "mismatch"])
@pytest.mark.parametrize(
    ("basis", "field", "against"),
    [
        ("hmrc", "hmrc_value", "HMRC"),
        ("p60", "p60_value", "P60"),
        ("expected", "expected_value", "HMRC's rules (recomputed)"),
    ],
)
def test_every_row_shows_both_figures_and_what_they_compare(
    status: str, basis: str, field: str, against: str
) -> None:
    row = finding_row(
        _stored(
            basis=basis,
            status=status,
            payslip_value=D("900.00"),
            difference=D("100.00"),
            **{field: D("1000.00")},
        )
    )
    assert row.their_figure == D("1000.00")
    assert row.payslips == D("900.00")
    assert row.against == against
    assert row.side == f"{against} is £100.00 higher"
    assert row.status == status
    assert row.needs_attention is (status in {"review", "mismatch"})
    assert row.tax_year == "2024-25"


def test_a_negative_difference_says_the_payslips_are_higher() -> None:
    row = finding_row(_stored(hmrc_value=D("10"), payslip_value=D("25.50"), difference=D("-15.50")))
    assert row.side == "the payslips are £15.50 higher"


def test_a_difference_is_worked_out_when_none_was_stored() -> None:
    row = finding_row(_stored(basis="p60", p60_value=D("50"), payslip_value=D("50")))
    assert row.difference == 0
    assert row.side == "the same"


def test_a_payslip_row_names_the_payslip() -> None:
    row = finding_row(
        _stored(scope="payslip", basis="expected", metric="ni", pay_date=dt.date(2025, 1, 25))
    )
    assert row.checked == "payslip of 2025-01-25"
    assert row.what == "National Insurance"


def test_tax_years_are_written_as_the_cli_writes_them() -> None:
    assert tax_year_label("2024/25") == "2024-25"
    assert tax_year_label("2024-25") == "2024-25"


def test_charts_describe_every_figure_and_escape_text() -> None:
    series = (Series("HMRC", (D("1000"), None)), Series("P60 <b>", (D("900"), D("5"))))
    svg = str(bar_chart("c", "Pay & tax", ("2023-24", "<script>"), series))
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "Pay &amp; tax" in svg
    assert 'role="img"' in svg
    text = describe(("2023-24", "2024-25"), series)
    assert text == "2023-24: HMRC £1,000, P60 <b> £900. 2024-25: HMRC no figure, P60 <b> £5."
    assert svg.count("<rect x=") == 3  # a bar per figure held; none for the missing one


def test_the_projection_chart_tells_its_story_in_words() -> None:
    from hmrc_sync.app.charts import projection_chart

    svg = str(
        projection_chart("p", "Tax in 2026-27", [D("2000"), D("4000")], D("24000"), D("32232"))
    )
    assert (
        "Tax deducted so far: £4,000 after 2 of 12 months; if pay stays as it is, £24,000 by "
        "5 April, against £32,232 owed for the year."
    ) in svg
    assert svg.count("<polyline") == 2  # so far (solid) and projected (dashed)


def test_the_timeline_marks_appeared_changed_and_withdrawn() -> None:
    from hmrc_sync.app.charts import timeline_chart
    from hmrc_sync.app.status_view import timeline_events

    def at(day: int) -> dt.datetime:
        return dt.datetime(2025, 7, day, 6, tzinfo=dt.UTC)

    history = [
        ("2024/25", "Acme", at(1)),
        ("2024/25", "Borealis", at(2)),
        ("2024/25", "Acme", at(9)),
    ]
    events = timeline_events(history, [("2023/24", at(5))])
    assert [(e.row, e.kind, e.note) for e in events] == [
        ("2024-25", "appeared", "Acme"),
        ("2024-25", "appeared", "Borealis"),
        ("2023-24", "withdrawn", "all employers"),
        ("2024-25", "changed", "Acme"),
    ]
    svg = str(timeline_chart("t", "Timeline", events))
    assert "2023-24: withdrawn on 2025-07-05 (all employers)." in svg
    assert svg.count("<circle") == 3
