"""The shape of an operation's answer, for one set of directive values.

graphql-core's own field collection (`collect_fields`, `collect_subfields`)
decides which fields an operation selects: aliases, merged fields, named and
inline fragments with their type conditions, `@skip`/`@include`. A shape is
its result turned into entries a plan projects records with; it depends on
the variables only through those directives, so a plan keeps one shape per
set of their values.

Anything without a rule (`plans.rules`) or a root field a plan does not
load raises `Unsupported`, and the operation runs on graphql-core.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    GraphQLField,
    GraphQLObjectType,
    GraphQLSchema,
    OperationDefinitionNode,
)
from graphql.execution.collect_fields import (
    FieldDetails,
    FragmentDetails,
    collect_fields,
    collect_subfields,
)
from graphql.execution.values import VariableValues, get_argument_values

from wethod_graphql.schema.plans.ast import mentions_variables
from wethod_graphql.schema.plans.rules import Nested, Rule


class Unsupported(Exception):
    """The operation selects something a plan does not project."""


class RootKind(enum.Enum):
    TYPENAME = "__typename"
    CLIENT = "client"
    CLIENTS = "clients"
    ENTITIES = "_entities"


@dataclass(frozen=True, slots=True)
class Entry:
    """One response key of an object: its rule and, for a relation, its shape."""

    key: str
    rule: Rule
    nodes: tuple[FieldNode, ...]
    child: ObjectShape | None = None


@dataclass(frozen=True, slots=True)
class ObjectShape:
    type_name: str
    entries: tuple[Entry, ...]
    #: The REST includes these entries need, as `include=` spells them.
    includes: frozenset[str]


@dataclass(frozen=True, slots=True)
class RootEntry:
    """One response key of `Query`."""

    key: str
    kind: RootKind
    #: Every node merged into this key: errors are located at all of them.
    nodes: tuple[FieldNode, ...]
    field: GraphQLField | None
    shape: ObjectShape | None
    #: The coerced arguments when they hold no variable (the same every time).
    arguments: dict[str, Any] | None = None
    #: With such arguments, their `Demand` by `max_ids` once made (`plans.plan`).
    demands: dict[int, Any] = dataclasses.field(default_factory=dict, compare=False)


@dataclass(frozen=True, slots=True)
class Shapes:
    """What shapes are built from: the schema, one operation, the rules."""

    schema: GraphQLSchema
    operation: OperationDefinitionNode
    fragments: dict[str, FragmentDetails]
    rules: Mapping[str, Mapping[str, Rule]]
    #: Root fields a plan loads, with the object type each returns.
    roots: Mapping[str, tuple[RootKind, GraphQLObjectType]]

    def build(self, variables: VariableValues) -> tuple[RootEntry, ...]:
        query = self.schema.query_type
        if query is None:  # pragma: no cover - every schema here has one
            raise Unsupported("no query type")
        grouped, deferred, _ = collect_fields(
            self.schema, self.fragments, variables, query, self.operation
        )
        if deferred:
            raise Unsupported("deferred fragments")
        entries: list[RootEntry] = []
        for key, details in grouped.items():
            nodes = tuple(detail.node for detail in details)
            name = nodes[0].name.value
            if name == "__typename":
                entries.append(RootEntry(key, RootKind.TYPENAME, nodes, None, None))
                continue
            root = self.roots.get(name)
            if root is None:
                raise Unsupported(f"root field {name}")
            kind, object_type = root
            field = query.fields[name]
            shape = self._object(variables, object_type, details)
            arguments = (
                None
                if any(mentions_variables(a.value) for a in nodes[0].arguments or ())
                else get_argument_values(field, nodes[0], variables)
            )
            entries.append(RootEntry(key, kind, nodes, field, shape, arguments))
        return tuple(entries)

    def _object(
        self,
        variables: VariableValues,
        object_type: GraphQLObjectType,
        details: list[FieldDetails],
    ) -> ObjectShape:
        rules = self.rules.get(object_type.name)
        if rules is None:
            raise Unsupported(f"type {object_type.name}")
        grouped, deferred, _ = collect_subfields(
            self.schema, self.fragments, variables, self.operation, object_type, details
        )
        if deferred:  # pragma: no cover - the schema has no @defer
            raise Unsupported("deferred fragments")
        entries: list[Entry] = []
        includes: set[str] = set()
        for key, sub in grouped.items():
            name = sub[0].node.name.value
            rule = rules.get(name)
            if rule is None:
                raise Unsupported(f"{object_type.name}.{name}")
            nodes = tuple(detail.node for detail in sub)
            child = None
            if isinstance(rule, Nested):
                item = self.schema.get_type(rule.item_type)
                if not isinstance(item, GraphQLObjectType):  # pragma: no cover
                    raise Unsupported(f"type {rule.item_type}")
                child = self._object(variables, item, sub)
                includes.add(rule.include)
                includes.update(f"{rule.include}.{path}" for path in child.includes)
            entries.append(Entry(key, rule, nodes, child))
        return ObjectShape(object_type.name, tuple(entries), frozenset(includes))
