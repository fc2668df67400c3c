"""Prepared operations: the fast path answers exactly as Strawberry's own.

Each operation runs twice against the demo API over HTTP, with a fresh
context each time: once through `WethodSchema.execute` (prepared, after a
first run fills the cache) and once through Strawberry's path with its
extensions. The HTTP bodies must be identical, errors and codes included.
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from graphql import specified_rules
from strawberry.extensions import SchemaExtension
from strawberry.http import process_result
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.exceptions import (
    CannotGetOperationTypeError,
    InvalidOperationTypeError,
)
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from tests.conftest import DEMO_HEADERS, Service, demo_client, fast_settings
from wethod_graphql.demo import DemoApi
from wethod_graphql.resolvers.context import Context, build_context
from wethod_graphql.schema.build import MAX_TOKENS, WethodSchema, build_schema
from wethod_graphql.schema.clients import Client
from wethod_graphql.schema.limits import limit_rules
from wethod_graphql.schema.operations import PreparedOperations
from wethod_graphql.schema.query import Query
from wethod_graphql.upstream import UpstreamClient

SETTINGS = fast_settings(max_depth=6, max_aliases=5)

ENTITIES = """
query Entities($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Client { id corporateName externalIdentifiers { type } }
  }
}
"""

CASES: list[tuple[str, str | None, dict[str, Any] | None]] = [
    (
        '{ client(id: "1") { id corporateName vat externalIdentifiers { type } } }',
        None,
        None,
    ),
    (
        "query Q($id: ID!, $d: DeletionFilter!) { client(id: $id, deleted: $d) "
        "{ id deletedAt } }",
        "Q",
        {"id": "7", "d": "INCLUDE"},
    ),
    ("query Q($id: ID!) { client(id: $id) { id } }", "Q", {"id": "9999"}),
    ("query Q($id: ID!) { client(id: $id) { id } }", None, {"id": "abc"}),
    ("query Q($id: ID!) { client(id: $id) { id } }", None, {}),
    (
        'query Q($d: DeletionFilter!) { clients(ids: ["1"], deleted: $d) { id } }',
        None,
        {"d": "NOPE"},
    ),
    (
        '{ clients(ids: ["2", "9999", "7"], deleted: INCLUDE) { id deletedAt } }',
        None,
        None,
    ),
    ('{ clients(ids: ["1", "x"]) { id } }', None, None),
    (
        '{ a: client(id: "1") { id } b: client(id: "1") { ...F } } fragment F on Client { town }',
        None,
        None,
    ),
    ('{ client(id: "1") { id ', None, None),
    ('{ client(id: "1") { nope } }', None, None),
    ('{ client(id: "1") { id } } { clients(ids: []) { id } }', None, None),
    (
        'query A { client(id: "1") { id } } query B { client(id: "2") { id } }',
        None,
        None,
    ),
    (
        'query A { client(id: "1") { id } } query B { client(id: "2") { id } }',
        "B",
        None,
    ),
    (
        "{ "
        + " ".join(f'a{i}: client(id: "{i}") {{ id }}' for i in range(1, 8))
        + " }",
        None,
        None,
    ),
    (
        "{ __schema { types { fields { type { ofType { ofType { name } } } } } } }",
        None,
        None,
    ),
    ("{ " + "__typename " * (MAX_TOKENS + 1) + "}", None, None),
    ("{ __typename _service { sdl } }", None, None),
    (
        ENTITIES,
        "Entities",
        {
            "representations": [
                {"__typename": "Client", "id": "7"},
                {"__typename": "Nope", "id": "1"},
                {"__typename": "Client", "id": "9999"},
            ]
        },
    ),
]


@pytest.fixture
async def upstream() -> AsyncIterator[UpstreamClient]:
    async with demo_client(DemoApi(), SETTINGS) as client:
        yield client


@pytest.fixture
def schema() -> WethodSchema:
    return build_schema(max_depth=SETTINGS.max_depth, max_aliases=SETTINGS.max_aliases)


def context(upstream: UpstreamClient) -> Context:
    return build_context(upstream, SETTINGS, DEMO_HEADERS, "req-test")


@pytest.mark.parametrize(("query", "operation_name", "variables"), CASES)
async def test_prepared_path_answers_as_strawberrys(
    schema: WethodSchema,
    upstream: UpstreamClient,
    query: str,
    operation_name: str | None,
    variables: dict[str, Any] | None,
) -> None:
    async def prepared() -> dict[str, Any]:
        result = await schema.execute(
            query, variables, context(upstream), operation_name=operation_name
        )
        return dict(process_result(result))

    await prepared()  # the first run fills the cache
    fast = await prepared()
    hooked = process_result(
        await schema._execute_with_hooks(
            query, variables, context(upstream), None, operation_name, None, None
        )
    )
    assert fast == hooked
    assert fast.get("data") or fast.get("errors")


async def test_an_unknown_operation_name_is_refused_by_both_paths(
    schema: WethodSchema, upstream: UpstreamClient
) -> None:
    query = 'query A { client(id: "1") { id } }'
    with pytest.raises(CannotGetOperationTypeError):
        await schema.execute(query, None, context(upstream), operation_name="B")
    with pytest.raises(CannotGetOperationTypeError):
        await schema._execute_with_hooks(
            query, None, context(upstream), None, "B", None, None
        )


async def test_a_forbidden_operation_type_is_refused_by_both_paths(
    schema: WethodSchema, upstream: UpstreamClient
) -> None:
    query = '{ client(id: "1") { id } }'
    await schema.execute(query, None, context(upstream))  # cached as runnable
    for allowed in ({OperationType.MUTATION}, set()):
        with pytest.raises(InvalidOperationTypeError):
            await schema.execute(
                query, None, context(upstream), allowed_operation_types=allowed
            )
        with pytest.raises(InvalidOperationTypeError):
            await schema._execute_with_hooks(
                query, None, context(upstream), None, None, allowed, None
            )


async def test_a_text_is_parsed_and_validated_once(schema: WethodSchema) -> None:
    text = '{ client(id: "1") { id } }'
    first = schema.operations.prepare(text)
    assert schema.operations.prepare(text) is first
    assert first.operations[0].type is OperationType.QUERY
    invalid = schema.operations.prepare("{ nope }")
    assert schema.operations.prepare("{ nope }") is invalid
    assert [e.message for e in invalid.errors] == [
        "Cannot query field 'nope' on type 'Query'."
    ]


def prepared_operations(
    max_chars: int, max_text_chars: int, max_invalid_chars: int = 20
) -> PreparedOperations:
    schema = build_schema()
    return PreparedOperations(
        schema._schema,
        (*specified_rules, *limit_rules(15, 100)),
        max_tokens=MAX_TOKENS,
        max_chars=max_chars,
        max_text_chars=max_text_chars,
        max_invalid_chars=max_invalid_chars,
    )


def test_the_cache_is_bounded_by_characters_least_recent_first() -> None:
    operations = prepared_operations(max_chars=100, max_text_chars=60)
    texts = [f'{{ client(id: "{i}") {{ id }} }}' for i in range(10)]  # 26 chars
    for text in texts[:3]:
        operations.prepare(text)
    operations.prepare(texts[0])  # now the most recent
    operations.prepare(texts[3])  # 104 chars: the least recent goes
    assert len(operations) == 3
    assert operations.chars == 78
    kept = operations.prepare(texts[0])
    assert operations.prepare(texts[0]) is kept
    assert texts[1] not in operations._kept


def test_a_long_text_is_prepared_but_not_kept() -> None:
    operations = prepared_operations(max_chars=1000, max_text_chars=60)
    long_text = "{ " + "__typename " * 10 + "}"
    prepared = operations.prepare(long_text)
    assert prepared.operations
    assert not prepared.errors
    assert len(operations) == 0
    assert operations.chars == 0


async def test_only_what_the_prepared_path_cannot_run_reaches_the_hooks(
    upstream: UpstreamClient,
) -> None:
    hooked: list[str | None] = []

    class Observed(WethodSchema):
        async def _execute_with_hooks(self, *args: Any) -> ExecutionResult:
            hooked.append(args[0])
            return await super()._execute_with_hooks(*args)

    schema = Observed(query=Query, types=[Client])
    runnable = '{ client(id: "1") { id } }'
    ambiguous = "query A { __typename } query B { __typename }"
    for text in (runnable, runnable, "{ nope }", "{ nope", ambiguous):
        await schema.execute(text, None, context(upstream))
    assert hooked == [ambiguous]


def test_the_schema_refuses_what_its_prepared_path_would_skip() -> None:
    class Timing(SchemaExtension):
        def on_execute(self) -> Iterator[None]:
            yield

    with pytest.raises(TypeError, match="own extensions"):
        WethodSchema(query=Query, types=[Client], extensions=[Timing])
    with pytest.raises(TypeError, match="field suggestions"):
        WethodSchema(
            query=Query,
            types=[Client],
            config=StrawberryConfig(disable_field_suggestions=True),
        )


async def test_a_refused_text_keeps_nothing_of_its_first_request(
    schema: WethodSchema,
) -> None:
    class Holder:
        """Stands for a request's context, which carries credentials."""

    for text in (
        "{ client(id: true) { id } }",
        '{ client(id: "1", deleted: NOPE) { id } }',
    ):
        holder = Holder()
        result = await schema.execute(text, None, holder)
        assert result.errors
        gone = weakref.ref(holder)
        del holder
        gc.collect()
        assert gone() is None, text
        for error in schema.operations.prepare(text).errors:
            assert error.__traceback__ is None


def test_a_kept_syntax_error_holds_no_parser_state() -> None:
    operations = prepared_operations(max_chars=1000, max_text_chars=100)
    (error,) = operations.prepare("{ client(id: ").errors
    assert error.__traceback__ is None
    assert error.__context__ is None
    assert len(operations) == 1


def test_a_long_invalid_text_is_not_kept() -> None:
    operations = prepared_operations(
        max_chars=1000, max_text_chars=100, max_invalid_chars=20
    )
    kept = operations.prepare('{ client(id: "1") { id } }')
    operations.prepare("{ nope_nope_nope_nope_nope }")
    assert len(operations) == 1
    assert operations.prepare('{ client(id: "1") { id } }') is kept


@pytest.mark.parametrize("times", [1, 2])
async def test_over_http_the_operation_is_checked_before_validation(
    service: Service, times: int
) -> None:
    """What Strawberry's view answers with 400, whether the text is cached."""
    for _ in range(times):
        over_get = await service.http.get(
            "/graphql", params={"query": "mutation { nope }"}, headers=DEMO_HEADERS
        )
        unknown = await service.http.post(
            "/graphql",
            json={"query": "query A { nope }", "operationName": "B"},
            headers=DEMO_HEADERS,
        )
    assert over_get.status_code == 400
    assert "mutations are not allowed when using GET" in over_get.text
    assert unknown.status_code == 400
    assert unknown.json()["errors"][0]["message"] == 'Unknown operation named "B".'
