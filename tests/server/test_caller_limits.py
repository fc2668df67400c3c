"""Per-caller limits over HTTP: 429 with Retry-After for a request over its
caller's budget, RATE_LIMITED fields for calls past it, one bucket per caller."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.conftest import DEMO_HEADERS, Service, codes, fast_settings, start_service
from wethod_graphql.demo import GLOBEX_COMPANY, GLOBEX_TOKEN, DemoApi

GLOBEX_HEADERS = {
    "authorization": f"Bearer {GLOBEX_TOKEN}",
    "wethod-company": GLOBEX_COMPANY,
}
ONE = '{ client(id: "1") { id } }'


@pytest.fixture
async def limited(
    demo: DemoApi, request: pytest.FixtureRequest
) -> AsyncIterator[Service]:
    settings = fast_settings(**request.param)
    async with start_service(settings, demo) as running:
        yield running


async def post(
    service: Service, query: str, headers: dict[str, str] = DEMO_HEADERS
) -> httpx.Response:
    return await service.http.post("/graphql", json={"query": query}, headers=headers)


def refused_body(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 429
    body: dict[str, Any] = response.json()
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert response.headers["retry-after"] == str(error["extensions"]["retryAfter"])
    assert "not the Wethod API's" in error["message"]
    return body


@pytest.mark.parametrize(
    "limited", [{"rate_limit_requests": 0.01, "rate_limit_burst": 100}], indirect=True
)
async def test_a_request_over_the_callers_limit_is_429_and_runs_nothing(
    limited: Service,
) -> None:
    assert (await post(limited, ONE)).json() == {"data": {"client": {"id": "1"}}}
    refused = await post(limited, ONE)
    body = refused_body(refused)
    assert body["errors"][0]["extensions"]["limit"] == "requests"
    assert body["errors"][0]["extensions"]["retryAfter"] == 100  # 1 / 0.01 s
    assert "upstream" not in body["errors"][0]["extensions"]
    assert len(limited.demo.client_requests()) == 1
    # Another caller has its own bucket.
    other = await post(limited, '{ client(id: "1") { id } }', GLOBEX_HEADERS)
    assert other.json() == {"data": {"client": {"id": "1"}}}


@pytest.mark.parametrize(
    "limited",
    [{"rate_limit_upstream_calls": 0.01, "rate_limit_burst": 300}],  # 3 calls
    indirect=True,
)
async def test_calls_past_the_callers_budget_fail_alone_then_requests_are_429(
    limited: Service,
) -> None:
    answered = await post(limited, '{ clients(ids: ["1", "2", "3", "4", "5"]) { id } }')
    body = answered.json()
    assert answered.status_code == 200
    assert body["data"]["clients"][:3] == [{"id": "1"}, {"id": "2"}, {"id": "3"}]
    assert body["data"]["clients"][3:] == [None, None]
    assert codes(body) == ["RATE_LIMITED", "RATE_LIMITED"]
    assert {e["extensions"]["limit"] for e in body["errors"]} == {"upstreamCalls"}
    assert len(limited.demo.client_requests()) == 3
    refused = await post(limited, ONE)
    assert refused_body(refused)["errors"][0]["extensions"]["limit"] == "upstreamCalls"
    assert len(limited.demo.client_requests()) == 3


@pytest.mark.parametrize("limited", [{}], indirect=True)
async def test_no_limit_by_default(limited: Service) -> None:
    for _ in range(20):
        assert (await post(limited, ONE)).status_code == 200


@pytest.mark.parametrize(
    "limited",
    [{"rate_limit_upstream_calls": 0.01, "rate_limit_burst": 100}],  # 1 call
    indirect=True,
)
async def test_a_page_of_a_list_draws_on_the_same_budget(limited: Service) -> None:
    page = "{ clientsConnection(first: 2) { edges { node { id } } } }"
    answered = await post(limited, page)
    assert answered.json() == {
        "data": {
            "clientsConnection": {
                "edges": [{"node": {"id": "1"}}, {"node": {"id": "2"}}]
            }
        }
    }
    refused = await post(limited, page)
    assert refused_body(refused)["errors"][0]["extensions"]["limit"] == "upstreamCalls"
