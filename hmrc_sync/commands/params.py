"""Click parameter types shared by the commands: the one way ``--tax-year`` is read."""

from __future__ import annotations

from typing import Any

import click

from hmrc_sync.taxyear import TaxYear, TaxYearError


class TaxYearParam(click.ParamType[TaxYear]):
    """One tax year: ``current``, ``previous``, ``2024-25``, ``2024/25``, ``2024-2025`` or
    ``2024``."""

    name = "TAX_YEAR"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> TaxYear:
        if isinstance(value, TaxYear):
            return value
        try:
            return TaxYear.parse(str(value))
        except TaxYearError as exc:
            self.fail(str(exc), param, ctx)


class TaxYearsParam(click.ParamType[tuple[TaxYear, ...]]):
    """``all`` or one or more tax years separated by commas, as a tuple of ``TaxYear``
    (newest first). ``all`` converts to ``ALL_YEARS``, an empty tuple: each command says what
    "all" means for it (``sync``: the years HMRC may hold; ``reconcile``: every year with data).
    """

    name = "TAX_YEARS"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[TaxYear, ...]:
        if isinstance(value, tuple):
            return value
        words = [word.strip() for word in str(value).split(",") if word.strip()]
        if not words:
            self.fail("name a tax year, such as 2024-25, or 'all'", param, ctx)
        if any(word.lower() == "all" for word in words):
            return ALL_YEARS
        try:
            return tuple(sorted({TaxYear.parse(word) for word in words}, reverse=True))
        except TaxYearError as exc:
            self.fail(str(exc), param, ctx)


ALL_YEARS: tuple[TaxYear, ...] = ()


def combine_tax_years(values: tuple[tuple[TaxYear, ...], ...]) -> list[TaxYear] | None:
    """Several ``--tax-year`` options as one list (newest first); None for ``all`` or none."""
    if not values or any(value == ALL_YEARS for value in values):
        return None
    return sorted({year for value in values for year in value}, reverse=True)
