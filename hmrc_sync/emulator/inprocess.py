"""Run an ASGI app with uvicorn on a loopback port in a background thread.

Used by ``hmrc-sync demo`` (the emulator in-process) and by the tests (a real HTTP server,
so clients, timeouts and dropped connections behave as they do against HMRC).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn

from hmrc_sync.errors import HmrcSyncError


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def serve_in_thread(app: Any, *, host: str = "127.0.0.1", port: int | None = None) -> Iterator[str]:
    """Yield the base URL (``http://127.0.0.1:PORT``) while the app is being served."""
    chosen = port or free_port(host)
    config = uvicorn.Config(
        app,
        host=host,
        port=chosen,
        log_level="warning",
        access_log=False,
        lifespan="off",
        proxy_headers=False,  # hmrc-sync applies HMRC_SYNC_TRUSTED_PROXIES itself
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"uvicorn-{chosen}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise HmrcSyncError(f"could not start a local server on {host}:{chosen}")
        time.sleep(0.01)
    try:
        yield f"http://{host}:{chosen}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
