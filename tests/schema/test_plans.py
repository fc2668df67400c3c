"""Execution plans: what the differential test cannot reach from outside."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from graphql import specified_rules
from graphql.execution.values import get_variable_values

from tests.conftest import DEMO_HEADERS, demo_client, fast_settings
from wethod_graphql.demo import DemoApi
from wethod_graphql.resolvers.context import build_context
from wethod_graphql.resolvers.loaders import Key
from wethod_graphql.schema.build import MAX_TOKENS, build_schema
from wethod_graphql.schema.errors import public_error
from wethod_graphql.schema.limits import limit_rules
from wethod_graphql.schema.operations import PreparedOperations
from wethod_graphql.schema.plans.keys import demand
from wethod_graphql.schema.plans.plan import ENTRY_CHARS, MAX_SHAPES, Plan
from wethod_graphql.schema.plans.project import respond
from wethod_graphql.schema.plans.roots import plan_compiler
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


def cache(max_chars: int, max_text_chars: int = 1000) -> PreparedOperations:
    return PreparedOperations(
        SCHEMA._schema,
        (*specified_rules, *limit_rules(15, 100)),
        max_tokens=MAX_TOKENS,
        max_chars=max_chars,
        max_text_chars=max_text_chars,
        max_invalid_chars=100,
        compiler=plan_compiler(SCHEMA._schema).compile,
    )


#: Two roots of two fields each, one of them behind `$a`.
SHAPED = (
    'query($a: Boolean!) { x: client(id: "1") { id acronym @include(if: $a) } '
    'y: client(id: "2") { id acronym @include(if: $a) } }'
)


def shape_with(operations: PreparedOperations, text: str, a: bool) -> Plan:
    plan = operations.prepare(text).operations[0].plan
    assert plan is not None
    variables = get_variable_values(
        SCHEMA._schema, plan._operation.variable_definitions or (), {"a": a}
    )
    assert not isinstance(variables, list)
    assert plan._shape(variables) is not None
    return plan


def test_kept_shapes_are_charged_to_the_cache_and_leave_with_their_text() -> None:
    operations = cache(max_chars=1000)
    plan = shape_with(operations, SHAPED, True)
    # Two roots, two fields each: six entries, a character each.
    assert operations.chars == len(SHAPED) + 6 * ENTRY_CHARS
    shape_with(operations, SHAPED, False)  # two roots of one field: four
    assert operations.chars == len(SHAPED) + 10 * ENTRY_CHARS
    assert len(plan._kept) == 2
    other = "{ " + "__typename " * 80 + "}"
    operations.prepare(other)  # over the budget: the shaped text goes
    assert SHAPED not in operations._kept
    assert operations.chars == len(other)


def test_a_shape_past_its_texts_share_serves_its_request_only() -> None:
    # A text's share is a quarter: room for it and a shape of six, not ten.
    operations = cache(max_chars=4 * (len(SHAPED) + 8 * ENTRY_CHARS))
    plan = shape_with(operations, SHAPED, True)
    assert len(plan._kept) == 1
    shape_with(operations, SHAPED, False)
    assert len(plan._kept) == 1
    assert operations.chars == len(SHAPED) + 6 * ENTRY_CHARS


def test_a_text_not_kept_keeps_no_shape() -> None:
    operations = cache(max_chars=10_000, max_text_chars=50)
    plan = shape_with(operations, SHAPED, True)
    assert plan._kept == {}
    assert operations.chars == 0
