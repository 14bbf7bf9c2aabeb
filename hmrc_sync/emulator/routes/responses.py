"""The emulator's JSON answers: written with ``hmrc_sync.jsonio`` (``Decimal`` digit for digit)."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from hmrc_sync.jsonio import JsonObject, dumps


class JsonResponse(Response):
    """A JSON response written with :func:`hmrc_sync.jsonio.dumps` (Decimal-safe)."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return dumps(content).encode("utf-8")


def error_body(code: str, message: str) -> JsonObject:
    """HMRC's error document: ``{"code": ..., "message": ...}``."""
    return {"code": code, "message": message}
