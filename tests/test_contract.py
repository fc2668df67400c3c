"""contract/openapi.yaml is the authority on the upstream's resources.

The record types the facade parses, the JSON the demo API serves and the
GraphQL types the schema exposes are each checked against it, so a field
added in one place and not in the others fails here, naming the contract.
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from graphql import GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLType
from jsonschema import Draft202012Validator

from tests.demo.support import client_for
from wethod_graphql.demo import DemoApi
from wethod_graphql.demo import model as demo_model
from wethod_graphql.demo import params as demo_params
from wethod_graphql.demo.data import DATASETS
from wethod_graphql.demo.resources import CLIENTS as DEMO_CLIENTS
from wethod_graphql.schema.build import build_schema
from wethod_graphql.upstream.filters import OPERATORS
from wethod_graphql.upstream.records import ClientRecord, ExternalIdentifierRecord
from wethod_graphql.upstream.resources import (
    CLIENTS,
    RESOURCES,
    Resource,
    records_by_type,
)

CONTRACT_PATH = Path(__file__).parents[1] / "contract" / "openapi.yaml"
CONTRACT: dict[str, Any] = yaml.safe_load(CONTRACT_PATH.read_text())
SCHEMAS: dict[str, Any] = CONTRACT["components"]["schemas"]
NAMED = "contract/openapi.yaml"


#: Each schema of the contract (named as the GraphQL type): its record type
#: and its GraphQL type, for every described resource and relation.
SIDES: dict[str, tuple[type[Any], str]] = {
    name: (record, name) for name, record in records_by_type().items()
}


def test_every_schema_of_the_contract_is_described() -> None:
    assert set(SCHEMAS) - {"Error"} == set(SIDES), NAMED
    assert SIDES["Client"] == (ClientRecord, "Client")
    assert SIDES["ExternalIdentifier"] == (
        ExternalIdentifierRecord,
        "ExternalIdentifier",
    )
    for resource in RESOURCES:
        assert f"{resource.path}/{{id}}" in CONTRACT["paths"], NAMED
        assert (resource.path in CONTRACT["paths"]) == resource.listed, NAMED


def properties(schema: str) -> dict[str, Any]:
    props: dict[str, Any] = SCHEMAS[schema]["properties"]
    return props


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def python_type(spec: Mapping[str, Any]) -> object:
    """The Python type a property parses to, `None` left out."""
    if "$ref" in spec:
        return SIDES[spec["$ref"].rsplit("/", 1)[1]][0]
    kinds = spec["type"] if isinstance(spec["type"], list) else [spec["type"]]
    (kind,) = [k for k in kinds if k != "null"]
    if kind == "array":
        return tuple[python_type(spec["items"]), ...]  # type: ignore[misc]
    if kind == "integer":
        return int
    return {"date-time": datetime, "date": date}.get(spec.get("format", ""), str)


def graphql_type(name: str, spec: Mapping[str, Any], required: bool) -> str:
    """The GraphQL type a property is served as."""
    if spec.get("type") == "array":
        item = spec["items"]["$ref"].rsplit("/", 1)[1]
        return f"[{SIDES[item][1]}!]!"
    scalars = {int: "Int", str: "String", datetime: "DateTime", date: "Date"}
    kind = python_type(spec)
    # Integer keys are IDs in GraphQL; `external_id` is a string, not a key.
    is_key = kind is int and (name == "id" or name.endswith("_id"))
    named = "ID" if is_key else scalars[kind]  # type: ignore[index]
    return f"{named}!" if required else named


def record_types(cls: type[Any]) -> dict[str, object]:
    hints = typing.get_type_hints(cls)
    found: dict[str, object] = {}
    for field in dataclasses.fields(cls):
        hint = hints[field.name]
        args = typing.get_args(hint)
        if isinstance(hint, types.UnionType) and type(None) in args:
            (hint,) = [a for a in args if a is not type(None)]
        found[field.name] = hint
    return found


@pytest.mark.parametrize("schema", sorted(SIDES))
def test_records_have_the_contracts_fields_and_types(schema: str) -> None:
    record = SIDES[schema][0]
    expected = {name: python_type(spec) for name, spec in properties(schema).items()}
    assert record_types(record) == expected, (
        f"{record.__name__} differs from {NAMED}'s {schema}"
    )
    required = {
        f.name for f in dataclasses.fields(record) if f.default is dataclasses.MISSING
    }
    assert required == set(SCHEMAS[schema].get("required", [])), (
        f"{record.__name__}'s required fields differ from {NAMED}'s {schema}"
    )


def test_demo_bodies_have_the_contracts_fields_in_its_order() -> None:
    client = DATASETS["acme"][1]
    body = demo_model.client_json(client, with_identifiers=True)
    assert list(body) == list(properties("Client")), f"demo client vs {NAMED}"
    identifier = body["external_identifiers"][0]
    assert list(identifier) == list(properties("ExternalIdentifier")), NAMED
    plain = demo_model.client_json(client, with_identifiers=False)
    assert list(plain) == [n for n in properties("Client") if n in plain], NAMED
    assert set(body) - set(plain) == {"external_identifiers"}, NAMED


def _validator(schema: dict[str, Any]) -> Draft202012Validator:
    """A validator of `schema`, which must hold no `$ref` (see `_strict`)."""
    assert "$ref" not in str(schema)
    return Draft202012Validator(schema)


def _strict(schema: str) -> dict[str, Any]:
    """The contract's schema with its `$ref`s inlined and no property it
    does not list allowed."""
    spec: dict[str, Any] = {**SCHEMAS[schema], "additionalProperties": False}
    props = dict(spec["properties"])
    for name, prop in props.items():
        if prop.get("type") == "array":
            item = prop["items"]["$ref"].rsplit("/", 1)[1]
            props[name] = {**prop, "items": _strict(item)}
    spec["properties"] = props
    return spec


@pytest.mark.parametrize("company", sorted(DATASETS))
def test_every_demo_body_is_a_contract_client(company: str) -> None:
    validator = _validator(_strict("Client"))
    for client in DATASETS[company].values():
        for with_identifiers in (True, False):
            body = demo_model.client_json(client, with_identifiers=with_identifiers)
            errors = [e.message for e in validator.iter_errors(body)]
            assert not errors, f"demo client {client.id} breaks {NAMED}: {errors}"


async def test_the_demo_list_answers_the_contracts_array() -> None:
    response_schema = CONTRACT["paths"]["/api/clients"]["get"]["responses"]["200"]
    schema = response_schema["content"]["application/json"]["schema"]
    validator = _validator({**schema, "items": _strict("Client")})
    async with client_for(DemoApi()) as http:
        response = await http.get(
            "/api/clients?limit=100&deleted=include&include=externalIdentifiers"
        )
    assert response.status_code == 200
    body = response.json()
    assert len(body) == 60
    assert not [e.message for e in validator.iter_errors(body)], NAMED


def _unwrap(kind: GraphQLType) -> str:
    if isinstance(kind, GraphQLNonNull):
        return f"{_unwrap(kind.of_type)}!"
    if isinstance(kind, GraphQLList):
        return f"[{_unwrap(kind.of_type)}]"
    return str(kind)


@pytest.mark.parametrize("schema", sorted(SIDES))
def test_graphql_types_have_the_contracts_fields_and_types(schema: str) -> None:
    graphql = build_schema()._schema.type_map[SIDES[schema][1]]
    assert isinstance(graphql, GraphQLObjectType)
    served = {name: _unwrap(field.type) for name, field in graphql.fields.items()}
    required = set(SCHEMAS[schema].get("required", []))
    expected = {
        camel(name): graphql_type(name, spec, name in required)
        for name, spec in properties(schema).items()
    }
    assert served == expected, f"GraphQL {graphql.name} differs from {NAMED}'s {schema}"


def _parameter(path: str, name: str) -> dict[str, Any]:
    components = CONTRACT["components"]["parameters"]
    for parameter in CONTRACT["paths"][path]["get"]["parameters"]:
        if "$ref" in parameter:
            parameter = components[parameter["$ref"].rsplit("/", 1)[1]]
        if parameter["name"] == name:
            found: dict[str, Any] = parameter
            return found
    raise AssertionError(f"{NAMED} has no parameter {name} on {path}")


def test_list_parameters_are_the_contracts() -> None:
    limit = _parameter("/api/clients", "limit")["schema"]
    assert (limit["minimum"], limit["maximum"]) == (1, demo_params.MAX_LIMIT), NAMED
    assert _parameter("/api/clients", "offset")["schema"]["minimum"] == 0, NAMED
    for name in ("updated_at", "deleted_at"):
        described = _parameter("/api/clients", name)["description"]
        ops = re.search(r"op in ([a-z ]+)", described)
        assert ops is not None, NAMED
        assert tuple(ops.group(1).split()) == OPERATORS, f"{name} vs {NAMED}"
        assert name in CLIENTS.filters, NAMED
        assert tuple(ops.group(1).split()) == demo_params.FILTER_OPERATORS, NAMED
    deleted = _parameter("/api/clients/{id}", "deleted")["schema"]["enum"]
    assert tuple(deleted) == demo_params.DELETION_FILTERS, NAMED


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
def test_includes_are_the_contracts_relations(resource: Resource) -> None:
    relations = {
        camel(name)
        for name, spec in properties(resource.type_name).items()
        if spec.get("type") == "array"
    }
    assert relations == {r.include for r in resource.relations}, NAMED
    assert {r.attribute for r in resource.relations} == {
        name
        for name, spec in properties(resource.type_name).items()
        if spec.get("type") == "array"
    }, NAMED


def test_the_clients_includes_are_the_demos() -> None:
    relations = set(CLIENTS.includes)
    assert relations == set(DEMO_CLIENTS.relations), NAMED
    include = _parameter("/api/clients/{id}", "include")["schema"]["example"]
    assert include in relations, NAMED
