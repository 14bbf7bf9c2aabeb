"""The database URL is a secret everywhere: one masking function for its userinfo password and
its secret query values, and a scrub for text that may repeat them (a driver's message)."""

from __future__ import annotations

import pytest

from hmrc_sync.db.urls import database_secrets, database_url_problem, mask_database_url, scrub


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("postgresql://hmrc:s3cret@db:5432/hmrc", "postgresql://hmrc:***@db:5432/hmrc"),
        (
            "postgresql://hmrc@db/hmrc?password=q-secret&sslmode=require",
            "postgresql://hmrc@db/hmrc?password=***&sslmode=require",
        ),
        (
            "postgresql://hmrc:a@db/h?sslpassword=k-secret&PassWord=x&pass%77ord=y",
            "postgresql://hmrc:***@db/h?sslpassword=***&PassWord=***&pass%77ord=***",
        ),
        (
            "postgresql:///hmrc?host=/run/pg&password=pw",
            "postgresql:///hmrc?host=/run/pg&password=***",
        ),
        # SQLAlchemy reads the password up to the first '@': '/', '?' and ':' belong to it.
        ("postgresql://u:p/x?y:z@h/db", "postgresql://u:***@h/db"),
        ("postgresql://u:@h/db", "postgresql://u:***@h/db"),
        ("postgresql://u@h/db", "postgresql://u@h/db"),
        ("sqlite:////var/lib/hmrc-sync/db.sqlite", "sqlite:////var/lib/hmrc-sync/db.sqlite"),
        ("user:secret@host", "<database URL>"),
    ],
)
def test_masking_hides_every_password(raw: str, shown: str) -> None:
    assert mask_database_url(raw) == shown


def test_the_secrets_are_listed_as_written_and_decoded() -> None:
    secrets = database_secrets("postgresql://u:p%40ss@h/db?password=two+words&sslmode=x")
    assert set(secrets) == {"p%40ss", "p@ss", "two+words", "two words"}
    assert database_secrets("postgresql://u@h/db") == []


def test_scrub_removes_the_url_its_secrets_and_any_password_pair() -> None:
    url = "postgresql://u:zz9-secret@h/db?sslpassword=k3y-secret"
    text = (
        f"failed for {url}: zz9-secret rejected; k3y-secret bad; "
        "password=other-secret host=h; passfile = '/x y'"
    )
    cleaned = scrub(text, url)
    for secret in ("zz9-secret", "k3y-secret", "other-secret", "/x y"):
        assert secret not in cleaned
    assert "postgresql://u:***@h/db?sslpassword=***" in cleaned
    assert "host=h" in cleaned


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("postgresql://u@h:abc/db", "the port 'abc' is not a number"),
        ("postgresql://u:pw@h:99999/db", "the port '99999' is not a number"),
        ("postgresql://u@h:\uff15\uff14\uff13\uff12/db", "is not a number"),  # full-width digits
        ("postgresql://u@h:5432/db", None),
        ("postgresql://u@h/db", None),
        ("postgresql://u@[::1]:5432/db", None),
        ("postgresql://u:a:b@h/db", None),  # a ':' in the password is no port
        ("sqlite:////tmp/a:b.db", None),
    ],
)
def test_a_port_must_be_a_number(raw: str, problem: str | None) -> None:
    found = database_url_problem(raw)
    if problem is None:
        assert found is None
    else:
        assert found is not None
        assert problem in found
        assert "pw" not in found
