"""Validation rules for the service's limits, built once per schema.

The rule built here runs where every validation runs: in
`schema.operations.PreparedOperations` (once per operation text) and, for
what only Strawberry's path answers, through `AddValidationRules`.
Strawberry's `QueryDepthLimiter` and `MaxAliasesLimiter` extensions would
walk every request again.

Depth and aliases are measured in one walk that measures each fragment once:
a fragment spread twice in each of 25 chained fragments is 2^25 expansions
for a walk that follows every spread (Strawberry's limiters do), and one
kilobyte of query would hold the process for seconds.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
)


def limit_rules(max_depth: int, max_aliases: int) -> list[type[ASTValidationRule]]:
    """The validation rule enforcing both limits.

    Depth counts fields, introspection ones too (a deep `__type { ofType {
    ofType ... } }` costs like any other nesting). Aliases are counted over
    all operations, once per use of the fragment that holds them.
    """

    class OperationLimits(ValidationRule):
        def enter_document(self, node: DocumentNode, *_args: Any) -> None:
            measure = _Measure(node)
            aliases = 0
            for definition in node.definitions:
                if not isinstance(definition, OperationDefinitionNode):
                    continue
                depth, count = measure.selections(definition.selection_set)
                aliases += count
                if depth > max_depth:
                    name = definition.name.value if definition.name else "operation"
                    self.report_error(
                        GraphQLError(
                            f"'{name}' exceeds the maximum depth of {max_depth}.",
                            definition,
                        )
                    )
            if aliases > max_aliases:
                shown = aliases if aliases < 10**6 else "over a million"
                self.report_error(
                    GraphQLError(f"{shown} aliases; at most {max_aliases} are allowed.")
                )

    return [OperationLimits]


class _Measure:
    """(depth, aliases) of selection sets, each fragment measured once."""

    def __init__(self, document: DocumentNode) -> None:
        self._fragments = {
            d.name.value: d
            for d in document.definitions
            if isinstance(d, FragmentDefinitionNode)
        }
        self._measured: dict[str, tuple[int, int]] = {}
        self._measuring: set[str] = set()

    def selections(self, selection_set: SelectionSetNode | None) -> tuple[int, int]:
        if selection_set is None:
            return 0, 0
        deepest = aliases = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                depth, count = self.selections(selection.selection_set)
                depth += 1
                count += 1 if selection.alias else 0
            elif isinstance(selection, InlineFragmentNode):
                depth, count = self.selections(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                depth, count = self._fragment(selection.name.value)
            else:  # pragma: no cover - graphql-core has no other selection kind
                continue
            deepest = max(deepest, depth)
            aliases += count
        return deepest, aliases

    def _fragment(self, name: str) -> tuple[int, int]:
        if name in self._measured:
            return self._measured[name]
        fragment = self._fragments.get(name)
        if fragment is None or name in self._measuring:
            return 0, 0  # other rules report unknown and cyclic fragments
        self._measuring.add(name)
        self._measured[name] = self.selections(fragment.selection_set)
        self._measuring.discard(name)
        return self._measured[name]
