"""`/graphql`'s own steps: parameters, refusals, the answer's shape and hooks."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from graphql import GraphQLError
from strawberry.types import ExecutionResult

from tests.conftest import DEMO_HEADERS, Service, codes, fast_settings
from tests.demo_host import serving
from wethod_graphql.demo import DemoApi
from wethod_graphql.resolvers.context import Context
from wethod_graphql.server.app import create_app
from wethod_graphql.server.endpoint import Answer, Hooks, answer_of
from wethod_graphql.server.media import GRAPHQL_RESPONSE
from wethod_graphql.server.params import GraphQLParams, Refused
from wethod_graphql.upstream import Caller

MODERN = {**DEMO_HEADERS, "accept": GRAPHQL_RESPONSE}


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/graphql", "application/jsonx", None]
)
async def test_a_body_not_json_is_415_naming_json(
    service: Service, content_type: str | None
) -> None:
    headers = dict(DEMO_HEADERS)
    if content_type is not None:
        headers["content-type"] = content_type
    response = await service.http.post(
        "/graphql", content=b'{"query": "{ __typename }"}', headers=headers
    )
    assert response.status_code == 415
    assert codes(response.json()) == ["BAD_REQUEST"]
    assert "application/json" in response.json()["errors"][0]["message"]


async def test_json_with_a_charset_is_served(service: Service) -> None:
    response = await service.http.post(
        "/graphql",
        content=b'{"query": "{ __typename }"}',
        headers={**DEMO_HEADERS, "content-type": "Application/JSON; charset=utf-8"},
    )
    assert response.json() == {"data": {"__typename": "Query"}}


async def test_a_batch_is_refused_as_such(service: Service) -> None:
    response = await service.http.post(
        "/graphql", json=[{"query": "{ __typename }"}], headers=MODERN
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == GRAPHQL_RESPONSE
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert "Batched operations" in error["message"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"query": 1}, "query"),
        ({"query": "{ __typename }", "operationName": 1}, "operationName"),
        ({"query": "{ __typename }", "variables": [1]}, "variables"),
        ({"query": "{ __typename }", "extensions": "x"}, "extensions"),
    ],
)
async def test_parameters_of_the_wrong_type_are_400(
    service: Service, body: dict[str, Any], field: str
) -> None:
    response = await service.http.post("/graphql", json=body, headers=DEMO_HEADERS)
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert f"`{field}`" in error["message"]


@pytest.mark.parametrize(
    "params",
    [{}, {"query": ""}, {"query": "{ __typename }", "variables": "{"}],
    ids=["no query", "empty query", "variables not JSON"],
)
async def test_get_without_a_usable_query_is_400(
    service: Service, params: dict[str, str]
) -> None:
    response = await service.http.get("/graphql", params=params, headers=MODERN)
    assert response.status_code == 400
    assert codes(response.json()) == ["BAD_REQUEST"]


async def test_get_runs_queries_only(service: Service) -> None:
    for operation in ("mutation { nope }", "subscription { nope }"):
        response = await service.http.get(
            "/graphql", params={"query": operation}, headers=MODERN
        )
        assert response.status_code == 400
        assert codes(response.json()) == ["BAD_REQUEST"]
    assert service.demo.requests == []


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"])
async def test_other_methods_are_405_with_allow(service: Service, method: str) -> None:
    response = await service.http.request(method, "/graphql", headers=DEMO_HEADERS)
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"
    if method != "HEAD":  # a HEAD answer has no body
        assert codes(response.json()) == ["METHOD_NOT_ALLOWED"]


async def test_field_errors_keep_their_full_shape(service: Service) -> None:
    response = await service.http.post(
        "/graphql",
        json={"query": '{ a: client(id: "1") { id } b: client(id: "9999") { id } }'},
        headers=MODERN,
    )
    assert response.json() == {
        "data": {"a": {"id": "1"}, "b": None},
        "errors": [
            {
                "message": "Client 9999 was not found.",
                "locations": [{"line": 1, "column": 29}],
                "path": ["b"],
                "extensions": {
                    "code": "NOT_FOUND",
                    "upstream": {"status": 404, "key": "not_found"},
                },
            }
        ],
    }


async def test_non_ascii_text_goes_out_as_utf8(service: Service) -> None:
    response = await service.http.post(
        "/graphql", json={"query": '{ client(id: "è") { id } }'}, headers=MODERN
    )
    assert "'è'".encode() in response.content
    assert response.json()["data"] == {"client": None}


def test_answers_keep_data_errors_and_extensions_in_that_order() -> None:
    error = GraphQLError("boom", extensions={"code": "X"})
    full = answer_of(ExecutionResult({"a": 1}, [error], extensions={"cost": 2}))
    assert list(full) == ["data", "errors", "extensions"]
    assert full["errors"] == [{"message": "boom", "extensions": {"code": "X"}}]
    assert full["extensions"] == {"cost": 2}
    assert answer_of(ExecutionResult(None, None, extensions={})) == {"data": None}


# Hooks: the seam persisted operations, per-caller limits and explain plug into.

STORED = {"one": '{ client(id: "1") { id } }'}


async def resolve_stored(
    request: Any, context: Context, params: GraphQLParams
) -> GraphQLParams:
    """A stand-in persisted-operation hook: `extensions.stored` names a text."""
    name = (params.extensions or {}).get("stored")
    if name is None:
        return params
    if name not in STORED:
        raise Refused(400, "Unknown stored operation.", "STORED_NOT_FOUND")
    return GraphQLParams(STORED[name], params.variables, None, params.extensions)


async def limit_company(
    request: Any, context: Context, params: GraphQLParams
) -> GraphQLParams:
    """A stand-in per-caller limit: the caller is resolved before it runs."""
    assert isinstance(context.caller, Caller)
    if request.headers.get("wethod-company") == "globex":
        raise Refused(429, "Over the limit.", "RATE_LIMITED", {"Retry-After": "3"})
    return params


def annotate(request: Any, context: Context, answer: Answer) -> None:
    answer["extensions"] = {"seen": sorted(answer)}


@asynccontextmanager
async def hooked(hooks: Hooks) -> AsyncIterator[tuple[httpx.AsyncClient, DemoApi]]:
    demo = DemoApi()
    with serving(demo) as demo_url:
        app = create_app(fast_settings(base_url=demo_url), hooks=hooks)
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://service"
            ) as http,
        ):
            yield http, demo


async def post(
    http: httpx.AsyncClient, body: object, headers: Mapping[str, str] = MODERN
) -> httpx.Response:
    return await http.post("/graphql", json=body, headers=headers)


async def test_before_execute_hooks_supply_or_refuse_the_operation() -> None:
    hooks = Hooks(before_execute=(resolve_stored, limit_company))
    async with hooked(hooks) as (http, demo):
        stored = await post(http, {"extensions": {"stored": "one"}})
        assert stored.json() == {"data": {"client": {"id": "1"}}}
        unknown = await post(http, {"extensions": {"stored": "two"}})
        assert unknown.status_code == 400
        assert codes(unknown.json()) == ["STORED_NOT_FOUND"]
        missing = await post(http, {"extensions": {}})
        assert missing.status_code == 400
        assert codes(missing.json()) == ["BAD_REQUEST"]
        limited = await post(
            http,
            {"query": "{ __typename }"},
            {**MODERN, "wethod-company": "globex"},
        )
        assert limited.status_code == 429
        assert limited.headers["retry-after"] == "3"
        assert codes(limited.json()) == ["RATE_LIMITED"]
        assert [r.client_id for r in demo.client_requests()] == [1]


async def test_after_execute_hooks_see_and_extend_the_answer() -> None:
    async with hooked(Hooks(after_execute=(annotate,))) as (http, _):
        response = await post(http, {"query": '{ client(id: "9999") { id } }'})
    assert response.json()["extensions"] == {"seen": ["data", "errors"]}
    assert response.json()["data"] == {"client": None}
