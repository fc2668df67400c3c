"""`serve_in_thread`: the demo API on a loopback port of its own, as `serve --demo` runs it."""

from __future__ import annotations

import httpx
import pytest

from wethod_graphql.demo import DEMO_COMPANY, DEMO_TOKEN, DemoApi, serve_in_thread

HEADERS = {
    "authorization": f"Bearer {DEMO_TOKEN}",
    "wethod-company": DEMO_COMPANY,
    "wethod-version": "2024-06-15",
}


def test_it_answers_over_loopback_until_the_block_ends() -> None:
    api = DemoApi()
    with serve_in_thread(api) as base_url:
        assert base_url.startswith("http://127.0.0.1:")
        response = httpx.get(f"{base_url}/api/clients/1", headers=HEADERS)
        assert response.status_code == 200
        assert response.json()["id"] == 1
    assert [r.client_id for r in api.client_requests()] == [1]
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{base_url}/api/clients/1", headers=HEADERS)


def test_a_server_that_cannot_start_is_an_error() -> None:
    with (
        pytest.raises(RuntimeError, match="did not start"),
        serve_in_thread(DemoApi(), host="203.0.113.1"),
    ):
        pass  # pragma: no cover - never entered
