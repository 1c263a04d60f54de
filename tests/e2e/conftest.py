"""Browser fixtures: the real app served over HTTP on 127.0.0.1, a headless Chromium,
and map tiles served locally, so a browser test never leaves the machine.

Reusable by every browser test:
    browser         session-wide headless Chromium (Debian's /usr/bin/chromium)
    live_server     factory: live_server(app) -> "http://127.0.0.1:<port>"
    demo_server     the demo inventory served, with local tiles -> base URL
    context, page   a fresh browser context / page (French locale); every request the page
                    makes is appended to `requested_urls`
    assert_only_local(urls)   every URL on 127.0.0.1 / localhost (or data:/blob:)
    add_test_tiles(app)       serves /test-tiles/{z}/{x}/{y}.png (TILE_URL of the test apps)
    screenshot_path(name)     test-artifacts/screenshots/<name>.png (directories created)
If Chromium is missing the browser tests are skipped, unless FINDER_REQUIRE_BROWSER=1.
"""
from __future__ import annotations

import os
import shutil
import socket
import struct
import threading
import zlib
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import make_server

from finder.config import PROJECT_ROOT

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
TILE_RULE = "/test-tiles/<int:z>/<int:x>/<int:y>.png"


def tile_png(size: int = 256, rgb: tuple[int, int, int] = (0xE9, 0xE7, 0xE0)) -> bytes:
    """A plain PNG tile, made here (no image library needed)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    row = b"\x00" + bytes(rgb) * size
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(row * size, 9))
            + chunk(b"IEND", b""))


_TILE = tile_png()


def add_test_tiles(app) -> list:
    """Serve plain tiles at TILE_RULE on app (before its first request). Returns the hit log."""
    hits: list = []
    if "test_tiles" in app.view_functions:
        return app.config.setdefault("TEST_TILE_HITS", hits)

    def test_tiles(z: int, x: int, y: int):
        hits.append((z, x, y))
        return _TILE, 200, {"Content-Type": "image/png", "Cache-Control": "max-age=3600"}
    app.add_url_rule(TILE_RULE, "test_tiles", test_tiles)
    app.config["TEST_TILE_HITS"] = hits
    return hits


def assert_only_local(urls) -> None:
    """Every URL the page requested stayed on this machine."""
    outside = [u for u in urls
               if not (u.startswith(("data:", "blob:", "about:"))
                       or urlsplit(u).hostname in LOCAL_HOSTS)]
    assert not outside, f"requests outside the local server: {outside}"


def screenshot_path(name: str) -> Path:
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{name}.png"


def free_port() -> int:
    """A port to give an app as its FINDER_PUBLIC_BASE_URL before serving it there."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """A werkzeug server on 127.0.0.1, port chosen by the system, in a thread."""

    def __init__(self, app, port: int = 0):
        self.app = app
        self.server = make_server("127.0.0.1", port, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        message = "Chromium not found (make browser, or apt-get install chromium)"
        if os.environ.get("FINDER_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:                                   # pragma: no cover
        if os.environ.get("FINDER_REQUIRE_BROWSER") == "1":
            pytest.fail("playwright is not installed")
        pytest.skip("playwright is not installed")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path,
                                              args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def live_server():
    servers: list[LiveServer] = []

    def serve(app, port: int = 0) -> str:
        server = LiveServer(app, port)
        servers.append(server)
        return server.url
    yield serve
    for server in servers:
        server.stop()


@pytest.fixture
def demo_server(demo_app, live_server) -> str:
    add_test_tiles(demo_app)
    return live_server(demo_app)


@pytest.fixture
def requested_urls() -> list:
    return []


@pytest.fixture
def context(browser):
    ctx = browser.new_context(locale="fr-BE", viewport={"width": 1280, "height": 900})
    yield ctx
    ctx.close()


@pytest.fixture
def page(context, requested_urls):
    new = context.new_page()
    new.on("request", lambda request: requested_urls.append(request.url))
    new.set_default_timeout(15000)
    yield new
    new.close()
