"""Fixtures for tests that drive GraphiQL in a real Chromium through Playwright.

Needs Debian's `chromium` (or `CHROMIUM=/path`) and the `playwright` Python
package; never `playwright install`. Without them the tests skip, unless
CI=true, where they fail. The page loads the GraphiQL files the package
ships, so it works with no internet and nothing installed by hand.
Set GRAPHIQL_SERVER_URL to test a server that is already running instead.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.servers import run_command, unavailable

if TYPE_CHECKING:
    from playwright.sync_api import Browser

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def graphiql_server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of a running `wethod-graphql serve --demo`, as installed."""
    if url := os.environ.get("GRAPHIQL_SERVER_URL"):
        yield url.rstrip("/")
        return
    with run_command(
        [sys.executable, "-m", "wethod_graphql", "serve", "--demo", "--port", "0"],
        tmp_path_factory.mktemp("serve") / "stderr.log",
    ) as running:
        yield running.url


# Module scope: Playwright's sync API keeps an event loop running in this
# thread while it is open, which would break the asyncio tests that follow.
@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright."""
    if not CHROMIUM.is_file():
        unavailable(f"no Chromium at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the playwright package is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def output_dir(tmp_path: Path) -> Path:
    """Where screenshots go: $TEST_OUTPUT_DIR (CI: test-output/) or tmp_path."""
    configured = os.environ.get("TEST_OUTPUT_DIR")
    directory = Path(configured) if configured else tmp_path
    directory.mkdir(parents=True, exist_ok=True)
    return directory
