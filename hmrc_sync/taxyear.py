"""The UK tax year as a value type.

A tax year runs from 6 April to 5 April. It is written three ways in this project:

* HMRC's form in API paths: ``2024-25``;
* the storage form shared with payslip-ingest and the dashboard: ``2024/25``;
* the start year alone: ``2024``.

``TaxYear.parse`` accepts all of those, ``2024-2025``, and the words ``current`` and
``previous`` (resolved against today's date in Europe/London, where HMRC's year turns).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Final
from zoneinfo import ZoneInfo

UK_TIMEZONE: Final = ZoneInfo("Europe/London")

# Income tax has existed since 1799, but PAYE (and so anything HMRC's APIs describe) since
# 1944. The range is a sanity bound that rejects typos such as `1899` or `20245`.
MIN_START_YEAR: Final = 1944
MAX_START_YEAR: Final = 2099

_SHORT = re.compile(r"^(\d{4})[-/](\d{2})$")
_LONG = re.compile(r"^(\d{4})[-/](\d{4})$")
_START = re.compile(r"^(\d{4})$")

ACCEPTED_FORMS: Final = "'current', 'previous', '2024-25', '2024/25', '2024-2025' or '2024'"


class TaxYearError(ValueError):
    """Raised for text that is not a tax year; the message says what is accepted."""


def uk_today(now: dt.datetime | None = None) -> dt.date:
    """Today's date in the UK (the date HMRC's tax year turns on)."""
    moment = now if now is not None else dt.datetime.now(dt.UTC)
    if moment.tzinfo is None:
        raise ValueError("uk_today needs an aware datetime")
    return moment.astimezone(UK_TIMEZONE).date()


@dataclass(frozen=True, order=True, slots=True)
class TaxYear:
    """The tax year that starts on 6 April of ``start_year``."""

    start_year: int

    def __post_init__(self) -> None:
        if not isinstance(self.start_year, int) or isinstance(self.start_year, bool):
            raise TaxYearError(
                f"a tax year's start year must be an integer, not {self.start_year!r}"
            )
        if not MIN_START_YEAR <= self.start_year <= MAX_START_YEAR:
            raise TaxYearError(
                f"tax year starting {self.start_year} is out of range: "
                f"years {MIN_START_YEAR} to {MAX_START_YEAR} are accepted"
            )

    # ----------------------------------------------------------------------------- parsing
    @classmethod
    def parse(cls, text: str, *, today: dt.date | None = None) -> TaxYear:
        """Parse any accepted form; ``today`` (a UK date) resolves ``current``/``previous``."""
        raw = text.strip() if isinstance(text, str) else text
        if not isinstance(raw, str) or not raw:
            raise TaxYearError(f"empty tax year: use {ACCEPTED_FORMS}")
        word = raw.lower()
        if word in ("current", "previous"):
            year = cls.containing(today if today is not None else uk_today())
            return year if word == "current" else year.previous()
        if match := _SHORT.match(raw):
            start, end = int(match.group(1)), int(match.group(2))
            cls._check_end(raw, start, (start + 1) % 100, end)
            return cls(start)
        if match := _LONG.match(raw):
            start, end = int(match.group(1)), int(match.group(2))
            cls._check_end(raw, start, start + 1, end)
            return cls(start)
        if match := _START.match(raw):
            return cls(int(match.group(1)))
        raise TaxYearError(f"{raw!r} is not a tax year: use {ACCEPTED_FORMS}")

    @staticmethod
    def _check_end(raw: str, start: int, expected: int, got: int) -> None:
        if got != expected:
            raise TaxYearError(
                f"{raw!r} is not a tax year: a tax year starting in {start} ends in "
                f"{start + 1}, so write {start}-{(start + 1) % 100:02d}"
            )

    @classmethod
    def containing(cls, day: dt.date) -> TaxYear:
        """The tax year a (UK) date falls in: 5 April is the last day, 6 April the first."""
        if (day.month, day.day) >= (4, 6):
            return cls(day.year)
        return cls(day.year - 1)

    @classmethod
    def current(cls, now: dt.datetime | None = None) -> TaxYear:
        return cls.containing(uk_today(now))

    # ----------------------------------------------------------------------------- forms
    @property
    def hmrc(self) -> str:
        """HMRC's form, used in API paths: ``2024-25``."""
        return f"{self.start_year}-{(self.start_year + 1) % 100:02d}"

    @property
    def storage(self) -> str:
        """The storage form shared with payslip-ingest and the dashboard: ``2024/25``."""
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"

    def __str__(self) -> str:
        return self.hmrc

    # ----------------------------------------------------------------------------- dates
    @property
    def first_day(self) -> dt.date:
        return dt.date(self.start_year, 4, 6)

    @property
    def last_day(self) -> dt.date:
        return dt.date(self.start_year + 1, 4, 5)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.first_day <= day <= self.last_day

    def previous(self) -> TaxYear:
        return TaxYear(self.start_year - 1)

    def next(self) -> TaxYear:
        return TaxYear(self.start_year + 1)

    def last(self, count: int) -> list[TaxYear]:
        """This year and the ``count - 1`` before it, newest first."""
        return [TaxYear(self.start_year - offset) for offset in range(count)]

    def _check_in_year(self, day: dt.date) -> None:
        if day not in self:
            raise TaxYearError(f"{day.isoformat()} is not in tax year {self.hmrc}")

    def tax_month(self, day: dt.date) -> int:
        """Tax month 1..12: month 1 runs 6 April to 5 May, month 12 runs 6 March to 5 April."""
        self._check_in_year(day)
        month = (day.year - self.start_year) * 12 + day.month - 4
        if day.day < 6:
            month -= 1
        return month + 1

    def tax_week(self, day: dt.date) -> int:
        """Tax week 1..53: week 1 is 6 to 12 April; the last day or two make week 53."""
        self._check_in_year(day)
        return (day - self.first_day).days // 7 + 1
