"""Schema growth never makes a plan answer wrongly.

Every field of every object type the schema serves is either projected by
plans (and then answers exactly as graphql-core, checked here against the
demo API) or makes its operation run on graphql-core. A field the plans do
not know, on `Query` or on a type below it, falls back by construction.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import AsyncIterator, Iterator

import pytest
import strawberry
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
)
from graphql.execution.values import get_variable_values
from strawberry.http import process_result

from tests.conftest import DEMO_HEADERS, demo_client, fast_settings
from wethod_graphql.demo import DemoApi
from wethod_graphql.resolvers.context import build_context
from wethod_graphql.schema.build import WethodSchema, build_schema
from wethod_graphql.schema.clients import Client
from wethod_graphql.schema.plans.roots import RECORDS
from wethod_graphql.schema.plans.rules import projection_rules
from wethod_graphql.schema.query import Query
from wethod_graphql.upstream import UpstreamClient

SETTINGS = fast_settings()
ENTITIES = '[{__typename: "Client", id: "1"}]'


def _literal(type_: GraphQLInputType) -> str:
    """A valid literal of `type_`, whatever argument a new field takes."""
    if isinstance(type_, GraphQLNonNull):
        return _literal(type_.of_type)
    if isinstance(type_, GraphQLList):
        return f"[{_literal(type_.of_type)}]"
    if isinstance(type_, GraphQLEnumType):
        return str(next(iter(type_.values)))
    if type_.name == "_Any":
        return ENTITIES
    return {"ID": '"1"', "Int": "1", "Float": "1.5", "Boolean": "true"}.get(
        type_.name, '"x"'
    )


def _selection(type_: GraphQLOutputType, seen: frozenset[str] = frozenset()) -> str:
    """Every leaf below an output type, `__typename` for the rest."""
    named = get_named_type(type_)
    if isinstance(named, GraphQLScalarType | GraphQLEnumType):
        return ""
    if isinstance(named, GraphQLUnionType):
        inner = " ".join(f"... on {t.name} {_selection(t, seen)}" for t in named.types)
        return f"{{ __typename {inner} }}"
    assert isinstance(named, GraphQLObjectType)
    if named.name in seen:
        return "{ __typename }"
    fields = " ".join(
        name + _selection(field.type, seen | {named.name})
        for name, field in named.fields.items()
        if not any(isinstance(a.type, GraphQLNonNull) for a in field.args.values())
    )
    return f"{{ __typename {fields} }}"


def _root(schema: GraphQLSchema, name: str, below: str | None = None) -> str:
    assert schema.query_type is not None
    field = schema.query_type.fields[name]
    arguments = ", ".join(
        f"{arg}: {_literal(a.type)}"
        for arg, a in field.args.items()
        # An optional filter object is left out: no literal fits every one.
        if not isinstance(get_named_type(a.type), GraphQLInputObjectType)
    )
    call = f"{name}({arguments})" if arguments else name
    return f"{{ {call} {below or _selection(field.type)} }}"


def operations(schema: GraphQLSchema) -> Iterator[tuple[str, str]]:
    """(field, an operation selecting it) for every field the schema serves."""
    assert schema.query_type is not None
    for name in schema.query_type.fields:
        yield f"Query.{name}", _root(schema, name)
    for type_name in ("Client", "ExternalIdentifier"):
        type_ = schema.get_type(type_name)
        assert isinstance(type_, GraphQLObjectType)
        for name, field in type_.fields.items():
            below = f"{{ {name} {_selection(field.type)} }}"
            if type_name == "ExternalIdentifier":
                below = f"{{ externalIdentifiers {below} }}"
            yield f"{type_name}.{name}", _root(schema, "client", below)


SCHEMA = build_schema()
CASES = list(operations(SCHEMA._schema))


@pytest.fixture
async def upstream() -> AsyncIterator[UpstreamClient]:
    async with demo_client(DemoApi(), SETTINGS) as client:
        yield client


async def answers(
    schema: WethodSchema, upstream: UpstreamClient, query: str
) -> tuple[str, str]:
    results = []
    for plans in (True, False):
        schema.run_plans = plans
        context = build_context(upstream, SETTINGS, DEMO_HEADERS, "req-test")
        body = process_result(await schema.execute(query, None, context))
        results.append(json.dumps(body))
    return results[0], results[1]


def planned(schema: WethodSchema, query: str) -> bool:
    """Whether a plan, not graphql-core, answers `query`."""
    prepared = schema.operations.prepare(query)
    assert not prepared.errors, (query, prepared.errors)
    plan = prepared.operations[0].plan
    if plan is None:
        return False
    variables = get_variable_values(schema._schema, (), {})
    assert not isinstance(variables, list)
    return plan._shape(variables) is not None


@pytest.mark.parametrize(("field", "query"), CASES, ids=[c[0] for c in CASES])
async def test_every_field_is_planned_right_or_left_to_graphql_core(
    upstream: UpstreamClient, field: str, query: str
) -> None:
    with_plan, reference = await answers(SCHEMA, upstream, query)
    assert with_plan == reference
    unplanned = {"Query._service", "Query.clientsConnection"}
    assert planned(SCHEMA, query) is (field not in unplanned)


def test_every_client_field_has_a_rule() -> None:
    rules = projection_rules(SCHEMA._schema, RECORDS)
    client = SCHEMA._schema.get_type("Client")
    assert isinstance(client, GraphQLObjectType)
    assert set(rules["Client"]) == {*client.fields, "__typename"}


async def test_a_new_root_field_runs_on_graphql_core(upstream: UpstreamClient) -> None:
    @strawberry.type
    class Grown(Query):
        @strawberry.field
        def clients_by_town(self, town: str) -> list[Client]:
            return []

    schema = WethodSchema(query=Grown, types=[Client])
    query = '{ client(id: "1") { id } clientsByTown(town: "Milano") { id } }'
    assert not planned(schema, query)
    assert planned(schema, '{ client(id: "1") { id } }')
    with_plan, reference = await answers(schema, upstream, query)
    assert with_plan == reference
    assert json.loads(with_plan)["data"]["clientsByTown"] == []


def test_a_field_its_record_lacks_has_no_rule() -> None:
    """A field added to `Client` before its record field: no rule, no plan."""

    @dataclasses.dataclass(frozen=True)
    class Shrunk:
        id: int
        town: str | None = None
        vat: int | None = None  # the wrong type for a String

    rules = projection_rules(SCHEMA._schema, {"Client": Shrunk})
    assert set(rules["Client"]) == {"__typename", "id", "town"}
