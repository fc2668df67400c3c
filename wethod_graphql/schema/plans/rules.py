"""How each output field is projected from a record, or that it cannot be.

A plan projects a field only if a rule here says exactly how graphql-core
(through Strawberry's types) would produce its value; a field without a rule
makes any operation selecting it run on graphql-core. Rules are derived from
the Strawberry types and the record dataclasses, and refused whenever the
derivation is not sure:

- a plain attribute (no resolver) whose record field has a type the table
  below serialises, with a GraphQL scalar that serialises a probe value
  exactly as the table does, and which is never null where GraphQL says
  non-null;
- a relation of `resolvers.lookahead.STEPS` typed `[T!]!`, whose record
  field holds records of a type that has rules itself;
- `__typename`.

So a field added to the schema is never projected wrongly: it has no rule
until it fits one of these, and without one it takes graphql-core's path.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from types import UnionType
from typing import Any

from graphql import (
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
)

from wethod_graphql.resolvers.lookahead import STEPS, Step

Serializer = Callable[[Any], Any] | None


@dataclass(frozen=True, slots=True)
class Leaf:
    """A scalar read from the record's `attribute`; None stays null."""

    attribute: str
    serialize: Serializer  # None: the record's value is already the JSON value


@dataclass(frozen=True, slots=True)
class Nested:
    """A `[T!]!` relation read from the record's `attribute`."""

    attribute: str
    include: str
    item_type: str
    name: str  # the GraphQL field's name, for the error of a relation not fetched


@dataclass(frozen=True, slots=True)
class Typename:
    """`__typename`: the object type's name."""


Rule = Leaf | Nested | Typename

#: (GraphQL scalar, record field type) -> serializer, with a probe value the
#: schema's own scalar must serialise to the same result.
_SCALARS: Mapping[tuple[str, type], tuple[Serializer, object]] = {
    ("ID", int): (str, 42),
    ("ID", str): (None, "42"),
    ("String", str): (None, "text"),
    ("Int", int): (None, 2**31 - 1),
    ("DateTime", datetime): (
        datetime.isoformat,
        datetime(2021, 10, 15, 13, 30, 17, 966000, tzinfo=UTC),
    ),
    ("Date", date): (date.isoformat, date(2021, 10, 15)),
}

#: The largest value a GraphQL `Int` serialises.
_MAX_INT = 2**31 - 1


def projection_rules(
    schema: GraphQLSchema,
    records: Mapping[str, type[Any]],
    relations: Mapping[str, Mapping[str, Step]] = STEPS,
) -> dict[str, dict[str, Rule]]:
    """For each object type backed by a record class: its fields' rules."""
    rules: dict[str, dict[str, Rule]] = {}
    for type_name, record in records.items():
        object_type = schema.get_type(type_name)
        if not isinstance(object_type, GraphQLObjectType):
            continue
        fields: dict[str, Rule] = {"__typename": Typename()}
        for name, field in object_type.fields.items():
            relation = relations.get(type_name, {}).get(name)
            rule = _leaf(field, record) or _nested(
                name, field, record, relation, records
            )
            if rule is not None:
                fields[name] = rule
        rules[type_name] = fields
    return rules


def _python_name(field: GraphQLField) -> tuple[str, bool] | None:
    """The Strawberry field's attribute name, and whether it has a resolver."""
    definition = (field.extensions or {}).get("strawberry-definition")
    name = getattr(definition, "python_name", None)
    if not isinstance(name, str):
        return None
    return name, getattr(definition, "base_resolver", None) is not None


def _record_field(
    record: type[Any], name: str
) -> tuple[dataclasses.Field[Any], object, bool] | None:
    """The record's field `name`: (field, inner type, may be None)."""
    fields = {f.name: f for f in dataclasses.fields(record)}
    if name not in fields:
        return None
    hint = typing.get_type_hints(record)[name]
    args = typing.get_args(hint)
    optional = isinstance(hint, UnionType) and type(None) in args
    inner = next(a for a in args if a is not type(None)) if optional else hint
    return fields[name], inner, optional


def _leaf(field: GraphQLField, record: type[Any]) -> Leaf | None:
    named = _python_name(field)
    if named is None or named[1]:
        return None
    found = _record_field(record, named[0])
    if found is None:
        return None
    record_field, inner, optional = found
    output = field.type
    non_null = isinstance(output, GraphQLNonNull)
    scalar = output.of_type if isinstance(output, GraphQLNonNull) else output
    if not isinstance(scalar, GraphQLScalarType) or not isinstance(inner, type):
        return None
    if non_null and optional:
        return None  # a null would have to propagate: graphql-core's business
    known = _SCALARS.get((scalar.name, inner))
    if known is None:
        return None
    serialize, probe = known
    if (
        scalar.name == "Int"
        and record_field.metadata.get("max", _MAX_INT + 1) > _MAX_INT
    ):
        return None  # a larger integer would fail to serialise
    expected = probe if serialize is None else serialize(probe)
    if scalar.serialize(probe) != expected:
        return None
    return Leaf(record_field.name, serialize)


def _nested(
    name: str,
    field: GraphQLField,
    record: type[Any],
    relation: Step | None,
    records: Mapping[str, type[Any]],
) -> Nested | None:
    named = _python_name(field)
    if relation is None or relation.include is None or named is None:
        return None  # not a relation (a connection's steps are no records')
    found = _record_field(record, named[0])
    shape = field.type
    if (
        found is None
        or not isinstance(shape, GraphQLNonNull)
        or not isinstance(shape.of_type, GraphQLList)
        or not isinstance(shape.of_type.of_type, GraphQLNonNull)
    ):
        return None
    item = shape.of_type.of_type.of_type
    item_record = records.get(relation.type_name)
    _, inner, _ = found
    if (
        not isinstance(item, GraphQLObjectType)
        or item.name != relation.type_name
        or item_record is None
        or typing.get_origin(inner) is not tuple
        or typing.get_args(inner)[0] is not item_record
    ):
        return None
    return Nested(found[0].name, relation.include, relation.type_name, name)
