"""The shared HTTP session keeps no cookie: one caller's never reaches another.

The demo sets a `wethod_session` cookie on every client answer, as a real API
or its load balancer may. A client that stored it would send acme's session
along with globex's next call.
"""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import DEMO_HEADERS, fast_settings, upstream_client
from wethod_graphql.demo import GLOBEX_COMPANY, GLOBEX_TOKEN, DemoApi
from wethod_graphql.upstream.resources import CLIENTS

from .conftest import caller

GLOBEX = {"authorization": f"Bearer {GLOBEX_TOKEN}", "wethod-company": GLOBEX_COMPANY}


async def test_the_demo_sets_a_cookie(demo: DemoApi) -> None:
    transport = httpx.ASGITransport(app=demo.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://demo") as http:
        response = await http.get(
            "/api/clients/1", headers={**DEMO_HEADERS, "wethod-version": "2024-06-15"}
        )
    assert response.cookies["wethod_session"] == "acme-session"


@pytest.mark.parametrize("rounds", [3])
async def test_no_cookie_is_kept_by_the_production_session(
    demo: DemoApi, loopback: str, rounds: int
) -> None:
    # By name, not by IP: aiohttp's jar ignores cookies from IP addresses.
    by_name = loopback.replace("127.0.0.1", "localhost")
    async with upstream_client(fast_settings(base_url=by_name)) as upstream:
        for _ in range(rounds):
            await upstream.get(CLIENTS, 1, caller(DEMO_HEADERS))
            await upstream.get(CLIENTS, 1, caller(GLOBEX))
    assert len(demo.client_requests()) == 2 * rounds
    assert all("cookie" not in r.headers for r in demo.client_requests())
