"""Turning one row (CSV text or database values) into a ``Payslip`` or ``P60``.

The same rules check a CSV line and a row read from payslip-ingest's tables, so a file
exported from one imports cleanly into the other. Every problem in a row is reported (column
and reason), not just the first.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from hmrc_sync.paye import CATEGORIES, Frequency, PayeInputError, parse_tax_code
from hmrc_sync.payslips.model import (
    DIRECTOR_NI_METHODS,
    P60,
    PENSION_TYPES,
    STUDENT_LOAN_PLANS,
    ZERO,
    Payslip,
)
from hmrc_sync.taxyear import TaxYear, TaxYearError

Problems = list[tuple[str | None, str]]

# Money is stored as NUMERIC(12,2): at most 10 digits before the point and 2 after.
_MAX_MONEY: Final = Decimal("9999999999.99")
# other_deductions is one flat object of label: amount, and small.
MAX_DEDUCTIONS_TEXT: Final = 10_000  # characters of its JSON
MAX_DEDUCTIONS: Final = 100  # labels
MAX_LABEL: Final = 100  # characters in one label
_FLAT_OBJECT: Final = 'a flat JSON object of label: amount such as {"Season Ticket Loan": 120.00}'

PAYSLIP_REQUIRED: Final = ("pay_date", "gross_pay", "income_tax", "national_insurance")
PAYSLIP_MONEY_OPTIONAL: Final = (
    "net_pay",
    "taxable_pay",
    "salary",
    "cash_income_tax",
    "ytd_gross",
    "ytd_taxable_pay",
    "ytd_tax_paid",
    "niable_pay",
    "ytd_national_insurance",
    "ytd_student_loan",
)
PAYSLIP_MONEY_ZERO: Final = (
    "bonus",
    "rsu_vest",
    "rsu_offset",
    "pension_sacrifice",
    "pension_employee",
    "pension_employer",
    "student_loan",
    "postgraduate_loan",
    "payrolled_benefits",
)
PAYSLIP_OTHER: Final = (
    "tax_year",
    "employer",
    "other_deductions",
    "validated",
    "paperless_doc_id",
    "tax_code",
    "ni_category",
    "pay_frequency",
    "tax_period",
    "employer_paye_ref",
    "student_loan_plan",
    "pension_type",
    "director",
    "director_ni_method",
    "paid_after_leaving",
)
# Columns an export of payslip-ingest's table may carry that hmrc-sync does not use.
PAYSLIP_IGNORED: Final = ("id", "created_at", "updated_at", "currency", "source_file")
PAYSLIP_COLUMNS: Final = (
    PAYSLIP_REQUIRED + PAYSLIP_MONEY_OPTIONAL + PAYSLIP_MONEY_ZERO + PAYSLIP_OTHER
)

P60_REQUIRED: Final = ("tax_year", "employer", "gross_pay", "income_tax", "national_insurance")
P60_OPTIONAL: Final = (
    "tax_code",
    "paperless_doc_id",
    "employer_paye_ref",
    "previous_pay",
    "previous_tax",
    "student_loan",
    "postgraduate_loan",
)
P60_IGNORED: Final = ("id", "created_at", "updated_at")
P60_COLUMNS: Final = P60_REQUIRED + P60_OPTIONAL


class _Bad(ValueError):
    """One value that cannot be used; the message says why."""


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# Plain digits, or digits grouped in thousands by commas, then an optional decimal point: a
# comma anywhere else (a European "1234,56") is refused rather than read as 123456.
_AMOUNT_TEXT: Final = re.compile(r"^[-+]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]*)(?:\.[0-9]+)?$")


def _money_from_text(text: str) -> Decimal:
    plain = text.replace("£", "", 1)
    if not _AMOUNT_TEXT.match(plain) or not any(c.isdigit() for c in plain):
        hint = (
            "commas may only group thousands, as in 1,234.56; write the decimal point as '.'"
            if "," in plain
            else "write e.g. 1234.56"
        )
        raise _Bad(f"{text!r} is not an amount: {hint}")
    try:
        return Decimal(plain.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimal text
        raise _Bad(f"{text!r} is not an amount (write e.g. 1234.56)") from None


def parse_money(value: object) -> Decimal:
    if isinstance(value, bool):
        raise _Bad(f"{value!r} is not an amount")
    if isinstance(value, Decimal | int):
        amount = Decimal(value)
    elif isinstance(value, str):
        amount = _money_from_text(value.strip())
    else:
        raise _Bad(f"a {type(value).__name__} is not an amount")
    if not amount.is_finite():
        raise _Bad(f"{value!r} is not a finite amount")
    if abs(amount) > _MAX_MONEY:
        raise _Bad(f"{value!r} is too large")
    if amount != amount.quantize(Decimal("0.01")):
        raise _Bad(f"{value!r} has more than 2 decimal places")
    return amount.quantize(Decimal("0.01"))


def parse_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        for form in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                return dt.datetime.strptime(text, form).date()  # noqa: DTZ007 - a date only
            except ValueError:
                continue
    raise _Bad(f"{value!r} is not a date (write YYYY-MM-DD or DD/MM/YYYY)")


_WHOLE_NUMBER: Final = re.compile(r"^-?[0-9]{1,18}$")  # ASCII digits; fits a BIGINT column


def parse_int(value: object) -> int:
    """A whole number the database can hold: ASCII digits only (not ``²``), one sign at
    most (not ``--5``), and at most 18 digits (a BIGINT holds 19)."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and _WHOLE_NUMBER.match(value.strip()):
        number = int(value.strip())
    else:
        raise _Bad(f"{str(value)[:40]!r} is not a whole number")
    if abs(number) >= 10**18:
        raise _Bad(f"{number} is too large a number for this column")
    return number


def parse_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "t", "yes", "y", "1"):
        return True
    if text in ("false", "f", "no", "n", "0"):
        return False
    raise _Bad(f"{value!r} is not true or false")


def parse_tax_year(value: object) -> TaxYear:
    try:
        return TaxYear.parse(str(value))
    except TaxYearError as exc:
        raise _Bad(str(exc)) from None


def parse_code(value: object) -> str:
    try:
        return str(parse_tax_code(str(value).strip()))
    except PayeInputError as exc:
        raise _Bad(str(exc)) from None


def parse_category(value: object) -> str:
    letter = str(value).strip().upper()
    if letter not in CATEGORIES:
        raise _Bad(f"{value!r} is not an NI category letter (use one of {', '.join(CATEGORIES)})")
    return letter


def parse_frequency(value: object) -> str:
    try:
        return Frequency.parse(str(value)).value
    except PayeInputError as exc:
        raise _Bad(str(exc)) from None


def _choice(name: str, allowed: tuple[str, ...]) -> Callable[[object], str]:
    def parse(value: object) -> str:
        text = str(value).strip().lower().replace(" ", "_").replace("-", "_")
        if text not in allowed:
            raise _Bad(f"{value!r} is not a {name} (use one of {', '.join(allowed)})")
        return text

    return parse


parse_plan = _choice("student-loan plan", STUDENT_LOAN_PLANS)
parse_pension_type = _choice("pension type", PENSION_TYPES)
parse_director_method = _choice("directors' NI method", DIRECTOR_NI_METHODS)


def parse_deductions(value: object) -> tuple[tuple[str, Decimal], ...]:
    """``other_deductions``: one flat JSON object of label: amount (text from a CSV, or the
    decoded document from payslip-ingest's table), bounded in size and never nested."""
    document = value
    if isinstance(value, str):
        if len(value) > MAX_DEDUCTIONS_TEXT:
            raise _Bad(f"is longer than {MAX_DEDUCTIONS_TEXT} characters; write {_FLAT_OBJECT}")
        if json_depth(value) > 1:
            raise _Bad(f"is nested (an object or list inside another); write {_FLAT_OBJECT}")
        try:
            document = json.loads(value)
        except (json.JSONDecodeError, RecursionError):
            raise _Bad(f"is not {_FLAT_OBJECT}") from None
    if not isinstance(document, Mapping):
        raise _Bad(f"is not {_FLAT_OBJECT}")
    if len(document) > MAX_DEDUCTIONS:
        raise _Bad(f"has {len(document)} labels; at most {MAX_DEDUCTIONS} are read")
    pairs = []
    for label, amount in document.items():
        shown = str(label)[:MAX_LABEL]
        if not isinstance(label, str) or len(label) > MAX_LABEL:
            raise _Bad(f"the label {shown!r}… is longer than {MAX_LABEL} characters")
        if not isinstance(amount, str | int | float | Decimal) or isinstance(amount, bool):
            raise _Bad(f"the amount for {shown!r} is not a number (nested values are not read)")
        money = parse_money(str(amount) if isinstance(amount, float) else amount)
        pairs.append((label, money))
    return tuple(sorted(pairs))


def json_depth(text: str) -> int:
    """How deeply ``text``'s JSON nests objects and lists (0 for a scalar), found without
    parsing it (a parser recurses once per level)."""
    depth = deepest = 0
    in_string = escaped = False
    for character in text:
        if in_string:
            if escaped:
                escaped = False
            elif character == "\\":
                escaped = True
            elif character == '"':
                in_string = False
        elif character == '"':
            in_string = True
        elif character in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif character in "]}":
            depth -= 1
    return deepest


class _Reader:
    """Reads typed values out of one row, collecting every problem."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        self.values = values
        self.problems: Problems = []

    def get(self, column: str, parse: Callable[[object], Any], *, required: bool = False) -> Any:
        value = self.values.get(column)
        if _blank(value):
            if required:
                self.problems.append((column, "is required"))
            return None
        try:
            return parse(value)
        except _Bad as exc:
            self.problems.append((column, str(exc)))
            return None


def payslip_from_row(values: Mapping[str, Any], source_ref: str) -> tuple[Payslip | None, Problems]:
    """A ``Payslip`` from one row, or ``None`` and every problem found."""
    read = _Reader(values)
    pay_date = read.get("pay_date", parse_date, required=True)
    money = {c: read.get(c, parse_money, required=True) for c in PAYSLIP_REQUIRED[1:]}
    optional = {c: read.get(c, parse_money) for c in PAYSLIP_MONEY_OPTIONAL}
    zeroed: dict[str, Any] = {c: read.get(c, parse_money) or ZERO for c in PAYSLIP_MONEY_ZERO}
    stated_year = read.get("tax_year", parse_tax_year)
    frequency = read.get("pay_frequency", parse_frequency)
    period = read.get("tax_period", parse_int)
    extra: dict[str, Any] = {
        "other_deductions": read.get("other_deductions", parse_deductions) or (),
        "validated": read.get("validated", parse_bool),
        "paperless_doc_id": read.get("paperless_doc_id", parse_int),
        "tax_code": read.get("tax_code", parse_code),
        "ni_category": read.get("ni_category", parse_category),
        "employer_paye_ref": _text(values.get("employer_paye_ref")),
        "student_loan_plan": read.get("student_loan_plan", parse_plan),
        "pension_type": read.get("pension_type", parse_pension_type),
        "director": bool(read.get("director", parse_bool)),
        "director_ni_method": read.get("director_ni_method", parse_director_method),
        "paid_after_leaving": bool(read.get("paid_after_leaving", parse_bool)),
    }
    _check_lines(extra, zeroed, read.problems)
    tax_year = None
    if pay_date is not None:
        tax_year = TaxYear.containing(pay_date)
        if stated_year is not None and stated_year != tax_year:
            read.problems.append(
                ("tax_year", f"{stated_year.storage} does not contain pay_date {pay_date}")
            )
    if period is not None:
        try:
            Frequency.parse(frequency or "monthly").check_period(period)
        except PayeInputError as exc:
            read.problems.append(("tax_period", str(exc)))
    if read.problems or pay_date is None or tax_year is None:
        return None, read.problems
    payslip = Payslip(
        pay_date=pay_date,
        tax_year=tax_year,
        employer=_text(values.get("employer")) or "",
        pay_frequency=frequency,
        tax_period=period,
        source_ref=source_ref,
        **money,
        **optional,
        **zeroed,
        **extra,
    )
    return payslip, []


def _check_lines(extra: Mapping[str, Any], zeroed: Mapping[str, Any], problems: Problems) -> None:
    """Lines that only make sense together."""
    if extra["director_ni_method"] and not extra["director"]:
        problems.append(("director_ni_method", "is set but director is not true"))
    if zeroed["student_loan"] < 0 or zeroed["postgraduate_loan"] < 0:
        problems.append(("student_loan", "a loan deduction cannot be negative"))


def p60_from_row(values: Mapping[str, Any], source_ref: str) -> tuple[P60 | None, Problems]:
    """A ``P60`` from one row, or ``None`` and every problem found."""
    read = _Reader(values)
    tax_year = read.get("tax_year", parse_tax_year, required=True)
    employer = read.get("employer", _text, required=True)
    money = {c: read.get(c, parse_money, required=True) for c in P60_REQUIRED[2:]}
    previous = {
        c: read.get(c, parse_money)
        for c in ("previous_pay", "previous_tax", "student_loan", "postgraduate_loan")
    }
    code = read.get("tax_code", parse_code)
    doc_id = read.get("paperless_doc_id", parse_int)
    if read.problems or tax_year is None or employer is None:
        return None, read.problems
    p60 = P60(
        tax_year=tax_year,
        employer=employer,
        tax_code=code,
        paperless_doc_id=doc_id,
        employer_paye_ref=_text(values.get("employer_paye_ref")),
        source_ref=source_ref,
        **money,
        **previous,
    )
    return p60, []


def _text(value: object) -> str | None:
    if _blank(value):
        return None
    return " ".join(str(value).split())
