"""The HTML of the sign-in and grant pages: plain, accessible forms that work without
JavaScript, so a browser, Playwright or a plain HTTP client (:mod:`driver`) can use them.

The journey is HMRC sandbox's: a start page whose action is "Continue"; a page whose only
action is "Sign in to the HMRC online service" (older pages say "Sign in to Government Gateway":
``EmulatorConfig.sign_in_button_text``); the test-user form as
hmrc/api-platform-test-login-frontend publishes it (a ``csrfToken`` hidden field, ``continue``,
labelled "User ID" and "Password" inputs, a "Sign in" button with id ``submit``, and GOV.UK's
``govuk-error-summary`` markup when the credentials are wrong); then the grant page: the
application's name, the scopes it asks for, and "Grant authority" (id ``givePermission``) and
"Do not grant authority" (one form; the button pressed sends ``decision=grant`` or ``deny``).
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


def start_page(next_url: str) -> str:
    return _page(
        "Authority to interact with HMRC on your behalf",
        "<h1>Authority to interact with HMRC on your behalf</h1>\n"
        "<p>You need to sign in to give a software application authority to interact with HMRC "
        "on your behalf.</p>\n"
        f'<a href="{escape(next_url)}" role="button" class="govuk-button" id="continue">'
        "Continue</a>",
    )


def sign_in_choice_page(sign_in_url: str, button_text: str) -> str:
    return _page(
        "Sign in",
        "<h1>Sign in</h1>\n"
        "<p>Sign in with the test user's credentials.</p>\n"
        f'<a href="{escape(sign_in_url)}" role="button" class="govuk-button" id="sign-in">'
        f"{escape(button_text)}</a>",
    )


def sign_in_page(continue_url: str, csrf_token: str, error: str | None = None) -> str:
    problem = (
        '<div class="govuk-error-summary" aria-labelledby="error-summary-title" role="alert" '
        'tabindex="-1" data-module="govuk-error-summary">\n'
        '<h2 class="govuk-error-summary__title" id="error-summary-title">There is a problem</h2>\n'
        '<div class="govuk-error-summary__body"><ul class="govuk-list govuk-error-summary__list">'
        f'<li><a href="#apiTestLoginInputs" id="login-error">{escape(error)}</a></li></ul></div>\n'
        "</div>\n"
        if error
        else ""
    )
    return _page(
        "Sign in",
        f"<h1>Sign in</h1>\n{problem}"
        "<p>Enter your Test User credentials to sign in.</p>\n"
        '<div id="apiTestLoginInputs">\n'
        '<form method="post" action="/api-test-login/sign-in" novalidate>\n'
        f'<input type="hidden" name="csrfToken" value="{escape(csrf_token)}">\n'
        f'<input type="hidden" name="continue" id="continue" value="{escape(continue_url)}">\n'
        '<div><label for="userId">User ID</label>\n'
        '<input id="userId" name="userId" type="text" autocomplete="username" required>'
        "</div>\n"
        '<div><label for="password">Password</label>\n'
        '<input id="password" name="password" type="password" '
        'autocomplete="current-password" required></div>\n'
        '<button id="submit" type="submit">Sign in</button>\n'
        "</form>\n</div>",
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
        '<button id="givePermission" type="submit" name="decision" value="grant">'
        "Grant authority</button>\n"
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
