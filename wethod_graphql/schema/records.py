"""GraphQL objects from upstream records, for any resource's types.

A type's scalar fields are plain attributes filled once from the record of
the same name (a resolver per scalar field would cost several times more
for nothing); integer keys become `ID`s. Its relations are resolvers over
the record it keeps (`record`, private), which hold what the look-ahead
asked the upstream to embed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import strawberry
from strawberry.types.base import StrawberryOptional, has_object_definition

T = TypeVar("T")

#: For each GraphQL type: its plain fields, and whether each is an `ID`.
_FIELDS: dict[type[Any], tuple[tuple[str, bool], ...]] = {}


def from_record(cls: type[T], record: Any) -> T:
    """An instance of the GraphQL type `cls` showing `record`."""
    fields = _FIELDS.get(cls)
    if fields is None:
        fields = _FIELDS[cls] = _plain_fields(cls)
    values: dict[str, object] = {}
    for name, is_id in fields:
        value = getattr(record, name)
        values[name] = (
            strawberry.ID(str(value)) if is_id and value is not None else value
        )
    return cls(**values, record=record)  # type: ignore[call-arg]


def related(record: Any, attribute: str, to: Callable[[Any], T]) -> list[T]:
    """The items of a relation the upstream embedded, as GraphQL objects."""
    loaded = getattr(record, attribute)
    if loaded is None:
        # The look-ahead decides what is fetched; reaching this is its bug.
        raise RuntimeError(f"{attribute} selected but not fetched")
    return [to(item) for item in loaded]


def _plain_fields(cls: type[Any]) -> tuple[tuple[str, bool], ...]:
    if not has_object_definition(cls):
        raise TypeError(f"{cls.__name__} is not a Strawberry type")
    fields = []
    for field in cls.__strawberry_definition__.fields:
        if field.base_resolver is not None or field.python_name == "record":
            continue  # a relation, resolved from the record; the record itself
        kind = field.type
        if isinstance(kind, StrawberryOptional):
            kind = kind.of_type
        fields.append((field.python_name, kind is strawberry.ID))
    return tuple(fields)
