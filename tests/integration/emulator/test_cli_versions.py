"""``hmrc-sync emulator --deprecate/--retire/--validator-refuses-application-tokens``: the
emulator built from the parsed flags behaves as HMRC does, and a bad value exits 2 naming the
valid choices."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from hmrc_sync.cli import cli
from hmrc_sync.client.endpoints import ApiName
from hmrc_sync.commands.emulator import Options, build, emulator_command
from hmrc_sync.emulator.engine.state import Emulator
from tests.integration.emulator.helpers import VERSIONS, annual_path, api_headers, granted_user


def _started(*args: str) -> tuple[TestClient, Emulator, str]:
    """The emulator app as ``hmrc-sync emulator ARGS`` would serve it, and its client id."""
    with emulator_command.make_context("emulator", ["--rate-limit", "0", *args]) as ctx:
        options = Options.from_command_line(dict(ctx.params))
    app, application = build(options)
    return TestClient(app), app.state.emulator, application.client_id


@pytest.fixture
def started() -> Iterator[list[TestClient]]:
    clients: list[TestClient] = []
    yield clients
    for client in clients:
        client.close()


def _get(client: TestClient, emulator: Emulator, client_id: str, api: ApiName) -> httpx.Response:
    granted = granted_user(emulator, client_id=client_id)
    path = annual_path(api.value, str(granted.user.sa_utr), "2023-24")
    answer: httpx.Response = client.get(
        path, headers=api_headers(granted.access_token, VERSIONS[api.value])
    )
    return answer


def _served(answer: httpx.Response) -> bool:
    """The version was served: data, or the endpoint's own "no data" (not the gateway's 404)."""
    return answer.status_code == 200 or answer.json().get("code") == "NOT_FOUND"


def test_a_retired_version_is_the_gateways_404_and_a_deprecated_one_carries_the_headers(
    started: list[TestClient],
) -> None:
    client, emulator, client_id = _started(
        "--retire",
        "individual-income",
        "--deprecate",
        "individual-tax:1.1@2027-09-01",
        "--deprecate",
        "national-insurance",
    )
    started.append(client)
    retired = _get(client, emulator, client_id, ApiName.INDIVIDUAL_INCOME)
    assert retired.status_code == 404
    assert retired.json()["code"] == "MATCHING_RESOURCE_NOT_FOUND"
    deprecated = _get(client, emulator, client_id, ApiName.INDIVIDUAL_TAX)
    headers = deprecated.headers
    assert _served(deprecated)
    assert headers["Deprecation"].startswith("@")
    assert headers["Sunset"] == "Wed, 01 Sep 2027 00:00:00 GMT"
    assert 'rel="deprecation"' in headers["Link"]
    default_sunset = _get(client, emulator, client_id, ApiName.NATIONAL_INSURANCE)
    assert default_sunset.headers["Sunset"]
    plain = _get(client, emulator, client_id, ApiName.INDIVIDUAL_EMPLOYMENT)
    assert "Deprecation" not in plain.headers
    assert _served(plain)


def test_without_the_flags_nothing_is_deprecated_or_retired(started: list[TestClient]) -> None:
    client, emulator, client_id = _started()
    started.append(client)
    answer = _get(client, emulator, client_id, ApiName.INDIVIDUAL_INCOME)
    assert "Deprecation" not in answer.headers
    assert _served(answer)


def _validate_with_an_application_token(client: TestClient, client_id: str, secret: str) -> int:
    token = client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
    )
    assert token.status_code == 200, token.text
    answer = client.get(
        "/test/fraud-prevention-headers/validate",
        headers=api_headers(token.json()["access_token"], "1.0"),
    )
    if answer.status_code == 401:
        assert answer.json()["code"] == "INVALID_CREDENTIALS"
    status: int = answer.status_code
    return status


@pytest.mark.parametrize(
    ("flag", "status"), [((), 200), (("--validator-refuses-application-tokens",), 401)]
)
def test_the_validator_can_refuse_application_tokens(
    started: list[TestClient], flag: tuple[str, ...], status: int
) -> None:
    args = ("--client-id", "flag-app", "--client-secret", "flag-secret", *flag)
    client, _, client_id = _started(*args)
    started.append(client)
    assert _validate_with_an_application_token(client, client_id, "flag-secret") == status


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--deprecate", "individual-tx"], "choose one of: individual-tax, individual-income"),
        (["--retire", "test-fraud-prevention-headers"], "individuals-employments-income"),
        (["--retire", "individual-tax:9.9"], "it serves 1.1"),
        (["--retire", "individual-tax@2027-09-01"], "a retired version has no sunset date"),
        (["--deprecate", "individual-tax@1 Sep 2027"], "must be YYYY-MM-DD"),
        (
            ["--deprecate", "individual-tax", "--retire", "individual-tax"],
            "individual-tax:1.1 cannot be both deprecated and retired",
        ),
    ],
)
def test_a_bad_value_exits_2_and_names_the_choices(args: list[str], said: str) -> None:
    result = CliRunner().invoke(cli, ["emulator", *args, "--port", "0"])
    assert result.exit_code == 2, result.output
    assert said in result.output
    assert "Traceback" not in result.output
    assert "HMRC emulator on" not in result.output  # nothing started


@pytest.mark.parametrize(
    ("flags", "level"), [([], "info"), (["-q"], "error"), (["--verbose"], "debug")]
)
def test_verbose_and_quiet_set_the_servers_log_level(
    monkeypatch: pytest.MonkeyPatch, flags: list[str], level: str
) -> None:
    import uvicorn

    served: dict[str, object] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: served.update(options))
    result = CliRunner().invoke(cli, ["emulator", "--port", "0", "--rate-limit", "0", *flags])
    assert result.exit_code == 0, result.output
    assert served["log_level"] == level
    assert "HMRC_SYNC_API_BASE_URL" in result.output, "the banner came first"
