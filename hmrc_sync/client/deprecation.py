"""HMRC's notice that an API version is going: the ``Deprecation``, ``Sunset`` and ``Link``
headers (RFC 9745, RFC 8594) read from an answer, as plain values.

Pure: the client collects one ``ApiDeprecation`` per API during a run, the sync keeps them in
the run's summary, and the metrics (``hmrc_sync_api_deprecated{api}``) and the status page
read them from there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

_LIMIT: Final = 200


@dataclass(frozen=True, slots=True)
class ApiDeprecation:
    """One API version HMRC says is deprecated (each header's text, cleaned and bounded)."""

    api: str
    version: str
    deprecation: str
    sunset: str | None = None
    link: str | None = None

    def describe(self) -> str:
        text = f"HMRC has deprecated version {self.version} of the {self.api} API"
        if self.sunset:
            text += f"; it will be withdrawn on {self.sunset}"
        if self.link:
            text += f" (see {self.link})"
        return text + "; upgrade hmrc-sync before then"

    def as_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "deprecation": self.deprecation,
            "sunset": self.sunset,
            "link": self.link,
        }


def deprecation_from_headers(
    api: str, version: str, headers: Mapping[str, str]
) -> ApiDeprecation | None:
    """The notice in an answer's headers, or None when there is no ``Deprecation`` header
    (a ``Sunset`` alone is read as one too)."""
    lowered = {name.lower(): value for name, value in headers.items()}
    deprecation = _clean(lowered.get("deprecation"))
    sunset = _clean(lowered.get("sunset"))
    if deprecation is None and sunset is None:
        return None
    return ApiDeprecation(
        api=api,
        version=version,
        deprecation=deprecation or "true",
        sunset=sunset,
        link=_clean(lowered.get("link")),
    )


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in value).split())
    return text[:_LIMIT] or None
