"""One ``RequestRecord`` per HTTP attempt, handed to a recorder that writes ``fetch_log``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class Outcome(StrEnum):
    """How one attempt ended.

    ``retry``: it failed in a way that is retried (429, 5xx, timeout, connection) and another
    attempt follows; the last failed attempt is ``error`` (an HTTP answer) or ``network_error``
    (no answer at all). ``not_found`` is a 404, which is an answer about the data, not a fault.
    """

    OK = "ok"
    NOT_FOUND = "not_found"
    RETRY = "retry"
    ERROR = "error"
    NETWORK_ERROR = "network_error"


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """What ``fetch_log`` keeps about one attempt. It never holds a header or a token.

    ``endpoint`` is the path that was requested, without the query string; ``tax_year`` is the
    storage form (``2024/25``); ``correlation_id`` is HMRC's, from the response headers.
    """

    requested_at: dt.datetime
    method: str
    endpoint: str
    api: str
    tax_year: str | None
    attempt: int
    http_status: int | None
    hmrc_code: str | None
    correlation_id: str | None
    duration_ms: int
    outcome: Outcome
