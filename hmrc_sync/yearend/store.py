"""The year-end position's I/O shell: the profile file, and positions from stored data.

The one module of ``hmrc_sync.yearend`` that reads files and the database; the rest is pure.
The figures come from the same place the reconciliation reads them (``reconcile.store``): the
payslip source, P60s and HMRC's latest snapshots.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Collection, Mapping
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from hmrc_sync.settings import data_dir
from hmrc_sync.taxyear import TaxYear, uk_today
from hmrc_sync.yearend.evidence import Basis, employments_for_year
from hmrc_sync.yearend.position import DEFAULT_TOLERANCE, Position, project_year, year_position
from hmrc_sync.yearend.profile import (
    ProfileError,
    YearProfile,
    profiles_from_json,
    profiles_to_json,
)

if TYPE_CHECKING:
    from hmrc_sync.bootstrap import Container
    from hmrc_sync.reconcile.model import ReconcileInput

PROFILE_FILE = "position-profile.json"


def default_profile_path() -> Path:
    """``position-profile.json`` in the user data directory, beside the default database."""
    return data_dir() / PROFILE_FILE


def load_profiles(path: Path) -> dict[TaxYear, YearProfile]:
    """The profiles in ``path`` (none when the file does not exist yet)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise ProfileError(f"cannot read the position profile {path}: {error.strerror}") from None
    try:
        return profiles_from_json(text)
    except ProfileError as error:
        raise ProfileError(f"{path}: {error.message}") from None


def save_profiles(path: Path, profiles: Mapping[TaxYear, YearProfile]) -> None:
    """Write the profiles atomically (a temporary file, then a rename); 0600."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".position-", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(profiles_to_json(profiles.values()))
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def year_positions(
    container: Container,
    tax_years: Collection[TaxYear] | None = None,
    *,
    profiles: Mapping[TaxYear, YearProfile] | None = None,
    tolerance: Decimal = DEFAULT_TOLERANCE,
    today: dt.date | None = None,
) -> list[Position]:
    """The position of each year with figures (newest first). The current year is projected
    to 5 April unless every employment already has its P60."""
    from hmrc_sync.reconcile.store import load_input, options_from

    data = load_input(container, tax_years, options_from(container))
    return positions_from(data, profiles=profiles, tolerance=tolerance, today=today)


def positions_from(
    data: ReconcileInput,
    *,
    profiles: Mapping[TaxYear, YearProfile] | None = None,
    tolerance: Decimal = DEFAULT_TOLERANCE,
    today: dt.date | None = None,
) -> list[Position]:
    """``year_positions`` on figures already loaded (the status page loads them once)."""
    today = today or uk_today()
    current = TaxYear.containing(today)
    profiles = profiles if profiles is not None else load_profiles(default_profile_path())
    positions = []
    for year in data.tax_years:
        employments = employments_for_year(year, data.payslips, data.p60s, data.hmrc)
        if not employments:
            continue
        profile = profiles.get(year)
        in_progress = year == current and any(e.basis is not Basis.P60 for e in employments)
        if in_progress:
            positions.append(project_year(year, employments, profile, tolerance=tolerance))
        else:
            positions.append(year_position(year, employments, profile, tolerance=tolerance))
    return positions
