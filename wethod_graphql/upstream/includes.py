"""Which relations a call may embed, and whether the answer embedded them.

A 200 body that leaves out a relation the call asked for is not the
expected answer: it is the upstream's fault (`UpstreamUnavailable`), found
here at the boundary rather than as a missing value deep in a resolver.
"""

from __future__ import annotations

from collections.abc import Iterable

from wethod_graphql.errors import InputError, UpstreamUnavailable
from wethod_graphql.upstream.resources import Relation, Resource


def check_includes(resource: Resource, include: frozenset[str]) -> None:
    """`InputError` unless `resource` can embed every path of `include`."""
    unknown = include - resource.includes
    if unknown:
        raise InputError(f"Unknown relation(s): {', '.join(sorted(unknown))}.")


def require_included(
    resource: Resource, records: Iterable[object], include: frozenset[str]
) -> None:
    """`UpstreamUnavailable` when a record lacks a relation of `include`.

    A relation left out (absent or null) parses as `None`; an included one
    is a tuple, possibly empty. Nested paths (`a.b`) are checked on every
    item of `a`.
    """
    for path in sorted(include):
        names = path.split(".")
        for record in records:
            _require(record, resource.relations, names, path)


def _require(
    record: object, relations: tuple[Relation, ...], names: list[str], path: str
) -> None:
    relation = next(r for r in relations if r.include == names[0])
    items = getattr(record, relation.attribute)
    if items is None:
        raise UpstreamUnavailable(f"The Wethod API left out {path}.")
    if len(names) > 1:
        for item in items:
            _require(item, relation.relations, names[1:], path)
