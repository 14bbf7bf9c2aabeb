"""hmrc-sync's exceptions. Every error the user can see derives from ``HmrcSyncError``.

::

    HmrcSyncError                      exit code 1 unless a subclass says otherwise
    ├── ConfigurationError             a setting is missing or malformed (exit 2)
    ├── DatabaseError                  the database cannot be reached or migrated
    ├── TokenStoreError                the token store cannot be read or written
    │   └── TokenConflictError         compare-and-set lost: another process wrote first
    ├── AuthorisationError             OAuth failed
    │   └── ReauthorisationRequired    the grant is gone; the owner must sign in again (exit 3)
    ├── HmrcError                      HMRC answered with an error (carries status and code)
    │   ├── HmrcUnavailable            HMRC could not be reached or kept failing (exit 4)
    │   └── HmrcNotFound               404: no data for this request (not an outage)
    └── RequestBudgetExceeded          the per-run request budget ran out (exit 4)

Messages never carry tokens or secrets: build them from codes and public identifiers only.
"""

from __future__ import annotations

from typing import ClassVar


class HmrcSyncError(Exception):
    """Base class; ``exit_code`` is what the CLI exits with."""

    exit_code: ClassVar[int] = 1
    default_message: ClassVar[str] = "hmrc-sync failed"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.default_message)

    @property
    def message(self) -> str:
        return str(self.args[0])


class ConfigurationError(HmrcSyncError):
    exit_code = 2
    default_message = "invalid configuration"


class DatabaseError(HmrcSyncError):
    default_message = "the database could not be used"


class TokenStoreError(HmrcSyncError):
    default_message = "the token store could not be used"


class TokenConflictError(TokenStoreError):
    default_message = "another process updated the stored token first"


class AuthorisationError(HmrcSyncError):
    default_message = "authorisation with HMRC failed"


class ReauthorisationRequired(AuthorisationError):
    exit_code = 3
    default_message = (
        "re-authorisation required: HMRC no longer accepts the stored grant; "
        "run `hmrc-sync auth login` (or open /authorize on the service) to grant access again"
    )


class HmrcError(HmrcSyncError):
    """HMRC answered with an error status."""

    default_message = "HMRC returned an error"

    def __init__(
        self,
        message: str | None = None,
        *,
        status: int | None = None,
        code: str | None = None,
        correlation_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.correlation_id = correlation_id


class HmrcUnavailable(HmrcError):
    exit_code = 4
    default_message = "HMRC is unavailable; try again later"


class HmrcNotFound(HmrcError):
    default_message = "HMRC holds no data for this request"


class RequestBudgetExceeded(HmrcSyncError):
    exit_code = 4
    default_message = "the request budget for this run is used up; HMRC may be failing"
