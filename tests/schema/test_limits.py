"""Depth, alias and token limits, and the linear cost of measuring them."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from graphql import get_introspection_query, parse, validate

from tests.conftest import DEMO_HEADERS, Service, codes, fast_settings
from wethod_graphql.schema.build import build_schema
from wethod_graphql.schema.limits import limit_rules


def nested_introspection(depth: int) -> str:
    inner = "name"
    for _ in range(depth - 2):
        inner = f"ofType {{ {inner} }}"
    return f'{{ __type(name: "Client") {{ {inner} }} }}'


async def test_graphiql_introspection_fits_the_default_depth(service: Service) -> None:
    body = await service.query(get_introspection_query(descriptions=True))
    assert "errors" not in body
    assert body["data"]["__schema"]["queryType"]["name"] == "Query"


@pytest.mark.parametrize("settings", [fast_settings(max_depth=5)])
async def test_depth_counts_introspection_too(service: Service) -> None:
    assert "errors" not in await service.query(nested_introspection(5))
    body = await service.query(nested_introspection(6))
    assert codes(body) == ["GRAPHQL_VALIDATION_FAILED"]
    assert "maximum depth of 5" in body["errors"][0]["message"]


@pytest.mark.parametrize("settings", [fast_settings(max_depth=3)])
async def test_depth_follows_fragments(service: Service) -> None:
    query = (
        '{ client(id: "1") { ...F } } '
        "fragment F on Client { externalIdentifiers { id } }"
    )
    assert "errors" not in await service.query(query)
    deeper = '{ client(id: "1") { ...F } } fragment F on Client { ... on Client { externalIdentifiers { id } } }'
    assert "errors" not in await service.query(deeper)


# Each document reaches depth 3 only through a fragment; `Fits`, where present,
# measures the fragment first, so a depth remembered as 0 would let `Deep` pass.
BEYOND_THE_LIMIT_THROUGH_FRAGMENTS = {
    "named": 'query Deep { client(id: "1") { ...F } } '
    "fragment F on Client { externalIdentifiers { id } }",
    "named in named": 'query Deep { client(id: "1") { ...F } } '
    "fragment F on Client { ...G } "
    "fragment G on Client { externalIdentifiers { id } }",
    "inline in named": 'query Deep { client(id: "1") { ...F } } '
    "fragment F on Client { ... on Client { externalIdentifiers { id } } }",
    "named at the root": "query Deep { ...Q } "
    'fragment Q on Query { client(id: "1") { externalIdentifiers { id } } }',
    "measured before": 'query Fits { __type(name: "Client") { ...T } } '
    'query Deep { __type(name: "Client") { ofType { ...T } } } '
    "fragment T on __Type { name }",
}


@pytest.mark.parametrize("settings", [fast_settings(max_depth=2)])
@pytest.mark.parametrize(
    "document",
    BEYOND_THE_LIMIT_THROUGH_FRAGMENTS.values(),
    ids=BEYOND_THE_LIMIT_THROUGH_FRAGMENTS,
)
async def test_fragments_carry_an_operation_past_the_depth_limit(
    service: Service, document: str
) -> None:
    response = await service.http.post(
        "/graphql",
        json={"query": document, "operationName": "Deep"},
        headers=DEMO_HEADERS,
    )
    body = response.json()
    assert codes(body) == ["GRAPHQL_VALIDATION_FAILED"]
    assert body["errors"][0]["message"] == "'Deep' exceeds the maximum depth of 2."
    assert service.demo.requests == []


@pytest.mark.parametrize("settings", [fast_settings(max_depth=2)])
async def test_depth_limit_refuses_before_any_call(service: Service) -> None:
    body = await service.query('{ client(id: "1") { externalIdentifiers { id } } }')
    assert codes(body) == ["GRAPHQL_VALIDATION_FAILED"]
    assert service.demo.requests == []


@pytest.mark.parametrize("settings", [fast_settings(max_aliases=3)])
async def test_alias_limit(service: Service) -> None:
    three = '{ a: client(id: "1") { id } b: client(id: "2") { id } c: client(id: "3") { id } }'
    assert "errors" not in await service.query(three)
    four = three[:-1] + 'd: client(id: "4") { id } }'
    body = await service.query(four)
    assert codes(body) == ["GRAPHQL_VALIDATION_FAILED"]


async def test_token_limit_stops_parsing_early(service: Service) -> None:
    huge = "{ " + "__typename " * 25_000 + "}"
    body = await service.query(huge)
    assert codes(body) == ["GRAPHQL_PARSE_FAILED"]
    assert "tokens" in body["errors"][0]["message"]


def finishes(work: Callable[[], object], within: float = 10.0) -> object:
    """Run `work` in a daemon thread; fail (instead of hanging) if it runs away."""
    results: list[object] = []
    thread = threading.Thread(target=lambda: results.append(work()), daemon=True)
    thread.start()
    thread.join(within)
    assert not thread.is_alive(), "exponential work: the walk follows every spread"
    return results[0]


def test_chained_fragments_are_measured_once_each() -> None:
    # 1 kB of query that a walk following every spread would expand 2^40 times.
    chain = " ".join(
        f"fragment F{n} on Query {{ a{n}: __typename ...F{n + 1} ...F{n + 1} }}"
        for n in range(40)
    )
    query = f"query Q {{ ...F0 }} {chain} fragment F40 on Query {{ __typename }}"
    schema = build_schema()
    errors = finishes(
        lambda: validate(schema._schema, parse(query), limit_rules(15, 100))
    )
    assert isinstance(errors, list)
    assert [e.message for e in errors] == [
        "over a million aliases; at most 100 are allowed."
    ]
