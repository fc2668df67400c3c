"""Which REST includes an operation needs, read from its selection set.

A relation the REST API embeds only on request (`include=...`) is a nested
GraphQL field. The root field walks what is really selected below it (named
and inline fragments, aliases, `@skip`/`@include` with the operation's
variables) and asks for exactly those relations, in dot-notation when they
nest. The relations are declared once, in `RELATIONS`: the next one is a line.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from strawberry.types.nodes import SelectedField, Selection


@dataclass(frozen=True, slots=True)
class Relation:
    """A GraphQL field backed by a REST include."""

    include: str  # the REST relation name, as `include=` spells it
    type_name: str  # the GraphQL type the field returns


#: For each GraphQL type: its fields that are REST includes.
RELATIONS: Mapping[str, Mapping[str, Relation]] = {
    "Client": {
        "externalIdentifiers": Relation("externalIdentifiers", "ExternalIdentifier"),
    },
    "ExternalIdentifier": {},
}


def include_paths(fields: Iterable[Selection], type_name: str) -> frozenset[str]:
    """The include paths the selections under `fields` need.

    `fields` are the nodes of one field that returns `type_name` (or a list
    of it, or a union containing it, as `_entities` does); their selections
    are what the operation asks of each object.
    """
    return frozenset(
        _paths(
            (child for field in fields for child in field.selections),
            type_name,
            prefix="",
        )
    )


def _paths(
    selections: Iterable[Selection], type_name: str, prefix: str
) -> Iterator[str]:
    relations = RELATIONS.get(type_name, {})
    for selection in _selected(selections, type_name):
        relation = relations.get(selection.name)
        if relation is None:
            continue
        path = prefix + relation.include
        yield path
        yield from _paths(selection.selections, relation.type_name, path + ".")


def _selected(
    selections: Iterable[Selection], type_name: str
) -> Iterator[SelectedField]:
    """The fields really selected on `type_name`, fragments flattened."""
    for selection in selections:
        if not _included(selection.directives):
            continue
        if isinstance(selection, SelectedField):
            yield selection
        elif selection.type_condition in (None, type_name):
            yield from _selected(selection.selections, type_name)


def _included(directives: Mapping[str, Mapping[str, object]]) -> bool:
    # Strawberry reports @skip/@include with variables already substituted,
    # but does not apply them.
    skip = directives.get("skip")
    if skip is not None and skip.get("if") is True:
        return False
    include = directives.get("include")
    return include is None or include.get("if") is True
