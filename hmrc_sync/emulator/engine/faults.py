"""Fault injection: latency, 500/503/504 answers, 429 bursts, a failing token endpoint and a
connection dropped after a refresh was granted. All off by default.

* ``latency_ms``: every request except the control API waits this long before it is handled.
* ``error_rate`` / ``error_statuses``: that fraction of requests to the read APIs (Individual
  Tax/Income/Employment/Benefits, National Insurance, MTD employments) is answered with one of
  the statuses, chosen by the seeded random generator (HMRC's bodies: 500
  ``INTERNAL_SERVER_ERROR``, 503 ``SERVER_ERROR``, 504 ``GATEWAY_TIMEOUT``). Checked after the
  gateway's own checks, so a faulty answer still costs a request of the rate limit.
* ``throttle_burst``: the next N requests to the read APIs are refused with 429
  ``MESSAGE_THROTTLED_OUT`` (not counted by the rate limiter).
* ``token_endpoint_down``: ``POST /oauth/token`` answers 503 ``temporarily_unavailable``.
* ``refresh_delay_ms``: a refresh takes this long between "refresh started" and "tokens
  rotated"; a second refresh of the same grant inside that window gets 400
  ``invalid_request`` "Refresh operation is already in progress".
* ``drop_after_refresh``: the next N successful refreshes rotate the tokens in the emulator's
  state (the old refresh and access tokens are dead, the new ones live) and then the
  connection is dropped instead of answering: the status line and headers go out, then the
  server closes the connection without the body. An ``httpx`` client sees
  ``httpx.RemoteProtocolError`` ("peer closed connection without sending complete message
  body") raised from ``client.post(...)`` and never receives the new tokens. Under starlette's
  ``TestClient`` (with its default ``raise_server_exceptions=True``) the same request raises
  :class:`ConnectionDropped`, a subclass of ``httpx.RemoteProtocolError``, so client code
  handles both alike. That is the crash window of token rotation: the client must treat the
  grant as lost and re-authorise.

The control API (``/emulator/control/...``) exists only when ``FaultConfig.control_api`` is
on; see :mod:`hmrc_sync.emulator.routes.control`.
"""

from __future__ import annotations

import asyncio
import random
import threading
from dataclasses import asdict, replace
from decimal import Decimal
from typing import Any, Final

import httpx
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hmrc_sync.emulator.config import FaultConfig

CONTROL_PREFIX: Final = "/emulator/control"
DROP_MARKER: Final = b"x-emulator-drop-connection"
FAULT_BODIES: Final[dict[int, tuple[str, str]]] = {
    500: ("INTERNAL_SERVER_ERROR", "Internal server error"),
    503: ("SERVER_ERROR", "Service unavailable"),
    504: ("GATEWAY_TIMEOUT", "Gateway timeout"),
}


class ConnectionDropped(httpx.RemoteProtocolError):
    """The emulator dropped the connection on purpose (the ``drop_after_refresh`` fault)."""


class Faults:
    """The faults in force, changeable at run time (thread-safe)."""

    def __init__(self, config: FaultConfig, rng: random.Random) -> None:
        self._current = config
        self._rng = rng
        self._lock = threading.Lock()

    @property
    def current(self) -> FaultConfig:
        return self._current

    def as_json(self) -> dict[str, Any]:
        values = asdict(self._current)
        values["error_statuses"] = list(self._current.error_statuses)
        values["error_rate"] = Decimal(str(self._current.error_rate))  # JSON out, never float
        return values

    def update(self, **changes: Any) -> FaultConfig:
        """Change some faults (unknown names and invalid values raise ``ValueError``)."""
        changeable = set(asdict(self._current)) - {"control_api"}
        unknown = set(changes) - changeable
        if unknown:
            raise ValueError(f"cannot change: {', '.join(sorted(unknown))}")
        if "error_statuses" in changes:
            changes["error_statuses"] = tuple(changes["error_statuses"])
        with self._lock:
            self._current = replace(self._current, **changes)
            return self._current

    async def delay(self) -> None:
        latency = self._current.latency_ms
        if latency:
            await asyncio.sleep(latency / 1000)

    async def refresh_delay(self) -> None:
        delay = self._current.refresh_delay_ms
        if delay:
            await asyncio.sleep(delay / 1000)

    def take_throttle_burst(self) -> bool:
        with self._lock:
            if self._current.throttle_burst <= 0:
                return False
            self._current = replace(self._current, throttle_burst=self._current.throttle_burst - 1)
            return True

    def error_status(self) -> int | None:
        with self._lock:
            rate = self._current.error_rate
            if rate <= 0 or self._rng.random() >= rate:
                return None
            return self._rng.choice(self._current.error_statuses)

    def token_endpoint_down(self) -> bool:
        return self._current.token_endpoint_down

    def take_drop_after_refresh(self) -> bool:
        with self._lock:
            if self._current.drop_after_refresh <= 0:
                return False
            self._current = replace(
                self._current, drop_after_refresh=self._current.drop_after_refresh - 1
            )
            return True


class FaultMiddleware:
    """Adds latency, and turns a response marked with :data:`DROP_MARKER` into a dropped
    connection: the status line and headers are sent, then the request fails, which makes
    uvicorn close the connection without a body (and ``TestClient`` raise)."""

    def __init__(self, app: ASGIApp, faults: Faults) -> None:
        self.app = app
        self.faults = faults

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if not str(scope.get("path", "")).startswith(CONTROL_PREFIX):
            await self.faults.delay()

        async def guarded_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if any(name.lower() == DROP_MARKER for name, _ in headers):
                    kept = [(name, value) for name, value in headers if name.lower() != DROP_MARKER]
                    await send({**message, "headers": kept})
                    raise ConnectionDropped(
                        "the emulator dropped the connection after rotating the tokens"
                    )
            await send(message)

        await self.app(scope, receive, guarded_send)
