"""The authorization URL HMRC's sign-in starts from: a single-use ``state`` and PKCE (S256)."""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from pydantic import SecretStr


@dataclass(frozen=True)
class PendingAuthorization:
    """One authorization attempt: the URL to open, and what the callback must match."""

    url: str
    state: str
    code_verifier: SecretStr
    redirect_uri: str
    scopes: tuple[str, ...]


def pkce_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def start_authorization(
    authorize_url: str, client_id: str, redirect_uri: str, scopes: Sequence[str]
) -> PendingAuthorization:
    """A fresh single-use ``state`` and a PKCE S256 verifier, always."""
    state = secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(64)[:96]
    query = urlencode(
        {
            "response_type": "code",
            "client_id": client_id,
            "scope": " ".join(scopes),
            "state": state,
            "redirect_uri": redirect_uri,
            "code_challenge": pkce_challenge(verifier),
            "code_challenge_method": "S256",
        }
    )
    separator = "&" if "?" in authorize_url else "?"
    return PendingAuthorization(
        url=f"{authorize_url}{separator}{query}",
        state=state,
        code_verifier=SecretStr(verifier),
        redirect_uri=redirect_uri,
        scopes=tuple(scopes),
    )
