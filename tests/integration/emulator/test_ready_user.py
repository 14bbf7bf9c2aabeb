"""``hmrc-sync emulator`` is ready to use: a starter test user with seeded tax years, seed
users listed with their passwords, ``add-user``, no option silently ignored, and ``/``."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from click.testing import CliRunner
from fastapi.testclient import TestClient

from hmrc_sync.cli import cli
from hmrc_sync.commands.emulator import Options, banner, build, ready_users
from hmrc_sync.emulator.config import DEFAULT_REDIRECT_URI, EmulatorConfig
from hmrc_sync.emulator.inprocess import serve_in_thread
from hmrc_sync.taxyear import TaxYear
from tests.support.shared import REPO_ROOT

TODAY = dt.date(2026, 12, 7)
EXAMPLE_SEED = REPO_ROOT / "docs" / "examples" / "emulator-seed.json"


def _pay(body: dict[str, object]) -> list[str]:
    return sorted(re.findall(r'"payFromEmployment":\s*([\d.]+)', json.dumps(body)))


def test_started_plainly_it_makes_a_ready_user_with_three_years() -> None:
    options = Options()
    app, application = build(options)
    users = ready_users(app, options, today=TODAY)
    assert len(users) == 1
    user = users[0]
    assert user.password is not None
    emulator = app.state.emulator
    assert emulator.sign_in(user.user_id, user.password) is not None
    assert user.sa_utr is not None
    assert user.nino is not None
    current = TaxYear.containing(TODAY)
    years = [current.previous().previous(), current.previous(), current]
    bodies = [emulator.annual_summary("individual-employment", user.sa_utr, y) for y in years]
    assert all(body is not None for body in bodies)
    employers = [len(body["employments"]) for body in bodies if body is not None]
    assert employers == [1, 2, 1], "a change of job in the previous year"
    assert emulator.availability_status(user.sa_utr, years[0]) == "AVAILABLE"
    assert emulator.availability_status(user.sa_utr, current) != "AVAILABLE"

    text = banner(options, application, users)
    assert f"export HMRC_SYNC_UTR={user.sa_utr}" in text
    assert f"export HMRC_SYNC_NINO={user.nino}" in text
    assert f"user id {user.user_id}  password {user.password}" in text
    assert "hmrc-sync emulator add-user" in text


def test_seed_users_are_listed_with_their_passwords_and_no_starter_is_added() -> None:
    options = Options(config=EmulatorConfig(seed_file=EXAMPLE_SEED))
    app, application = build(options)
    users = ready_users(app, options, today=TODAY)
    seed = json.loads(EXAMPLE_SEED.read_text(encoding="utf-8"))
    assert [(u.user_id, u.password) for u in users] == [
        (item["userId"], item["password"]) for item in seed["users"]
    ]
    assert application.client_id == seed["applications"][0]["clientId"]
    text = banner(options, application, users)
    assert "export HMRC_SYNC_UTR=1000057161" in text
    assert "export HMRC_SYNC_NINO=PE938808A" in text


def test_a_restart_on_the_same_state_adds_no_second_starter(tmp_path: Path) -> None:
    options = Options(config=EmulatorConfig(state_file=tmp_path / "state.json"))
    first = ready_users(build(options)[0], options, today=TODAY)
    again = ready_users(build(options)[0], options, today=TODAY)
    assert [u.user_id for u in again] == [u.user_id for u in first]
    assert again[0].password is None, "the state keeps only a hash"
    assert "(as printed when it was made)" in banner(options, build(options)[1], again)


def test_redirect_uri_is_added_to_an_application_reused_from_state(tmp_path: Path) -> None:
    state = EmulatorConfig(state_file=tmp_path / "state.json")
    _, first = build(Options(config=state))
    assert first.redirect_uris == (DEFAULT_REDIRECT_URI,)
    wanted = "http://127.0.0.1:8080/callback"
    _, reused = build(Options(config=state, redirect_uris=(wanted,)))
    assert reused.client_id == first.client_id
    assert reused.redirect_uris == (DEFAULT_REDIRECT_URI, wanted)
    _, after_restart = build(Options(config=state))
    assert wanted in after_restart.redirect_uris


def test_emulator_options_with_a_subcommand_are_refused() -> None:
    result = CliRunner().invoke(cli, ["emulator", "--port", "9191", "add-user"])
    assert result.exit_code == 2
    assert "apply when starting it" in result.output


def test_the_home_page_says_what_it_is_and_what_to_do() -> None:
    app, _ = build(Options())
    with TestClient(app) as client:
        response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "HMRC emulator" in response.text
    assert "hmrc-sync auth login" in response.text


def test_add_user_makes_a_ready_user_on_a_running_emulator() -> None:
    options = Options(config=EmulatorConfig(rate_limit=0))
    app, application = build(options)
    secret = application.client_secret.get_secret_value()
    with serve_in_thread(app) as url:
        result = CliRunner().invoke(
            cli,
            ["emulator", "add-user"],
            env={
                "HMRC_SYNC_API_BASE_URL": url,
                "HMRC_SYNC_CLIENT_ID": application.client_id,
                "HMRC_SYNC_CLIENT_SECRET": secret,
            },
        )
    assert result.exit_code == 0, result.output
    found = re.search(r"user id (\d+)  password (\S+)", result.output)
    assert found is not None
    emulator = app.state.emulator
    user = emulator.sign_in(found.group(1), found.group(2))
    assert user is not None
    assert f"export HMRC_SYNC_UTR={user.sa_utr}" in result.output
    year = TaxYear.containing(emulator.today()).previous()
    body = emulator.annual_summary("individual-employment", user.sa_utr, year)
    assert body is not None
    assert len(body["employments"]) == 2


def test_add_user_with_no_emulator_says_how_to_start_one() -> None:
    # Nothing listens on loopback port 9 (discard), so the connection is refused.
    result = CliRunner().invoke(
        cli,
        ["emulator", "add-user", "--url", "http://127.0.0.1:9"],
        env={"HMRC_SYNC_CLIENT_ID": "x", "HMRC_SYNC_CLIENT_SECRET": "y"},
    )
    assert result.exit_code == 4
    assert "start it with `hmrc-sync emulator`" in result.output
