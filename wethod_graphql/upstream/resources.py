"""One description of each REST resource the service reads.

Everything that differs from one resource to the next is written here, once:
where it lives, the record its bodies parse into, the relations `include=`
embeds, the GraphQL type that shows it, its entity key and the permission
the upstream asks for. The upstream call policy (`client`), the loader
(`resolvers.loaders`), the look-ahead's relations (`resolvers.lookahead`),
the record parsers (`records`) and federation's entity types derive from
these descriptions instead of restating them.

Types are named by their GraphQL names, as strings: this layer knows no
GraphQL, only what the schema will call things.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from wethod_graphql.errors import InputError
from wethod_graphql.upstream.records import (
    MAX_ID,
    ClientRecord,
    ExternalIdentifierRecord,
)

_ID = re.compile(r"[0-9]{1,19}")


@dataclass(frozen=True, slots=True)
class Relation:
    """A relation the upstream embeds on request (`include=<include>`)."""

    include: str  # as `include=` spells it: `externalIdentifiers`
    attribute: str  # the record's attribute holding it: `external_identifiers`
    type_name: str  # the GraphQL type of its items: `ExternalIdentifier`
    record: type[Any]  # the record of its items
    #: Relations of its items, for nested includes (`a.b`).
    relations: tuple[Relation, ...] = ()

    @property
    def field_name(self) -> str:
        """The GraphQL field showing it: the include name."""
        return self.include


# eq=False: a resource is one object for the process's life, equal only to
# itself; every loader key hashes it, and hashing its fields (relations
# included) cost more than the rest of the key.
@dataclass(frozen=True, slots=True, eq=False)
class Resource:
    """A REST resource: `GET {path}/{id}` and, if `listed`, `GET {path}`."""

    name: str  # plural, for messages: `clients`
    path: str  # the collection: `/api/clients`
    noun: str  # one item, for messages: `Client`
    record: type[Any]  # what one item's body parses into
    type_name: str  # the GraphQL type showing an item: `Client`
    permission: str  # what a 403 says the credentials lack: `crm.view`
    relations: tuple[Relation, ...] = ()
    #: The GraphQL field federation looks items up by; None: not an entity.
    entity_key: str | None = "id"
    #: Whether `GET {path}` lists items, and the fields it filters on.
    listed: bool = False
    filters: frozenset[str] = frozenset()
    #: Every include path the upstream accepts, nested ones in dot-notation.
    includes: frozenset[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # Derived once: every upstream call checks its includes against it.
        object.__setattr__(self, "includes", frozenset(_paths(self.relations, "")))

    @property
    def connection_type(self) -> str:
        """The GraphQL type of a page of items: `ClientConnection`."""
        return f"{self.type_name}Connection"

    @property
    def edge_type(self) -> str:
        return f"{self.type_name}Edge"


def _paths(relations: tuple[Relation, ...], prefix: str) -> list[str]:
    paths: list[str] = []
    for relation in relations:
        path = prefix + relation.include
        paths += [path, *_paths(relation.relations, path + ".")]
    return paths


CLIENTS = Resource(
    name="clients",
    path="/api/clients",
    noun="Client",
    record=ClientRecord,
    type_name="Client",
    permission="crm.view",
    relations=(
        Relation(
            "externalIdentifiers",
            "external_identifiers",
            "ExternalIdentifier",
            ExternalIdentifierRecord,
        ),
    ),
    listed=True,
    filters=frozenset({"updated_at", "deleted_at"}),
)

#: Every resource the service reads.
RESOURCES: tuple[Resource, ...] = (CLIENTS,)


def records_by_type(
    resources: tuple[Resource, ...] = RESOURCES,
) -> dict[str, type[Any]]:
    """The record behind each GraphQL type of `resources`, relations included."""
    found: dict[str, type[Any]] = {}

    def add(type_name: str, record: type[Any], relations: tuple[Relation, ...]) -> None:
        found[type_name] = record
        for relation in relations:
            add(relation.type_name, relation.record, relation.relations)

    for resource in resources:
        add(resource.type_name, resource.record, resource.relations)
    return found


def parse_id(value: str | int, resource: Resource) -> int:
    """An id of `resource` as the API accepts it (`[0-9]+`, >= 1), or `InputError`."""
    text = str(value)
    number = int(text) if _ID.fullmatch(text) else 0
    if not 1 <= number <= MAX_ID:
        noun = resource.noun.lower()
        raise InputError(f"Invalid {noun} id {text[:40]!r}: expected an integer >= 1.")
    return number


def parse_client_id(value: str | int) -> int:
    """A client id as the API accepts it, or `InputError`."""
    return parse_id(value, CLIENTS)
