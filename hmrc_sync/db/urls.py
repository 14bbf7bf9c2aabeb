"""The database URL shown safely: the one home of masking it (pure; plain strings only).

A database URL is a secret wherever it goes: its password may sit in the userinfo
(``postgresql://user:PASSWORD@host/db``) or in the query string (``?password=…``,
``sslpassword=…`` and other libpq keys). ``mask_database_url`` replaces each with ``***``;
``database_secrets`` lists the values themselves so that text from elsewhere (a driver's
error message, a log line) can be scrubbed with ``scrub``.
"""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import unquote_plus

MASK: Final = "***"
# Query keys whose value is a secret (matched case-insensitively on the decoded key).
_SECRET_KEY: Final = re.compile(r"pass|pwd|secret|token|credential", re.IGNORECASE)
# ``key=value`` pairs (libpq's conninfo, a query string) whose value is a secret.
_SECRET_PAIR: Final = re.compile(
    r"(?P<key>[\w.-]*(?:pass|pwd|secret|token|credential)[\w.-]*)(?P<eq>\s*=\s*)"
    r"(?P<value>'(?:[^'\\]|\\.)*'|\"[^\"]*\"|[^\s&;,)]+)",
    re.IGNORECASE,
)
# SQLAlchemy's reading of the userinfo: a user without ':' or '/', then ':' and a password
# that runs to the first '@'.
_USERINFO: Final = re.compile(r"^(?P<user>[^:/@]*)(?::(?P<password>[^@]*))?@")


def is_secret_key(key: str) -> bool:
    """Whether a query-string key (``password``, ``sslpassword``, …) holds a secret."""
    return _SECRET_KEY.search(unquote_plus(key)) is not None


def _split(raw: str) -> tuple[str, str, str, str | None, str]:
    """``(scheme://, user, host/port/database, password or None, query)``."""
    scheme, separator, rest = raw.partition("://")
    if not separator:
        return "", "", "", None, ""
    match = _USERINFO.match(rest)
    user = password = None
    if match is not None:
        user, password = match["user"], match["password"]
        rest = rest[match.end() :]
    location, _, query = rest.partition("?")
    return f"{scheme}://", user or "", location, password, query


def _query_pairs(query: str) -> list[tuple[str, str]]:
    pairs = []
    for part in query.split("&") if query else []:
        key, _, value = part.partition("=")
        pairs.append((key, value))
    return pairs


def mask_database_url(raw: str) -> str:
    """``raw`` with the userinfo password and every secret query value replaced by ``***``
    (safe to print, log and show on a page)."""
    prefix, user, location, password, query = _split(raw)
    if not prefix:
        # Not a URL at all: show its scheme-less shape only if it holds nothing secret-looking.
        return raw if not _SECRET_KEY.search(raw) and "@" not in raw else "<database URL>"
    userinfo = ""
    if password is not None:
        userinfo = f"{user}:{MASK}@"
    elif user or raw[len(prefix) :].startswith("@"):
        userinfo = f"{user}@"
    shown = f"{prefix}{userinfo}{location}"
    if query:
        pairs = [
            f"{key}={MASK}" if is_secret_key(key) else f"{key}={value}"
            for key, value in _query_pairs(query)
        ]
        shown += "?" + "&".join(pairs)
    return shown


def database_url_problem(raw: str) -> str | None:
    """What is wrong with the host and port of a ``scheme://…`` URL, or None (the password is
    never part of the answer)."""
    prefix, _user, location, _password, _query = _split(raw)
    if not prefix or prefix.startswith("sqlite"):
        return None
    host = location.partition("/")[0]
    port = host.rpartition("]")[2] if host.startswith("[") else host
    if ":" not in port:
        return None
    digits = port.rpartition(":")[2]
    if not digits:
        return None
    if not (digits.isascii() and digits.isdigit() and 1 <= int(digits) <= 65535):
        return (
            f"the port {digits!r} is not a number from 1 to 65535; write the URL as "
            "postgresql://USER:PASSWORD@HOST:5432/DATABASE (or leave the port out)"
        )
    return None


def database_secrets(raw: str) -> list[str]:
    """The secret values in ``raw`` (the password, secret query values), both as written and
    percent-decoded, longest first: what ``scrub`` removes from other text."""
    _prefix, _user, _location, password, query = _split(raw)
    values = [password] if password else []
    values += [value for key, value in _query_pairs(query) if is_secret_key(key)]
    found = {form for value in values for form in (value, unquote_plus(value)) if form}
    return sorted(found, key=len, reverse=True)


def scrub(text: str, raw_url: str) -> str:
    """``text`` (a driver's message, say) with every secret of ``raw_url`` replaced by ``***``,
    the URL itself, if it appears, masked, and any ``password=…``-like pair masked too."""
    cleaned = text.replace(raw_url, mask_database_url(raw_url)) if raw_url else text
    for secret in database_secrets(raw_url):
        cleaned = cleaned.replace(secret, MASK)
    return _SECRET_PAIR.sub(lambda match: f"{match['key']}{match['eq']}{MASK}", cleaned)
