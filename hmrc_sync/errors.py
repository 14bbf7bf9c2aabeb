"""hmrc-sync's exit codes and exceptions: the one home of both.

``ExitCode`` is every code a command or script can exit with (the README's table lists the
same). Every error the user can see derives from ``HmrcSyncError`` and carries its code:

::

    HmrcSyncError                      exit code 1 unless a subclass says otherwise
    ├── ConfigurationError             a setting is missing or malformed (exit 2)
    │   └── ProductionRefused          a Phase 1 script pointed at HMRC production (exit 7;
    │                                  in hmrc_sync.oauth.headless)
    ├── BrowserDataError               a browser sent no fraud-header data (exit 2; hmrc_sync.app)
    ├── PayslipFileError               a payslip or P60 file or table has bad rows (exit 2;
    │                                  hmrc_sync.payslips.model)
    ├── DatabaseError                  the database cannot be reached or migrated
    ├── TokenStoreError                the token store cannot be read or written
    │   └── TokenConflictError         compare-and-set lost: another process wrote first
    ├── AuthorisationError             OAuth failed
    │   └── ReauthorisationRequired    the grant is gone; the owner must sign in again (exit 3)
    ├── HmrcError                      HMRC answered with an error (carries status and code)
    │   ├── HmrcUnavailable            HMRC could not be reached or kept failing (exit 4)
    │   ├── HmrcNotFound               404: no data for this request (not an outage)
    │   └── HmrcApiVersionRetired      404 MATCHING_RESOURCE_NOT_FOUND from the gateway: the
    │                                  API version hmrc-sync asks for is retired (exit 10)
    └── RequestBudgetExceeded          the per-run request budget ran out (exit 4)

Messages never carry tokens or secrets: build them from codes and public identifiers only.
"""

from __future__ import annotations

from enum import IntEnum
from typing import ClassVar


class ExitCode(IntEnum):
    """What hmrc-sync's commands and scripts exit with."""

    OK = 0
    FAILED = 1  # an error not listed below; or HMRC refused every year of a sync
    CONFIGURATION = 2  # a setting, option or input is missing or malformed
    REAUTHORISE = 3  # the grant is gone or expired: sign in again
    HMRC_UNAVAILABLE = 4  # HMRC could not be reached, kept failing, or the budget ran out
    PARTIAL = 5  # a sync finished some tax years and failed others
    MISMATCH = 6  # reconcile found a difference nothing explains
    PRODUCTION_REFUSED = 7  # a Phase 1 script was pointed at HMRC production
    REVIEW = 8  # reconcile: nothing is a mismatch, but a cause was only inferred: check it
    NOTHING_TO_RECONCILE = 9  # reconcile found no payslips, P60s or HMRC figures at all
    API_VERSION_RETIRED = 10  # HMRC no longer serves the API version hmrc-sync asks for
    POSITION_ALERT = 11  # `position --alert-above`: an expected refund or bill is over it


class HmrcSyncError(Exception):
    """Base class; ``exit_code`` is what the CLI exits with."""

    exit_code: ClassVar[ExitCode] = ExitCode.FAILED
    default_message: ClassVar[str] = "hmrc-sync failed"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.default_message)

    @property
    def message(self) -> str:
        return str(self.args[0])


class ConfigurationError(HmrcSyncError):
    exit_code = ExitCode.CONFIGURATION
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
    exit_code = ExitCode.REAUTHORISE
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
        api: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.correlation_id = correlation_id
        self.api = api


class HmrcUnavailable(HmrcError):
    exit_code = ExitCode.HMRC_UNAVAILABLE
    default_message = "HMRC is unavailable; try again later"


class HmrcNotFound(HmrcError):
    default_message = "HMRC holds no data for this request"


class HmrcApiVersionRetired(HmrcError):
    """HMRC's gateway knows no such API version (retired or never served): not "no data"."""

    exit_code = ExitCode.API_VERSION_RETIRED
    default_message = "HMRC no longer serves this API version; upgrade hmrc-sync"


class RequestBudgetExceeded(HmrcSyncError):
    exit_code = ExitCode.HMRC_UNAVAILABLE
    default_message = "the request budget for this run is used up; HMRC may be failing"
