"""hmrc_sync.yearend's public names: sorted, complete and importable."""

from __future__ import annotations

import hmrc_sync.yearend as yearend


def test_all_is_sorted_and_importable() -> None:
    assert yearend.__all__ == sorted(
        yearend.__all__, key=lambda name: (not name[0].isupper(), name)
    )
    for name in yearend.__all__:
        assert getattr(yearend, name) is not None
