"""Screenshots of the status page from the demo's data (see scripts/screenshots)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
IMAGES = ROOT / "docs" / "images"
CHROMIUM = os.environ.get("HMRC_SYNC_CHROMIUM", "/usr/bin/chromium")
ADMIN = "screenshot-admin-token-0123456789abcdef"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def main() -> None:
    with tempfile.TemporaryDirectory() as home:
        env = {
            **os.environ,
            "HOME": home,
            "XDG_DATA_HOME": f"{home}/data",
            "XDG_CONFIG_HOME": f"{home}/config",
            "HMRC_SYNC_ADMIN_TOKEN": ADMIN,
        }
        subprocess.run(
            [sys.executable, "-m", "hmrc_sync", "demo"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        port = _free_port()
        server = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "hmrc_sync", "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            url = f"http://127.0.0.1:{port}/"
            for _ in range(300):  # until the service answers its health check
                try:
                    with urllib.request.urlopen(url + "healthz", timeout=1):  # noqa: S310
                        break
                except OSError:
                    time.sleep(0.1)
            IMAGES.mkdir(parents=True, exist_ok=True)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=["--headless=new", "--no-sandbox"]
                )
                for width, name in ((1280, "status-page.png"), (390, "status-page-phone.png")):
                    page = browser.new_page(viewport={"width": width, "height": 900})
                    page.goto(url)
                    page.get_by_label("Admin token").fill(ADMIN)
                    page.get_by_role("button", name="Continue").click()
                    page.wait_for_load_state("load")
                    page.screenshot(path=str(IMAGES / name), full_page=width == 1280)
                    print(f"wrote {IMAGES / name}")
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
