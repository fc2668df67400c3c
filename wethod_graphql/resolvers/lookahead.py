"""Which REST includes an operation needs, read from its selection set.

A relation the REST API embeds only on request (`include=...`) is a nested
GraphQL field. The root field walks what is really selected below it (named
and inline fragments, aliases, `@skip`/`@include` with the operation's
variables) and asks for exactly those relations, in dot-notation when they
nest. The steps are derived from the resources' descriptions
(`upstream.resources`), never restated: `relations_of(resource)`.

The walk reads graphql-core's AST directly and descends only into fragments
and relations: Strawberry's `info.selected_fields` converts every argument
and directive of the whole subtree first, which cost a tenth of a request.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, cast

from graphql import (
    BooleanValueNode,
    DirectiveNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    SelectionNode,
    VariableNode,
)

from wethod_graphql.upstream.resources import RESOURCES, Relation, Resource


@dataclass(frozen=True, slots=True)
class Step:
    """A GraphQL field the walk follows: a REST include, or a way to one.

    A field with no `include` (a connection's `edges`, an edge's `node`)
    adds no path of its own: the includes below it count as if selected on
    its parent.
    """

    include: str | None  # the REST relation name, as `include=` spells it
    type_name: str  # the GraphQL type the field returns


#: For each GraphQL type: its fields the walk follows.
Steps = Mapping[str, Mapping[str, Step]]


@functools.cache
def relations_of(resource: Resource) -> Steps:
    """The walk's steps for `resource`: its type's relations, theirs in turn,
    and, for a listed resource, its connection's way to its items."""
    steps: dict[str, dict[str, Step]] = {}
    _add(steps, resource.type_name, resource.relations)
    if resource.listed:
        steps[resource.connection_type] = {"edges": Step(None, resource.edge_type)}
        steps[resource.edge_type] = {"node": Step(None, resource.type_name)}
    return steps


def _add(
    steps: dict[str, dict[str, Step]], type_name: str, relations: Iterable[Relation]
) -> None:
    own = steps.setdefault(type_name, {})
    for relation in relations:
        own[relation.field_name] = Step(relation.include, relation.type_name)
        _add(steps, relation.type_name, relation.relations)


#: The steps of every resource the service reads.
STEPS: Steps = {
    type_name: fields
    for resource in RESOURCES
    for type_name, fields in relations_of(resource).items()
}


def include_paths(
    info: GraphQLResolveInfo[Any],
    type_name: str,
    relations: Steps = STEPS,
) -> frozenset[str]:
    """The include paths the selections below the current field need.

    The current field returns `type_name` (or a list of it, or a union
    containing it, as `_entities` does).
    """
    # Strawberry's executor passes the coerced variables as a plain dict;
    # graphql-core's own wraps them in `VariableValues.coerced`.
    variables = cast(
        "Mapping[str, object]",
        getattr(info.variable_values, "coerced", info.variable_values),
    )
    walk = _Walk(info.fragments, variables, relations, info.schema)
    selections = (
        selection
        for node in info.field_nodes
        if node.selection_set
        for selection in node.selection_set.selections
    )
    return frozenset(walk.paths(selections, type_name, prefix=""))


class _Walk:
    def __init__(
        self,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, object],
        relations: Steps,
        schema: GraphQLSchema,
    ) -> None:
        self._fragments = fragments
        self._variables = variables
        self._steps = relations
        self._schema = schema

    def paths(
        self, selections: Iterable[SelectionNode], type_name: str, prefix: str
    ) -> Iterator[str]:
        steps = self._steps.get(type_name, {})
        for field in self._fields(selections, type_name, expanded=set()):
            step = steps.get(field.name.value)
            if step is None:
                continue
            path = prefix
            if step.include is not None:
                path = prefix + step.include
                yield path
                path += "."
            if field.selection_set:
                yield from self.paths(
                    field.selection_set.selections, step.type_name, path
                )

    def _fields(
        self, selections: Iterable[SelectionNode], type_name: str, expanded: set[str]
    ) -> Iterator[FieldNode]:
        """The fields really selected on `type_name`, fragments flattened.

        A named fragment is expanded once per level (`expanded`): a chain of
        fragments each spreading the next twice must not cost 2^n.
        """
        for selection in selections:
            if selection.directives and not self._included(selection):
                continue
            if isinstance(selection, FieldNode):
                yield selection
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                if condition is None or self._applies(condition.name.value, type_name):
                    yield from self._fields(
                        selection.selection_set.selections, type_name, expanded
                    )
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self._fragments.get(name)
                if (
                    fragment is not None
                    and name not in expanded
                    and self._applies(fragment.type_condition.name.value, type_name)
                ):
                    expanded.add(name)
                    yield from self._fields(
                        fragment.selection_set.selections, type_name, expanded
                    )

    def _applies(self, condition: str, type_name: str) -> bool:
        """Whether a fragment on `condition` applies to an object of `type_name`.

        True for the type itself and for a union or interface holding it,
        such as federation's `_Entity`.
        """
        if condition == type_name:
            return True
        abstract = self._schema.get_type(condition)
        concrete = self._schema.get_type(type_name)
        return (
            isinstance(abstract, GraphQLUnionType | GraphQLInterfaceType)
            and isinstance(concrete, GraphQLObjectType)
            and self._schema.is_sub_type(abstract, concrete)
        )

    def _included(self, node: SelectionNode) -> bool:
        for directive in node.directives or ():
            name = directive.name.value
            if name in ("skip", "include") and self._condition(directive) == (
                name == "skip"
            ):
                return False
        return True

    def _condition(self, directive: DirectiveNode) -> bool:
        # Validation has made `if: Boolean!` present and well typed.
        value = next(a.value for a in directive.arguments or () if a.name.value == "if")
        if isinstance(value, VariableNode):
            return self._variables.get(value.name.value) is True
        return isinstance(value, BooleanValueNode) and value.value
