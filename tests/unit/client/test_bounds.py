"""The bounds on HMRC's answers: depth, size, money and text."""

from __future__ import annotations

from decimal import Decimal

import pytest

from hmrc_sync.client.bounds import (
    MAX_BODY_BYTES,
    MAX_DEPTH,
    AnswerRejected,
    bounded_loads,
    money_problem,
    text_problem,
)
from hmrc_sync.jsonio import JsonError


def test_a_normal_answer_is_read_exactly() -> None:
    body = b'{"employments": [{"payFromEmployment": 52000.10, "name": "Acme Ltd"}]}'
    assert bounded_loads(body) == {
        "employments": [{"payFromEmployment": Decimal("52000.10"), "name": "Acme Ltd"}]
    }


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b'{"pay": 1e15}', "beyond"),
        (b'{"pay": 1e400}', "beyond"),
        (b'{"pay": -10000000000}', "beyond"),
        (b'{"pay": 1.001}', "two decimal places"),
        (b'{"name": "a\\u0000b"}', "U+0000"),
        (b'{"name": "a\\u001bb"}', "U+001B"),
        (b'{"name": "\\ud800"}', "U+D800"),
        (b'{"a\\u0007": 1}', "U+0007"),
        (b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1), "nested"),
        (b"[" * 600_000 + b"]" * 600_000, "bytes long"),
        (b"[" * 100_000 + b"]" * 100_000, "nested"),
    ],
)
def test_answers_out_of_bounds_are_rejected_without_quoting_them(body: bytes, problem: str) -> None:
    with pytest.raises(AnswerRejected) as caught:
        bounded_loads(body)
    assert problem in str(caught.value)
    assert "Acme" not in str(caught.value)


def test_nan_is_not_json() -> None:
    with pytest.raises(JsonError):
        bounded_loads(b'{"x": NaN}')


def test_size_limit() -> None:
    body = b'{"x": "' + b"y" * MAX_BODY_BYTES + b'"}'
    with pytest.raises(AnswerRejected, match="bytes long"):
        bounded_loads(body)


def test_the_largest_amount_fits() -> None:
    assert money_problem(Decimal("9999999999.99"), "pay") is None
    assert money_problem(Decimal("10000000000.00"), "pay") is not None
    assert text_problem("Acme\tLtd", "name") is not None
    assert text_problem("Société Générale", "name") is None
