"""What a plan computes once rather than on every run: the variables of an
operation without any, and the keys of a root field without variables."""

from __future__ import annotations

from datetime import UTC, datetime

from graphql.execution.values import get_variable_values

from wethod_graphql.schema.build import build_schema
from wethod_graphql.schema.plans.plan import NO_VARIABLES, Plan
from wethod_graphql.schema.plans.shape import RootEntry
from wethod_graphql.upstream import ClientRecord

SCHEMA = build_schema()
RECORD = ClientRecord(
    id=7,
    corporate_name="Acme",
    updated_at=datetime(2021, 10, 15, 13, 30, 17, 966000, tzinfo=UTC),
)


def entry_of(query: str) -> tuple[Plan, RootEntry]:
    plan = SCHEMA.operations.prepare(query).operations[0].plan
    assert plan is not None
    variables = get_variable_values(SCHEMA._schema, (), {})
    assert not isinstance(variables, list)
    entries = plan._shape(variables)
    assert entries is not None
    return plan, entries[0]


def test_the_keys_of_constant_arguments_are_made_once_per_max_ids() -> None:
    plan, entry = entry_of('{ client(id: "1") { id } }')
    variables = get_variable_values(SCHEMA._schema, (), {})
    assert not isinstance(variables, list)
    first = plan._demand(entry, variables, 100)
    assert plan._demand(entry, variables, 100) is first
    other = plan._demand(entry, variables, 5)
    assert other == first
    assert other is not first
    assert list(entry.demands) == [5]


def test_a_refused_id_is_not_kept_its_error_is_made_per_request() -> None:
    plan, entry = entry_of('{ client(id: "x") { id } }')
    variables = get_variable_values(SCHEMA._schema, (), {})
    assert not isinstance(variables, list)
    first = plan._demand(entry, variables, 100)
    again = plan._demand(entry, variables, 100)
    assert first.items[0] is not again.items[0]
    assert entry.demands == {}


def test_an_operation_without_variables_ignores_any_given_as_graphql_core() -> None:
    plan, _ = entry_of('{ client(id: "1") { id } }')
    assert plan._variables({"unused": 1}) is NO_VARIABLES
    assert get_variable_values(SCHEMA._schema, (), {"unused": 1}) == NO_VARIABLES
