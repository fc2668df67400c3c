"""The committed `schema.graphql` is the schema; the contract holds in it."""

from __future__ import annotations

from pathlib import Path

from graphql import GraphQLEnumType, GraphQLObjectType

from tests.conftest import Service
from wethod_graphql.schema.build import build_schema

COMMITTED = Path(__file__).parents[2] / "schema.graphql"


def test_committed_sdl_matches_the_code() -> None:
    generated = build_schema().as_str() + "\n"
    assert COMMITTED.read_text() == generated, (
        "schema.graphql is stale: run `wethod-graphql schema > schema.graphql`"
    )


async def test_service_sdl_is_the_committed_one(service: Service) -> None:
    body = await service.query("{ _service { sdl } }")
    assert body["data"]["_service"]["sdl"] + "\n" == COMMITTED.read_text()


def test_contract_types_and_arguments() -> None:
    sdl = COMMITTED.read_text()
    assert 'schema @link(url: "https://specs.apollo.dev/federation/v2' in sdl
    assert 'type Client @key(fields: "id")' in sdl
    schema = build_schema()._schema
    query = schema.query_type
    assert query is not None
    assert str(query.fields["client"].type) == "Client"
    assert str(query.fields["clients"].type) == "[Client]!"
    client_args = query.fields["client"].args
    assert str(client_args["id"].type) == "ID!"
    assert str(client_args["deleted"].type) == "DeletionFilter!"
    assert sdl.count("deleted: DeletionFilter! = EXCLUDE") == 3
    assert str(query.fields["clients"].args["ids"].type) == "[ID!]!"
    client = schema.type_map["Client"]
    assert isinstance(client, GraphQLObjectType)
    assert str(client.fields["externalIdentifiers"].type) == "[ExternalIdentifier!]!"
    assert str(client.fields["intentDate"].type) == "Date"
    assert str(client.fields["paymentTermId"].type) == "ID"
    deletion_filter = schema.type_map["DeletionFilter"]
    assert isinstance(deletion_filter, GraphQLEnumType)
    assert list(deletion_filter.values) == ["EXCLUDE", "INCLUDE", "ONLY"]


def test_the_clients_connection_contract() -> None:
    schema = build_schema()._schema
    assert schema.query_type is not None
    field = schema.query_type.fields["clientsConnection"]
    assert str(field.type) == "ClientConnection!"
    arguments = {name: str(arg.type) for name, arg in field.args.items()}
    assert arguments == {
        "first": "Int",
        "after": "String",
        "filter": "ClientFilter",
        "deleted": "DeletionFilter!",
    }
    assert field.args["first"].default_value == 20
    shapes = {
        "ClientConnection": {"edges": "[ClientEdge!]!", "pageInfo": "PageInfo!"},
        "ClientEdge": {"cursor": "String!", "node": "Client!"},
        "PageInfo": {"hasNextPage": "Boolean!", "endCursor": "String"},
        "ClientFilter": {"updatedAt": "DateTimeFilter", "deletedAt": "DateTimeFilter"},
        "DateTimeFilter": {
            **dict.fromkeys(["eq", "neq", "gt", "gte", "lt", "lte"], "DateTime"),
            "in": "[DateTime!]",
            "nin": "[DateTime!]",
            "between": "DateTimeRange",
        },
        "DateTimeRange": {"from": "DateTime!", "to": "DateTime!"},
    }
    for name, fields in shapes.items():
        named = schema.type_map[name]
        found = {f: str(v.type) for f, v in named.fields.items()}  # type: ignore[attr-defined]
        assert found == fields, name
    assert "= null" not in COMMITTED.read_text()


def test_every_public_element_is_described() -> None:
    schema = build_schema()._schema
    for name in (
        "Client",
        "ExternalIdentifier",
        "DeletionFilter",
        "Query",
        "ClientConnection",
        "ClientEdge",
        "PageInfo",
        "ClientFilter",
        "DateTimeFilter",
        "DateTimeRange",
    ):
        named = schema.type_map[name]
        assert named.description, name
        for field_name, field in getattr(named, "fields", {}).items():
            if field_name.startswith("_"):
                continue  # federation's own fields, described by its spec
            assert field.description, f"{name}.{field_name}"
            for arg_name, arg in getattr(field, "args", {}).items():
                assert arg.description, f"{name}.{field_name}({arg_name})"
        for value_name, value in getattr(named, "values", {}).items():
            assert value.description, f"{name}.{value_name}"
