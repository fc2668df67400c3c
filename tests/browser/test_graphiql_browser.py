"""GraphiQL in a real browser against the real service in demo mode.

Proves what a unit test cannot: the page renders from local assets with no
internet, runs the default operation, shows errors, talks to no other host,
and leaves no request header in the browser's storage.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Request

# Client 1 of the demo data; the demo default operation selects its corporateName.
DEMO_CLIENT_TEXT = "Rossi Arredamenti S.r.l."
MISSING_QUERY = '{ client(id: "999999") { id } }'

QUERY_EDITOR = ".graphiql-query-editor .CodeMirror"
RESULT = ".result-window .CodeMirror"
HEADERS_TAB = "button[data-name='headers']"
HEADERS_EDITOR = ".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror"
RUN = ".graphiql-execute-button"
TIMEOUT_MS = 15_000
DEBOUNCE_MS = 300  # GraphiQL debounces editor changes by 100 ms
STORE_MS = 1_200  # ... and writes to storage 500 ms after the last change

pytestmark = pytest.mark.browser


def _editor_text(page: Page, selector: str) -> str:
    text = page.locator(selector).first.evaluate("e => e.CodeMirror.getValue()")
    assert isinstance(text, str)
    return text


def _replace_text(page: Page, selector: str, text: str) -> None:
    """Select all and put `text` in, as a paste would (no bracket auto-closing)."""
    page.locator(selector).first.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(text)
    assert _editor_text(page, selector) == text
    # GraphiQL reads the operation name and headers 100 ms after an edit.
    page.wait_for_timeout(DEBOUNCE_MS)


def _run_and_wait_for(page: Page, text: str) -> str:
    page.locator(RUN).click()
    page.wait_for_function(
        """([sel, text]) => {
            const e = document.querySelector(sel);
            return e && e.CodeMirror && e.CodeMirror.getValue().includes(text);
        }""",
        arg=[RESULT, text],
        timeout=TIMEOUT_MS,
    )
    return _editor_text(page, RESULT)


def _stored(page: Page) -> str:
    """Everything the page left in localStorage and sessionStorage, as text."""
    text = page.evaluate(
        "() => JSON.stringify([{...localStorage}, {...sessionStorage}])"
    )
    assert isinstance(text, str)
    return text


def test_graphiql_works_offline_and_keeps_no_headers(
    chromium: Browser, graphiql_server_url: str, output_dir: Path
) -> None:
    context = chromium.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    requests: list[Request] = []
    problems: list[str] = []
    page.on("request", lambda r: requests.append(r))
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on(
        "console",
        lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None,
    )
    try:
        page.goto(f"{graphiql_server_url}/graphql", wait_until="networkidle")
        page.wait_for_selector(QUERY_EDITOR, timeout=TIMEOUT_MS)

        # The default operation answers with the demo's client 1.
        assert _editor_text(page, QUERY_EDITOR).strip()
        result = _run_and_wait_for(page, DEMO_CLIENT_TEXT)
        assert DEMO_CLIENT_TEXT in result
        # Demo mode sends Wethod-Explain: 1; the result pane shows the calls.
        assert '"path": "/api/clients/1"' in result
        assert '"totals"' in result
        page.screenshot(path=str(output_dir / "graphiql-demo-result.png"))

        _replace_text(page, QUERY_EDITOR, MISSING_QUERY)
        assert "NOT_FOUND" in _run_and_wait_for(page, "NOT_FOUND")
        page.screenshot(path=str(output_dir / "graphiql-not-found.png"))

        # A header typed in GraphiQL is sent, but never stored in the browser.
        marker = f"graphiql-test-{uuid.uuid4().hex}"
        page.locator(HEADERS_TAB).click()
        _replace_text(page, HEADERS_EDITOR, f'{{"X-Request-Id": "{marker}"}}')
        _run_and_wait_for(page, "NOT_FOUND")
        sent = [
            r for r in requests if r.method == "POST" and marker in r.headers.values()
        ]
        assert sent, "the typed header was not sent with the query"
        page.wait_for_timeout(STORE_MS)
        stored = _stored(page)
        assert "999999" in stored, "GraphiQL stored no history: the check is moot"
        assert marker not in stored
        page.reload(wait_until="networkidle")
        page.wait_for_selector(QUERY_EDITOR, timeout=TIMEOUT_MS)
        assert marker not in _stored(page)
        page.locator(HEADERS_TAB).click()
        assert marker not in _editor_text(page, HEADERS_EDITOR)
    finally:
        page.screenshot(path=str(output_dir / "graphiql-final.png"))
        context.close()

    server = urlsplit(graphiql_server_url).netloc
    foreign = sorted(
        {
            r.url
            for r in requests
            if urlsplit(r.url).scheme not in ("data", "blob", "about")
            and urlsplit(r.url).netloc != server
        }
    )
    assert foreign == [], f"requests to other hosts: {foreign}"
    assert problems == []
