"""What a plan needs to know of an operation's syntax tree, read once."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    ListValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValueNode,
    VariableNode,
)


def mentions_variables(value: ValueNode) -> bool:
    """Whether an argument value is or holds a variable."""
    if isinstance(value, VariableNode):
        return True
    if isinstance(value, ListValueNode):
        return any(mentions_variables(item) for item in value.values)
    if isinstance(value, ObjectValueNode):
        return any(mentions_variables(field.value) for field in value.fields)
    return False


def directive_variables(
    operation: OperationDefinitionNode, fragments: Iterable[FragmentDefinitionNode]
) -> tuple[str, ...]:
    """Variables that `@skip`/`@include` in the operation or a fragment read.

    A shape depends on the variables only through these.
    """
    names: set[str] = set()
    for definition in (operation, *fragments):
        for node in _selections(definition.selection_set):
            for directive in node.directives or ():
                if directive.name.value not in ("skip", "include"):
                    continue
                for argument in directive.arguments or ():
                    if isinstance(argument.value, VariableNode):
                        names.add(argument.value.name.value)
    return tuple(sorted(names))


def _selections(
    selection_set: SelectionSetNode | None,
) -> Iterator[FieldNode | InlineFragmentNode | FragmentSpreadNode]:
    stack: list[Iterable[object]] = [selection_set.selections if selection_set else ()]
    while stack:
        for node in stack.pop():
            if isinstance(node, FieldNode | InlineFragmentNode):
                yield node
                if node.selection_set:
                    stack.append(node.selection_set.selections)
            elif isinstance(node, FragmentSpreadNode):
                yield node
