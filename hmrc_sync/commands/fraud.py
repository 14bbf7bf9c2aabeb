"""``fraud-headers``: the fraud-prevention headers hmrc-sync would send right now, judged."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any
from uuid import UUID

import click

from hmrc_sync.commands.common import make_container
from hmrc_sync.errors import ExitCode


def _web_headers(container: Any, browser_json: Path | None) -> dict[str, str]:
    from starlette.requests import Request

    from hmrc_sync.app.web_fraud import web_app_context
    from hmrc_sync.fraud_headers import build_web_app_headers

    if browser_json is None:
        raise click.UsageError(
            "WEB_APP_VIA_SERVER headers need a browser's data: pass --browser-json FILE with the "
            "fields the status page posts (user_agent, screen_width, screen_height, "
            "screen_scaling, colour_depth, window_width, window_height, utc_offset_minutes)"
        )
    try:
        form = {k: str(v) for k, v in json.loads(browser_json.read_text(encoding="utf-8")).items()}
    except (OSError, ValueError, AttributeError) as exc:
        raise click.BadParameter(
            f"cannot read {browser_json}: {exc}", param_hint="--browser-json"
        ) from None
    # A request as this machine would see it, with no proxy in front.
    scope: dict[str, Any] = {
        "type": "http",
        "method": "POST",
        "scheme": "https",
        "path": "/sync/browser",
        "query_string": b"",
        "headers": [],
        "client": None,
        "server": None,
    }
    context = web_app_context(Request(scope), form, container.settings, container.device_id)
    return build_web_app_headers(context)


@click.command("fraud-headers")
@click.option(
    "--connection-method",
    type=click.Choice(["BATCH_PROCESS_DIRECT", "WEB_APP_VIA_SERVER"]),
    default="BATCH_PROCESS_DIRECT",
    show_default=True,
    help="BATCH_PROCESS_DIRECT: an unattended run (the CronJob, `hmrc-sync sync`). "
    "WEB_APP_VIA_SERVER: a sync the owner starts from the status page.",
)
@click.option(
    "--browser-json",
    type=click.Path(dir_okay=False, path_type=Path),
    help="For WEB_APP_VIA_SERVER: a JSON file with the browser data the status page collects.",
)
@click.option("--validate", is_flag=True, help="Also show the local validator's verdict.")
@click.option(
    "--remote",
    is_flag=True,
    help="Ask the configured HMRC validator (sandbox or emulator) instead of the local one; "
    "needs HMRC_SYNC_CLIENT_ID and HMRC_SYNC_CLIENT_SECRET.",
)
@click.option("--json", "as_json", is_flag=True, help="Print headers and verdict as JSON.")
def fraud_headers(
    connection_method: str, browser_json: Path | None, validate: bool, remote: bool, as_json: bool
) -> None:
    """Print the fraud-prevention headers hmrc-sync would send right now from this machine.

    HMRC requires Gov-Client-* and Gov-Vendor-* headers describing how each request was made.
    BATCH_PROCESS_DIRECT collects this machine's device id (stored with the grant), local IPs,
    MAC addresses, time zone, OS and hardware, and the OS user; WEB_APP_VIA_SERVER uses a
    browser's data plus the client's public address as the TLS edge saw it. Values that cannot
    be collected are sent empty, as the specification prescribes.

    Exit code 0 only when the verdict is valid (warnings allowed).

    \b
    Examples:
      hmrc-sync fraud-headers
      hmrc-sync fraud-headers --validate
    """
    from hmrc_sync.fraud_headers import build_batch_headers
    from hmrc_sync.fraud_headers.collector import collect_batch_context
    from hmrc_sync.fraud_headers.validator import validate_headers

    container = make_container()
    try:
        if connection_method == "BATCH_PROCESS_DIRECT":
            headers = build_batch_headers(
                collect_batch_context(device_id=UUID(container.device_id))
            )
        else:
            headers = _web_headers(container, browser_json)
        verdict: dict[str, Any] | None = None
        if remote:
            verdict = _remote_verdict(container, headers)
        elif validate or as_json:
            verdict = validate_headers(headers).as_hmrc_json()
    finally:
        container.close()
    valid = verdict is None or verdict.get("code") != "INVALID_HEADERS"
    if as_json:
        click.echo(json.dumps({"headers": headers, "verdict": verdict}, indent=2))
    else:
        width = max(len(name) for name in headers)
        for name, value in sorted(headers.items()):
            click.echo(f"{name:{width}}  {value}")
        if verdict is not None:
            click.echo("")
            click.echo(f"{verdict.get('code')}: {verdict.get('message', '')}")
            for kind in ("errors", "warnings"):
                for finding in verdict.get(kind) or ():
                    names = ", ".join(finding.get("headers") or ())
                    click.echo(
                        f"  {kind[:-1]} {finding.get('code')} [{names}]: {finding.get('message')}"
                    )
    sys.exit(ExitCode.OK if valid else ExitCode.FAILED)


def _remote_verdict(container: Any, headers: dict[str, str]) -> dict[str, Any]:
    """HMRC's verdict, asked with the stored grant's user-restricted token when there is a
    usable one (HMRC's sandbox validator has refused client-credentials tokens since late
    August 2026), else with client credentials; says which was used, and why a try failed."""
    from hmrc_sync.client.errors import HmrcUnauthorised
    from hmrc_sync.oauth import HmrcAuth, utcnow
    from hmrc_sync.tokenstore import grant_status

    stored = container.token_store.read()
    record = stored.value if stored else None
    tried: list[str] = []
    if grant_status(record, utcnow()).usable:
        try:
            answer = _ask_validator(container, headers, HmrcAuth(container.token_manager))
        except HmrcUnauthorised as exc:
            tried.append(f"your stored grant was refused ({exc.code or exc.status})")
        else:
            click.echo("Validated with your stored grant (a user-restricted token).", err=True)
            return answer
    else:
        tried.append("no usable grant is stored (`hmrc-sync auth login` makes one)")
    token = container.token_endpoint.client_credentials()
    bearer = f"Bearer {token.access_token.get_secret_value()}"
    try:
        answer = _ask_validator(container, headers, None, bearer)
    except HmrcUnauthorised as exc:
        tried.append(f"the application's client-credentials token was refused ({exc.code})")
        raise HmrcUnauthorised(
            "HMRC's validator accepted neither token: " + "; ".join(tried),
            status=exc.status,
            code=exc.code,
        ) from None
    click.echo(
        f"Validated with client credentials ({'; '.join(tried)}).",
        err=True,
    )
    return answer


def _ask_validator(
    container: Any, headers: dict[str, str], auth: Any, bearer: str | None = None
) -> dict[str, Any]:
    from hmrc_sync.client.api import HmrcClient
    from hmrc_sync.client.retry import RequestBudget, RetryPolicy

    http = container.http_client(auth=auth)
    if bearer is not None:
        http.headers["Authorization"] = bearer
    client = HmrcClient(
        http,
        limiter=container.rate_limiter,
        retry=RetryPolicy(),
        budget=RequestBudget(10),
        headers=lambda: headers,
    )
    answer: dict[str, Any] = client.validate_fraud_headers()
    return answer
