"""The root fields a plan loads, recognised by their exact signature.

A plan imitates the resolvers of `client`, `clients` and `_entities`
(`plans.keys`). Should one of them change its type or arguments, it stops
being recognised here and its operations run on graphql-core.
"""

from __future__ import annotations

from collections.abc import Mapping

from graphql import GraphQLObjectType, GraphQLSchema, GraphQLUnionType

from wethod_graphql.schema.plans.plan import PlanCompiler
from wethod_graphql.schema.plans.rules import projection_rules
from wethod_graphql.schema.plans.shape import RootKind
from wethod_graphql.upstream.resources import records_by_type

#: Object types backed by a record, which plans project.
RECORDS = records_by_type()

#: Root field -> (kind, its type, its arguments' types), as the SDL spells them.
SIGNATURES: Mapping[str, tuple[RootKind, str, Mapping[str, str]]] = {
    "client": (RootKind.CLIENT, "Client", {"id": "ID!", "deleted": "DeletionFilter!"}),
    "clients": (
        RootKind.CLIENTS,
        "[Client]!",
        {"ids": "[ID!]!", "deleted": "DeletionFilter!"},
    ),
    "_entities": (RootKind.ENTITIES, "[_Entity]!", {"representations": "[_Any!]!"}),
}


def plan_compiler(schema: GraphQLSchema) -> PlanCompiler:
    """A compiler for the root fields of `schema` that match a signature."""
    query = schema.query_type
    client = schema.get_type("Client")
    roots: dict[str, tuple[RootKind, GraphQLObjectType]] = {}
    if query is not None and isinstance(client, GraphQLObjectType):
        for name, (kind, type_, arguments) in SIGNATURES.items():
            field = query.fields.get(name)
            if field is None or str(field.type) != type_:
                continue
            if {n: str(a.type) for n, a in field.args.items()} != arguments:
                continue
            if kind is RootKind.ENTITIES and not _only_clients(schema):
                continue
            roots[name] = (kind, client)
    return PlanCompiler(schema, projection_rules(schema, RECORDS), roots)


def _only_clients(schema: GraphQLSchema) -> bool:
    entity = schema.get_type("_Entity")
    return isinstance(entity, GraphQLUnionType) and [t.name for t in entity.types] == [
        "Client"
    ]
