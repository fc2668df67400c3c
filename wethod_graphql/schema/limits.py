"""Validation rules for the service's limits, built once per schema.

Passing `QueryDepthLimiter` or `MaxAliasesLimiter` as extensions defeats the
validation cache; rules built here are added with `AddValidationRules`, so a
validated document is never validated again.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    ASTValidationRule,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
)
from strawberry.extensions.max_aliases import create_validator as max_aliases_rule


def limit_rules(max_depth: int, max_aliases: int) -> list[type[ASTValidationRule]]:
    return [depth_rule(max_depth), max_aliases_rule(max_aliases)]


def depth_rule(max_depth: int) -> type[ValidationRule]:
    """Rejects operations nested deeper than `max_depth` fields.

    Unlike Strawberry's limiter this counts introspection fields too: a deep
    `__type { ofType { ofType ... } }` costs as much as any other nesting.
    """

    class MaxDepth(ValidationRule):
        def enter_operation_definition(
            self, node: OperationDefinitionNode, *_args: Any
        ) -> None:
            fragments = {
                d.name.value: d
                for d in self.context.document.definitions
                if isinstance(d, FragmentDefinitionNode)
            }
            depth = _depth(node.selection_set, fragments, frozenset(), max_depth)
            if depth > max_depth:
                name = node.name.value if node.name else "operation"
                self.report_error(
                    GraphQLError(
                        f"'{name}' exceeds the maximum depth of {max_depth}.", node
                    )
                )

    return MaxDepth


def _depth(
    selection_set: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    visited: frozenset[str],
    limit: int,
) -> int:
    """The depth in fields below `selection_set`, stopping once past `limit`."""
    if selection_set is None or limit < 0:
        return 0
    deepest = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            depth = 1 + _depth(selection.selection_set, fragments, visited, limit - 1)
        elif isinstance(selection, InlineFragmentNode):
            depth = _depth(selection.selection_set, fragments, visited, limit)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is None or name in visited:
                continue  # other rules report unknown and cyclic fragments
            depth = _depth(fragment.selection_set, fragments, visited | {name}, limit)
        else:  # pragma: no cover - graphql-core has no other selection kind
            continue
        deepest = max(deepest, depth)
    return deepest
