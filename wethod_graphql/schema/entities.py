"""Federation representations: what `_entities` accepts of each.

Shared by the resolver on graphql-core's path (`WethodSchema.entities_resolver`)
and by execution plans, so both refuse a representation the same way.
"""

from __future__ import annotations

from strawberry.federation.schema import FederationAny

from wethod_graphql.errors import InputError

#: Entity types `_entities` resolves, by `__typename`.
ENTITY_TYPES = frozenset({"Client"})

#: More representations than this in one `_entities` call is refused whole.
MAX_REPRESENTATIONS = 1000


def check_count(representations: list[object]) -> None:
    """`InputError` when one `_entities` call carries too many."""
    if len(representations) > MAX_REPRESENTATIONS:
        raise InputError(
            f"At most {MAX_REPRESENTATIONS} representations; "
            f"got {len(representations)}."
        )


def entity_key(index: int, representation: object) -> FederationAny:
    """The representation cut down to `__typename` and the key field.

    Raises `InputError` naming the representation's index when it is not one
    this subgraph resolves: each representation fails on its own.
    """
    try:
        return _entity_key(representation)
    except InputError as error:
        raise InputError(f"representations[{index}]: {error}") from None


def _entity_key(representation: object) -> FederationAny:
    if not isinstance(representation, dict):
        raise InputError("expected an object")
    typename = representation.get("__typename")
    if typename not in ENTITY_TYPES:
        raise InputError(f"unknown __typename {str(typename)[:40]!r}")
    if "id" not in representation:
        raise InputError("missing the key field 'id'")
    return FederationAny({"__typename": typename, "id": representation["id"]})
