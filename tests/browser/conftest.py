"""Playwright harness: the real app under ``streamlit run`` in headless Debian Chromium.

Every test in ``tests/browser`` is marked ``browser`` (deselect with ``-m "not browser"``).
Plain pytest fixtures on ``playwright.sync_api``; pytest-playwright is not used because
Playwright cannot download its own browsers here, so we drive ``/usr/bin/chromium``.

Fixtures: ``app_server`` (base URL, session-scoped), ``browser`` (session-scoped) and
``page`` (a fresh 1400x900 context per test, with ``page.external_requests`` and
``page.page_errors``). Helpers to import in tests::

    from .conftest import assert_no_exception, screenshot, wait_for_app
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Request

REPO_ROOT = Path(__file__).resolve().parents[2]
BROWSER_DIR = Path(__file__).resolve().parent
ARTIFACTS_DIR = REPO_ROOT / "tests" / "artifacts"
SCREENSHOT_DIR = ARTIFACTS_DIR / "screenshots"
SERVER_LOG = ARTIFACTS_DIR / "streamlit-server.log"
CHROMIUM = Path(os.environ.get("WOONZORGATLAS_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SERVER_START_TIMEOUT_S = 60.0
APP_READY_TIMEOUT_MS = 60_000
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
NON_NETWORK_SCHEMES = {"data", "blob", "about", "chrome", "chrome-extension", "devtools"}
# base URL -> reader of that server's console output (for failure messages).
_SERVER_LOGS: dict[str, Callable[[], str]] = {}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test under tests/browser as ``browser`` (before ``-m`` deselection)."""
    for item in items:
        if BROWSER_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


# --- server ---------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _health(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return resp.read().decode("utf-8", "replace").strip()
    except (urllib.error.URLError, OSError):
        return None


# the app server's data directory (saved scenarios and regions), for tests that must reset it
SERVER_DATA_DIR: dict[str, Path] = {}


@pytest.fixture(scope="session")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Start ``streamlit run app.py`` on a free loopback port; yield its base URL.

    The server's console output goes to tests/artifacts/streamlit-server.log.
    """
    app = REPO_ROOT / "app.py"
    if not app.is_file():
        pytest.fail(f"{app} does not exist")
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "WOONZORGATLAS_DATA_DIR": str(SERVER_DATA_DIR.setdefault(
            "path", tmp_path_factory.mktemp("data"))),
        "PYTHONUNBUFFERED": "1",
    }
    cmd = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.headless", "true",
        "--server.address", "127.0.0.1",
        "--server.port", str(port),
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
        "--server.enableStaticServing", "true",
    ]  # fmt: skip
    # A real file, not a pipe, so a chatty server never blocks on a full pipe buffer. The
    # reader opens it separately (no shared file offset with the child).
    SERVER_LOG.parent.mkdir(parents=True, exist_ok=True)
    with SERVER_LOG.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)

    def server_output() -> str:
        return SERVER_LOG.read_text(encoding="utf-8", errors="replace")[-20_000:]

    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    try:
        while _health(f"{base_url}/_stcore/health") != "ok":
            if proc.poll() is not None:
                pytest.fail(
                    f"streamlit exited with code {proc.returncode} before it was healthy.\n"
                    f"command: {' '.join(cmd)}\n--- server output ---\n{server_output()}"
                )
            if time.monotonic() > deadline:
                pytest.fail(
                    f"streamlit was not healthy at {base_url}/_stcore/health after "
                    f"{SERVER_START_TIMEOUT_S:.0f} s.\n--- server output ---\n{server_output()}"
                )
            time.sleep(0.25)
        _SERVER_LOGS[base_url] = server_output
        yield base_url
    finally:
        _SERVER_LOGS.pop(base_url, None)
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


# --- browser --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium driven by Playwright (skipped without it, except under CI)."""
    if not CHROMIUM.exists():
        msg = (
            f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium); "
            "scripts/test.sh does this"
        )
        if os.environ.get("CI"):
            pytest.fail(msg + " (CI is set, so this is a failure, not a skip)")
        pytest.skip(msg)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser: Browser, app_server: str) -> Iterator[Page]:
    """Give each test a new 1400x900 context and page with request and error recording.

    Adds ``page.base_url`` (the app server), ``page.requests`` (every request URL),
    ``page.external_requests`` (URLs to hosts other than loopback; ``data:``, ``blob:``
    and ``about:`` are ignored) and ``page.page_errors`` (uncaught JS errors).
    """
    context = browser.new_context(viewport={"width": 1400, "height": 900}, base_url=app_server)
    context.set_default_timeout(30_000)
    pg = context.new_page()
    pg.base_url = app_server
    pg.requests = []
    pg.external_requests = []
    pg.page_errors = []

    def on_request(request: Request) -> None:
        url = request.url
        pg.requests.append(url)
        parts = urlsplit(url)
        if parts.scheme in NON_NETWORK_SCHEMES:
            return
        if (parts.hostname or "") not in LOCAL_HOSTS:
            pg.external_requests.append(url)

    # Requests from iframes (e.g. the streamlit-folium component) reach the context too.
    context.on("request", on_request)
    pg.on("pageerror", lambda err: pg.page_errors.append(str(err)))
    try:
        yield pg
    finally:
        context.close()


# --- helpers --------------------------------------------------------------------------------


def _server_log_tail(page: Page, limit: int = 6_000) -> str:
    """Return the end of the app server's console output (tracebacks are logged there)."""
    reader = _SERVER_LOGS.get(getattr(page, "base_url", ""))
    return reader()[-limit:] if reader else "(no server output available)"


def wait_for_app(page: Page, *, timeout_ms: int = APP_READY_TIMEOUT_MS) -> None:
    """Wait until the script run has finished and no spinner is visible.

    On a timeout the test fails with the script state and the server's output.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    try:
        page.wait_for_selector(
            "[data-testid='stApp'][data-test-script-state='notRunning']",
            state="attached",
            timeout=timeout_ms,
        )
        page.wait_for_selector("[data-testid='stSpinner']", state="detached", timeout=timeout_ms)
    except PlaywrightTimeoutError:
        app = page.locator("[data-testid='stApp']")
        state = app.get_attribute("data-test-script-state") if app.count() else "(no stApp)"
        pytest.fail(
            f"the app did not finish its script run within {timeout_ms / 1000:.0f} s "
            f"(script state: {state}).\n--- server output ---\n{_server_log_tail(page)}"
        )


def assert_no_exception(page: Page) -> None:
    """Fail if Streamlit shows an exception box (``stException``) on the page.

    The browser only shows a redacted message (``client.showErrorDetails = "none"``), so
    the failure message includes the server output, which holds the traceback.
    """
    boxes = page.locator("[data-testid='stException']")
    if boxes.count():
        texts = "\n---\n".join(boxes.all_inner_texts())
        pytest.fail(
            f"the app shows {boxes.count()} exception(s):\n{texts}\n"
            f"--- server output ---\n{_server_log_tail(page)}"
        )


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page PNG to tests/artifacts/screenshots/<name>.png and return its path."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
