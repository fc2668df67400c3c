"""`Wethod-Explain: 1`: the upstream calls of an operation, in its response."""

from __future__ import annotations

from typing import Any

import pytest
from graphql.execution.values import get_variable_values

from tests.conftest import DEMO_HEADERS, Service, fast_settings, start_service
from wethod_graphql.demo import DEMO_COMPANY, DEMO_TOKEN, DemoApi
from wethod_graphql.schema.build import build_schema

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


#: Client 1 twice, a representation refused before any call, an alias.
ENTITIES = """
  _entities(representations: [
    {__typename: "Client", id: "1"}, {__typename: "Client", id: "2"},
    {__typename: "Client", id: "1"}, {__typename: "Nope", id: "3"},
    {__typename: "Client", id: "9999"}
  ]) { ... on Client { id } }
  again: _entities(representations: [{__typename: "Client", id: "2"}]) {
    ... on Client { corporateName }
  }
"""


def planned(query: str) -> bool:
    """Whether a compiled plan, not graphql-core, answers `query`."""
    schema = build_schema()
    (operation,) = schema.operations.prepare(query).operations
    variables = get_variable_values(schema._schema, (), {})
    assert not isinstance(variables, list)
    return operation.plan is not None and operation.plan._shape(variables) is not None


def served(body: dict[str, Any]) -> dict[str, list[list[str | int]]]:
    """Each call's response paths, by the call's path."""
    return {
        call["path"]: sorted(call["paths"])
        for call in body["extensions"]["upstream"]["calls"]
    }


async def test_entities_name_their_index_with_a_plan_or_on_graphql_core(
    service: Service,
) -> None:
    by_plan = f"{{ {ENTITIES} }}"
    # `_service` has no plan: the whole operation runs on graphql-core.
    by_graphql_core = f"{{ {ENTITIES} _service {{ sdl }} }}"
    assert planned(by_plan)
    assert not planned(by_graphql_core)
    with_plan = await service.query(by_plan, headers=EXPLAIN)
    without = await service.query(by_graphql_core, headers=EXPLAIN)
    assert without["data"]["_entities"] == with_plan["data"]["_entities"]
    assert served(without) == served(with_plan)
    assert served(with_plan) == {
        "/api/clients/1": [["_entities", 0], ["_entities", 2]],
        "/api/clients/2": [["_entities", 1], ["again", 0]],
        "/api/clients/9999": [["_entities", 4]],
    }
