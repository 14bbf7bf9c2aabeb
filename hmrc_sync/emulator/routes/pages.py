"""The HTML of the sign-in and grant pages: plain, accessible forms that work without
JavaScript, so a browser, Playwright or a plain HTTP client (:mod:`driver`) can use them.

Sign-in (as hmrc/api-platform-test-login-frontend): labelled "User ID" and "Password" inputs
and a "Sign in" button. Grant page: the application's name, the scopes it asks for, and the
buttons "Grant authority" and "Do not grant authority" (one form; the button pressed sends
``decision=grant`` or ``decision=deny``).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape


def _page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)} - HMRC emulator</title>\n"
        "</head>\n"
        "<body>\n"
        "<header><p>HMRC emulator (a local stand-in for HMRC's sandbox)</p></header>\n"
        f'<main id="main-content">\n{body}\n</main>\n'
        "</body>\n"
        "</html>\n"
    )


def sign_in_page(continue_url: str, error: str | None = None) -> str:
    problem = (
        '<div role="alert" id="error-summary">\n'
        "<h2>There is a problem</h2>\n"
        f'<p id="login-error">{escape(error)}</p>\n'
        "</div>\n"
        if error
        else ""
    )
    return _page(
        "Sign in",
        f"<h1>Sign in</h1>\n{problem}"
        "<p>Enter your Test User credentials to sign in.</p>\n"
        '<form method="post" action="/api-test-login/sign-in" novalidate>\n'
        f'<input type="hidden" name="continue" value="{escape(continue_url)}">\n'
        '<div><label for="userId">User ID</label>\n'
        '<input id="userId" name="userId" type="text" autocomplete="username" required>'
        "</div>\n"
        '<div><label for="password">Password</label>\n'
        '<input id="password" name="password" type="password" '
        'autocomplete="current-password" required></div>\n'
        '<button id="submit" type="submit">Sign in</button>\n'
        "</form>",
    )


def grant_page(
    auth_id: str, application_name: str, scopes: Sequence[tuple[str, str]], user_id: str
) -> str:
    items = "\n".join(
        f'<li><span class="scope-name">{escape(name)}</span> '
        f'(<code class="scope-key">{escape(key)}</code>)</li>'
        for key, name in scopes
    )
    return _page(
        "Grant authority",
        "<h1>Grant authority</h1>\n"
        f"<p>Signed in as test user <strong>{escape(user_id)}</strong>.</p>\n"
        f"<p><strong>{escape(application_name)}</strong> wants to:</p>\n"
        f'<ul id="scopes">\n{items}\n</ul>\n'
        '<form method="post" action="/oauth/grantscope">\n'
        f'<input type="hidden" name="auth_id" value="{escape(auth_id)}">\n'
        '<button id="grant" type="submit" name="decision" value="grant">Grant authority</button>\n'
        '<button id="deny" type="submit" name="decision" value="deny">'
        "Do not grant authority</button>\n"
        "</form>",
    )


def error_page(error: str, description: str) -> str:
    return _page(
        "There is a problem",
        "<h1>There is a problem</h1>\n"
        f'<p>Error: <code id="error">{escape(error)}</code></p>\n'
        f'<p id="error-description">{escape(description)}</p>',
    )
