"""Reading one payslip or P60 row: every problem named, values typed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from hmrc_sync.payslips.rows import p60_from_row, payslip_from_row
from hmrc_sync.taxyear import TaxYear

GOOD = {
    "pay_date": "2024-05-24",
    "employer": "  Acme   Ltd ",
    "gross_pay": "£5,000.00",
    "income_tax": "832.47",
    "national_insurance": "261.50",
}


def test_a_good_row_becomes_a_typed_payslip() -> None:
    slip, problems = payslip_from_row(
        {
            **GOOD,
            "taxable_pay": "",
            "rsu_vest": "",
            "tax_code": "s1257l m1",
            "validated": "yes",
            "other_deductions": '{"Season Ticket Loan": 120.5}',
            "tax_period": "2",
        },
        "f.csv:2",
    )
    assert problems == []
    assert slip is not None
    assert slip.pay_date == dt.date(2024, 5, 24)
    assert slip.tax_year == TaxYear(2024)
    assert slip.employer == "Acme Ltd"
    assert slip.gross_pay == Decimal("5000.00")
    assert slip.taxable_pay is None
    assert slip.taxable_basis == Decimal("5000.00"), "COALESCE(taxable_pay, gross_pay)"
    assert slip.rsu_vest == Decimal("0.00")
    assert slip.tax_code == "S1257L W1/M1"
    assert slip.validated is True
    assert slip.other_deductions == (("Season Ticket Loan", Decimal("120.50")),)
    assert slip.tax_period == 2


def test_uk_dates_and_database_values_are_accepted() -> None:
    slip, _ = payslip_from_row({**GOOD, "pay_date": "05/04/2025"}, "x")
    assert slip is not None
    assert slip.tax_year == TaxYear(2024)
    typed = {
        "pay_date": dt.date(2025, 4, 6),
        "gross_pay": Decimal("1"),
        "income_tax": 0,
        "national_insurance": Decimal("0.5"),
        "other_deductions": {"Gym": "10"},
    }
    slip, problems = payslip_from_row(typed, "db#1")
    assert problems == []
    assert slip is not None
    assert slip.tax_year == TaxYear(2025)
    assert slip.national_insurance == Decimal("0.50")


def test_every_problem_in_a_row_is_reported() -> None:
    slip, problems = payslip_from_row(
        {
            "pay_date": "2024-13-01",
            "gross_pay": "12.345",
            "income_tax": "lots",
            "tax_code": "1257Q",
            "ni_category": "Q",
            "pay_frequency": "daily",
            "other_deductions": "[1]",
        },
        "x",
    )
    assert slip is None
    columns = {column for column, _ in problems}
    assert columns == {
        "pay_date",
        "gross_pay",
        "income_tax",
        "national_insurance",
        "tax_code",
        "ni_category",
        "pay_frequency",
        "other_deductions",
    }
    reasons = dict(problems)
    assert "more than 2 decimal places" in reasons["gross_pay"]
    assert reasons["national_insurance"] == "is required"


def test_a_stated_tax_year_must_contain_the_pay_date() -> None:
    _, problems = payslip_from_row({**GOOD, "tax_year": "2023/24"}, "x")
    assert problems == [("tax_year", "2023/24 does not contain pay_date 2024-05-24")]
    _, problems = payslip_from_row({**GOOD, "tax_year": "2024-25"}, "x")
    assert problems == []


def test_a_period_out_of_range_for_the_frequency_is_refused() -> None:
    _, problems = payslip_from_row({**GOOD, "tax_period": "13"}, "x")
    assert [column for column, _ in problems] == ["tax_period"]
    _, problems = payslip_from_row({**GOOD, "tax_period": "13", "pay_frequency": "weekly"}, "x")
    assert problems == []


@pytest.mark.parametrize("bad", ["1e400", "NaN", "Infinity", "99999999999.00"])
def test_amounts_that_do_not_fit_are_refused(bad: str) -> None:
    _, problems = payslip_from_row({**GOOD, "gross_pay": bad}, "x")
    assert [column for column, _ in problems] == ["gross_pay"]


@pytest.mark.parametrize(
    ("text", "amount"),
    [("1,234.56", "1234.56"), ("£12,345", "12345.00"), ("-£5.5", "-5.50"), (".5", "0.50")],
)
def test_amounts_are_read_with_or_without_thousands_commas(text: str, amount: str) -> None:
    slip, problems = payslip_from_row({**GOOD, "gross_pay": text}, "x")
    assert problems == []
    assert slip is not None
    assert slip.gross_pay == Decimal(amount)


@pytest.mark.parametrize("bad", ["1234,56", "1.234,56", "12,34", "1_000", "1e3", "£"])
def test_a_comma_that_is_not_a_thousands_separator_is_refused_not_guessed(bad: str) -> None:
    # With `;` separators a European "1234,56" used to read as 123456: refused, and said why.
    _, problems = payslip_from_row({**GOOD, "gross_pay": bad}, "x")
    assert [column for column, _ in problems] == ["gross_pay"]
    reason = problems[0][1]
    assert "is not an amount" in reason
    assert ("decimal point" in reason) == ("," in bad)


def test_p60_rows() -> None:
    p60, problems = p60_from_row(
        {
            "tax_year": "2024/25",
            "employer": "Acme",
            "gross_pay": "60000",
            "income_tax": "9000",
            "national_insurance": "3000",
            "tax_code": "1257l",
            "previous_pay": "100.10",
        },
        "p.csv:2",
    )
    assert problems == []
    assert p60 is not None
    assert (p60.tax_year, p60.tax_code, p60.previous_pay) == (
        TaxYear(2024),
        "1257L",
        Decimal("100.10"),
    )
    _, problems = p60_from_row({"tax_year": "2024/26", "gross_pay": "x"}, "p")
    assert {c for c, _ in problems} == {
        "tax_year",
        "employer",
        "gross_pay",
        "income_tax",
        "national_insurance",
    }


FULL_LINES = {
    "student_loan": "82.00",
    "student_loan_plan": "Plan1",
    "postgraduate_loan": "45.00",
    "pension_employee": "200.00",
    "pension_type": "net-pay",
    "payrolled_benefits": "150.00",
    "niable_pay": "5000.00",
    "ytd_national_insurance": "523.00",
    "ytd_student_loan": "164.00",
    "director": "yes",
    "director_ni_method": "standard annual",
    "paid_after_leaving": "false",
}


def test_every_line_of_a_full_payslip_is_read() -> None:
    slip, problems = payslip_from_row({**GOOD, **FULL_LINES}, "f.csv:2")
    assert problems == []
    assert slip is not None
    assert (slip.student_loan, slip.student_loan_plan) == (Decimal("82.00"), "plan1")
    assert slip.postgraduate_loan == Decimal("45.00")
    assert (slip.pension_type, slip.payrolled_benefits) == ("net_pay", Decimal("150.00"))
    assert slip.niable_pay == Decimal("5000.00")
    assert (slip.ytd_national_insurance, slip.ytd_student_loan) == (
        Decimal("523.00"),
        Decimal("164.00"),
    )
    assert (slip.director, slip.director_ni_method) == (True, "standard_annual")
    assert slip.paid_after_leaving is False


def test_the_new_lines_default_to_nothing_recorded() -> None:
    slip, _ = payslip_from_row(GOOD, "f.csv:2")
    assert slip is not None
    assert (slip.student_loan_plan, slip.pension_type, slip.director_ni_method) == (None,) * 3
    assert (slip.postgraduate_loan, slip.payrolled_benefits) == (Decimal(0), Decimal(0))
    assert (slip.director, slip.paid_after_leaving, slip.niable_pay) == (False, False, None)


def test_taxable_and_niable_pay_follow_the_recorded_lines() -> None:
    slip, _ = payslip_from_row(
        {**GOOD, "pension_employee": "200", "pension_type": "net_pay", "payrolled_benefits": "150"},
        "f.csv:2",
    )
    assert slip is not None
    assert slip.taxable_basis == Decimal("4950.00"), "gross - net-pay pension + benefits"
    assert slip.ni_basis == Decimal("5000.00"), "neither changes NI-able pay"
    printed, _ = payslip_from_row({**GOOD, "taxable_pay": "4950", "payrolled_benefits": "150"}, "x")
    assert printed is not None
    assert printed.ni_basis == Decimal("4800.00"), "taxable pay less the benefits"


def test_bad_new_lines_are_each_named() -> None:
    slip, problems = payslip_from_row(
        {
            **GOOD,
            "student_loan_plan": "plan3",
            "pension_type": "stakeholder",
            "director": "maybe",
            "director_ni_method": "monthly",
            "postgraduate_loan": "-5",
        },
        "f.csv:2",
    )
    assert slip is None
    columns = {column for column, _ in problems}
    assert {"student_loan_plan", "pension_type", "director", "director_ni_method"} <= columns
    assert "student_loan" in columns, "a negative loan deduction"
    reasons = " ".join(reason for _, reason in problems)
    assert "plan1, plan2, plan4, plan5" in reasons


def test_a_method_without_a_director_is_refused() -> None:
    _, problems = payslip_from_row({**GOOD, "director_ni_method": "alternative"}, "f.csv:2")
    assert ("director_ni_method", "is set but director is not true") in problems


def test_a_p60_carries_its_loan_boxes() -> None:
    p60, problems = p60_from_row(
        {
            "tax_year": "2024-25",
            "employer": "Acme",
            "gross_pay": "60000",
            "income_tax": "9486",
            "national_insurance": "2794",
            "student_loan": "985",
            "postgraduate_loan": "540",
        },
        "p.csv:2",
    )
    assert problems == []
    assert p60 is not None
    assert (p60.student_loan, p60.postgraduate_loan) == (Decimal("985.00"), Decimal("540.00"))


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("--5", "is not a whole number"),
        ("²", "is not a whole number"),
        ("٣", "is not a whole number"),  # an Arabic-Indic digit: not ASCII
        ("100000000000000000000", "is not a whole number"),
        (10**20, "too large"),
    ],
)
def test_whole_numbers_are_ascii_single_signed_and_fit_the_column(
    value: object, problem: str
) -> None:
    from hmrc_sync.payslips.rows import parse_int

    with pytest.raises(ValueError, match=problem):
        parse_int(value)
    assert parse_int(" -7 ") == -7


def _nested(depth: int) -> dict[str, object]:
    document: dict[str, object] = {"leaf": "1"}
    for _ in range(depth):
        document = {"a": document}
    return document


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ('{"a": ' * 5000 + "1" + "}" * 5000, "longer than 10000 characters"),
        ('{"a": ' * 900 + "1" + "}" * 900, "is nested"),
        ('{"a": [1]}', "is nested"),
        ('{"a": "{[not nesting]}"}', "is not an amount"),  # brackets inside a string are text
        ("{" + ", ".join(f'"d{i}": 1' for i in range(101)) + "}", "has 101 labels"),
        ('{"' + "x" * 101 + '": 1}', "longer than 100 characters"),
        (_nested(5000), r"is not a number \(nested values are not read\)"),
        ({"a": [1, 2]}, "is not a number"),
        ({"ok": True}, "is not a number"),
        ([1], "is not a flat JSON object"),
    ],
)
def test_other_deductions_are_one_small_flat_object(value: object, problem: str) -> None:
    from hmrc_sync.payslips.rows import parse_deductions

    with pytest.raises(ValueError, match=problem) as caught:
        parse_deductions(value)
    assert len(str(caught.value)) < 300, "the value is never repeated whole"


def test_other_deductions_json_depth_ignores_brackets_in_strings() -> None:
    from hmrc_sync.payslips.rows import json_depth, parse_deductions

    assert json_depth('{"a \\" [{": 1, "b": "]]"}') == 1
    assert json_depth("[[[]]]") == 3
    assert parse_deductions('{"Gym [monthly]": "10", "Bike {loan}": 20.5}') == (
        ("Bike {loan}", Decimal("20.50")),
        ("Gym [monthly]", Decimal("10.00")),
    )
