"""OAuth 2.0 with HMRC, and the ways an owner grants access.

* ``authorize``: the authorization URL (single-use ``state``, PKCE S256);
* ``tokens``: the token endpoint, refresh-token rotation (``TokenManager``) and the httpx
  ``HmrcAuth`` that uses it;
* ``locks``: the cross-process lock a refresh holds (a file, or a PostgreSQL advisory lock);
* ``installed_app`` with ``loopback``: sign-in from a terminal (``auth login``), the browser
  returning to a one-shot local listener;
* ``headless``: the same sign-in driven by a headless browser against HMRC's sandbox or the
  emulator (the Phase 1 scripts).
"""

from hmrc_sync.oauth.authorize import PendingAuthorization, pkce_challenge, start_authorization
from hmrc_sync.oauth.tokens import (
    REFRESH_LEEWAY,
    HmrcAuth,
    OAuthError,
    TokenEndpoint,
    TokenManager,
    TokenResponse,
    grant_from_response,
    utcnow,
)

__all__ = [
    "REFRESH_LEEWAY",
    "HmrcAuth",
    "OAuthError",
    "PendingAuthorization",
    "TokenEndpoint",
    "TokenManager",
    "TokenResponse",
    "grant_from_response",
    "pkce_challenge",
    "start_authorization",
    "utcnow",
]
