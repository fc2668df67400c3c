"""Execution plans: what the differential test cannot reach from outside."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from graphql.execution.values import get_variable_values

from tests.conftest import DEMO_HEADERS, demo_client, fast_settings
from wethod_graphql.demo import DemoApi
from wethod_graphql.resolvers.context import build_context
from wethod_graphql.resolvers.loaders import Key
from wethod_graphql.schema.build import build_schema
from wethod_graphql.schema.errors import public_error
from wethod_graphql.schema.plans.keys import demand
from wethod_graphql.schema.plans.plan import MAX_SHAPES, Plan
from wethod_graphql.schema.plans.project import respond
from wethod_graphql.upstream import ClientRecord, Deleted, UpstreamClient
from wethod_graphql.upstream.resources import CLIENTS

SCHEMA = build_schema()
SETTINGS = fast_settings()


def plan_of(query: str) -> Plan:
    plan = SCHEMA.operations.prepare(query).operations[0].plan
    assert plan is not None
    return plan


@pytest.fixture
async def upstream() -> AsyncIterator[UpstreamClient]:
    async with demo_client(DemoApi(), SETTINGS) as client:
        yield client


def test_a_relation_the_upstream_did_not_send_nulls_its_client() -> None:
    """As graphql-core does when the resolver raises: masked, parent nulled."""
    plan = plan_of('{ client(id: "1") { id externalIdentifiers { id } } }')
    variables = get_variable_values(SCHEMA._schema, (), {})
    assert not isinstance(variables, list)
    entries = plan._shape(variables)
    assert entries is not None
    (entry,) = entries
    assert entry.arguments is not None
    demanded = demand(entry, entry.arguments, max_ids=100)
    key = Key(CLIENTS, 1, Deleted.EXCLUDE, frozenset({"externalIdentifiers"}))
    assert demanded.items == (key,)
    data, errors = respond(entries, {"client": demanded}, {key: ClientRecord(id=1)})
    assert data == {"client": None}
    (error,) = errors
    assert error.path == ["client", "externalIdentifiers"]
    assert isinstance(error.original_error, RuntimeError)
    shown = public_error(error, parsed=True, executed=True)
    assert shown.extensions == {"code": "INTERNAL_SERVER_ERROR"}


async def test_variables_that_are_not_an_object_go_to_graphql_core(
    upstream: UpstreamClient,
) -> None:
    plan = plan_of('{ client(id: "1") { id } }')
    context = build_context(upstream, SETTINGS, DEMO_HEADERS, "req-test")
    assert await plan.run(["not", "an", "object"], context) is None  # type: ignore[arg-type]
    assert await plan.run(None, context) == ({"client": {"id": "1"}}, [])


async def test_shapes_kept_per_plan_are_bounded(upstream: UpstreamClient) -> None:
    names = ["a", "b", "c", "d"]
    header = ", ".join(f"${n}: Boolean!" for n in names)
    fields = " ".join(f"{n}: id @include(if: ${n})" for n in names)
    plan = plan_of(f'query Q({header}) {{ client(id: "1") {{ {fields} }} }}')
    context = build_context(upstream, SETTINGS, DEMO_HEADERS, "req-test")
    for bits in range(2 ** len(names)):
        values = {n: bool(bits >> i & 1) for i, n in enumerate(names)}
        answer = await plan.run(values, context)
        assert answer is not None
        client = answer[0]["client"] if answer[0] else None
        assert client == {n: "1" for n in names if values[n]}
    assert len(plan._kept) == MAX_SHAPES
