"""The Strawberry names `/graphql` still relies on, and what it relies on them for.

(Also the one Strawberry internal the schema relies on: `Info._raw_info`,
for the path of each `_entities` representation.)

`server/endpoint.py` runs operations through `WethodSchema.execute` and needs
from Strawberry: `OperationType` (which operations a method may run),
`ExecutionResult` (what `execute` returns: `data`, `errors`, `extensions`),
and the two exceptions its full path raises before any GraphQL error exists:
an unknown `operationName` and an operation type the method forbids. When a
Strawberry release moves or changes one of them, these tests say which, so
the version pin in pyproject.toml can widen with the endpoint adjusted.
"""

from __future__ import annotations

import dataclasses
import importlib
from typing import Any

import pytest
from graphql import GraphQLError, GraphQLResolveInfo

from wethod_graphql.schema.build import build_schema


def seam(module: str, name: str) -> Any:
    """`module.name`, or a failure naming the seam that moved."""
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as error:
        pytest.fail(
            f"Strawberry no longer has {module}.{name} ({error}); "
            "wethod_graphql/server/endpoint.py imports it: adjust the endpoint.",
            pytrace=False,
        )


def operation_type(name: str) -> Any:
    return getattr(seam("strawberry.types.graphql", "OperationType"), name)


async def test_unknown_operation_names_raise_cannot_get_operation_type() -> None:
    error_class = seam("strawberry.schema.exceptions", "CannotGetOperationTypeError")
    with pytest.raises(error_class) as raised:
        await build_schema().execute(
            "query A { __typename }",
            operation_name="B",
            allowed_operation_types={operation_type("QUERY")},
        )
    assert raised.value.as_http_error_reason() == 'Unknown operation named "B".'


async def test_forbidden_operation_types_raise_invalid_operation_type() -> None:
    error_class = seam("strawberry.schema.exceptions", "InvalidOperationTypeError")
    with pytest.raises(error_class) as raised:
        await build_schema().execute(
            "mutation { nope }", allowed_operation_types={operation_type("QUERY")}
        )
    message = raised.value.as_http_error_reason("GET")
    assert message == "mutations are not allowed when using GET"


async def test_execute_returns_data_errors_and_extensions() -> None:
    result_class = seam("strawberry.types", "ExecutionResult")
    result = await build_schema().execute(
        "{ nope }", allowed_operation_types={operation_type("QUERY")}
    )
    assert isinstance(result, result_class)
    assert result.data is None
    assert result.extensions == {}
    [error] = result.errors or []
    assert isinstance(error, GraphQLError)
    assert error.formatted["extensions"] == {"code": "GRAPHQL_VALIDATION_FAILED"}


def test_the_operation_types_the_endpoint_names_exist() -> None:
    names = {"QUERY", "MUTATION", "SUBSCRIPTION"}
    assert {operation_type(name).name for name in names} == names


def test_an_info_wraps_graphql_cores_resolve_info() -> None:
    # `schema/entities.py` gives each representation of `_entities` an
    # `info` whose path ends in its index, by replacing the graphql-core
    # `GraphQLResolveInfo` (a NamedTuple) inside Strawberry's `Info`.
    info_class = seam("strawberry", "Info")
    fields = {field.name for field in dataclasses.fields(info_class)}
    if "_raw_info" not in fields:
        pytest.fail(
            "strawberry.Info no longer keeps `_raw_info`; "
            "wethod_graphql/schema/entities.py replaces it: adjust `_item_info`.",
            pytrace=False,
        )
    assert "path" in GraphQLResolveInfo._fields
