"""`Wethod-Explain: 1`: the upstream calls of an operation, in its response."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import DEMO_HEADERS, Service, fast_settings, start_service
from wethod_graphql.demo import DEMO_COMPANY, DEMO_TOKEN, DemoApi

EXPLAIN = {**DEMO_HEADERS, "wethod-explain": "1"}

OPERATION = """query Explained($id: ID!) {
  one: client(id: $id) { id externalIdentifiers { id } }
  again: client(id: $id) { corporateName }
  clients(ids: ["2", "9999"]) { id }
}"""


@pytest.fixture
def settings() -> Any:
    return fast_settings(explain=True)


async def test_each_call_with_its_paths_and_the_totals(service: Service) -> None:
    service.demo.faults.fail(2, 503, times=1)
    body = await service.query(OPERATION, {"id": "1"}, headers=EXPLAIN)
    upstream = body["extensions"]["upstream"]
    calls = sorted(upstream["calls"], key=lambda call: call["path"])
    for call in calls:
        assert call.pop("durationMs") >= 0
    assert calls == [
        {
            "method": "GET",
            "path": "/api/clients/1",
            "query": "deleted=exclude&include=externalIdentifiers",
            "attempts": 1,
            "status": 200,
            "paths": [["one"], ["again"]],
        },
        {
            "method": "GET",
            "path": "/api/clients/2",
            "query": "deleted=exclude",
            "attempts": 2,
            "status": 200,
            "paths": [["clients", 0]],
        },
        {
            "method": "GET",
            "path": "/api/clients/9999",
            "query": "deleted=exclude",
            "attempts": 1,
            "status": 404,
            "paths": [["clients", 1]],
        },
    ]
    totals = upstream["totals"]
    assert totals["calls"] == 3 == len(service.demo.client_requests()) - 1
    assert totals["attempts"] == len(service.demo.client_requests())
    # Nothing of the caller's credentials or variables is echoed.
    text = str(upstream)
    assert DEMO_TOKEN not in text
    assert DEMO_COMPANY not in text


async def test_a_call_that_got_no_answer_names_why(service: Service) -> None:
    service.demo.faults.invalid_body(1, times=1)
    body = await service.query('{ client(id: "1") { id } }', headers=EXPLAIN)
    (call,) = body["extensions"]["upstream"]["calls"]
    assert call["status"] == 200
    assert call["error"] == "invalid_body"
    assert body["errors"][0]["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"


async def test_not_without_the_header(service: Service) -> None:
    body = await service.query('{ client(id: "1") { id } }')
    assert "extensions" not in body


async def test_not_unless_allowed(demo: DemoApi) -> None:
    # Explain reveals timing: off unless WETHOD_EXPLAIN=true (or --demo).
    async with start_service(fast_settings(), demo) as service:
        body = await service.query('{ client(id: "1") { id } }', headers=EXPLAIN)
    assert "extensions" not in body


async def test_always_allowed_in_demo_mode(demo: DemoApi) -> None:
    async with start_service(fast_settings(demo=True), demo) as service:
        body = await service.query('{ client(id: "1") { id } }', headers=EXPLAIN)
    assert body["extensions"]["upstream"]["totals"]["calls"] == 1


async def test_an_operation_refused_before_any_call(service: Service) -> None:
    body = await service.query('{ client(id: "x") { id } }', headers=EXPLAIN)
    assert body["extensions"]["upstream"] == {
        "calls": [],
        "totals": {"calls": 0, "attempts": 0, "durationMs": 0},
    }
    assert service.demo.client_requests() == []
