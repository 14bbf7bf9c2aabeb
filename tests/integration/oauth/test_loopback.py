"""The installed-app callback listener: a callback with another state is answered 400 and
ignored, and the listener keeps waiting for this sign-in's own answer."""

from __future__ import annotations

import httpx

from hmrc_sync.emulator.inprocess import free_port
from hmrc_sync.oauth.loopback import LoopbackCallback


def test_a_callback_for_another_sign_in_is_ignored_and_the_right_one_accepted() -> None:
    port = free_port()
    uri = f"http://127.0.0.1:{port}/oauth/callback"
    with LoopbackCallback(uri, expected_state="this-sign-in") as callback:
        stray = httpx.get(f"{uri}?code=stolen&state=someone-else", timeout=5)
        assert stray.status_code == 400
        assert "does not belong" in stray.text
        ours = httpx.get(f"{uri}?code=the-code&state=this-sign-in", timeout=5)
        assert ours.status_code == 200
        result = callback.wait(5)
    assert (result.code, result.state) == ("the-code", "this-sign-in")
