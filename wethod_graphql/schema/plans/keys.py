"""Root fields to loader keys: each field's arguments, checked as its resolver does.

The checks and messages are the resolvers' own (`parse_client_id`, the id
and representation limits, `schema.entities.entity_key`), called in the same
order, so a plan refuses exactly what graphql-core's path refuses. Where a
resolver's refusal would null a non-null root field (`clients`, `_entities`)
and with it the whole answer, graphql-core's partial work (the siblings it
started, then cancelled) is not worth imitating: `RootRefused` sends the
operation there instead, before any upstream call.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from wethod_graphql.errors import InputError
from wethod_graphql.resolvers.loaders import Key
from wethod_graphql.schema.entities import MAX_REPRESENTATIONS, entity_key
from wethod_graphql.schema.plans.shape import RootEntry, RootKind
from wethod_graphql.schema.types import DeletionFilter
from wethod_graphql.upstream import Deleted, parse_client_id
from wethod_graphql.upstream.resources import CLIENTS


class RootRefused(Exception):
    """A non-null root field refuses its input: graphql-core answers."""


class Demand(NamedTuple):
    """What one root field needs: a key, or the error, for each of its items.

    Immutable, as a frozen dataclass would be, built in half the
    instructions (measured: some 4,000 less per root field).
    """

    entry: RootEntry
    items: Sequence[Key | InputError]
    #: Whether graphql-core's resolver loads at once rather than one step
    #: later: a `client` field, or an `_entities` list with one representation
    #: of a known type (graphql-core awaits a lone item without a task).
    immediate: bool = False


def demand(entry: RootEntry, args: Mapping[str, Any], max_ids: int) -> Demand:
    """The keys of one `client`, `clients` or `_entities` field."""
    shape = entry.shape
    include = shape.includes if shape is not None else frozenset()
    if entry.kind is RootKind.CLIENT:
        deleted = _deleted(args["deleted"])
        try:
            item: Key | InputError = Key(
                CLIENTS, parse_client_id(args["id"]), deleted, include
            )
        except InputError as error:
            item = error
        return Demand(entry, (item,), immediate=True)
    if entry.kind is RootKind.CLIENTS:
        ids = args["ids"]
        deleted = _deleted(args["deleted"])
        if len(ids) > max_ids:
            raise RootRefused
        try:
            return Demand(
                entry,
                tuple(Key(CLIENTS, parse_client_id(i), deleted, include) for i in ids),
            )
        except InputError:
            raise RootRefused from None
    if entry.kind is RootKind.ENTITIES:
        representations = args["representations"]
        if len(representations) > MAX_REPRESENTATIONS:
            raise RootRefused
        items = tuple(
            _entity(index, representation, include)
            for index, representation in enumerate(representations)
        )
        typed = sum(not isinstance(item, _Untyped) for item in items)
        return Demand(entry, items, immediate=typed == 1)
    raise RootRefused  # pragma: no cover - `__typename` demands nothing


def _deleted(value: object) -> Deleted:
    """The filter from a coerced argument: an enum value's name given in the
    operation arrives as its value, the default as the enum member."""
    if isinstance(value, DeletionFilter):
        return value.upstream
    return Deleted(value)


class _Untyped(InputError):
    """A representation refused before its type's `resolve_reference` runs."""


def _entity(
    index: int, representation: object, include: frozenset[str]
) -> Key | InputError:
    try:
        key: dict[str, Any] = entity_key(index, representation)  # type: ignore[assignment]
    except InputError as error:
        return _Untyped(error.message)
    try:
        return Key(CLIENTS, parse_client_id(key["id"]), Deleted.INCLUDE, include)
    except InputError as error:
        return error
