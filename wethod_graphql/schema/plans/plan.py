"""A prepared operation compiled once more: keys from arguments, then projection.

Running a plan: coerce the variables (graphql-core's own coercion, so bad
variables get the same errors), take the shape for the values of the
directives' variables, turn each root field's arguments into loader keys,
load every key through the request's `ResourceLoader` in one batch, then
project the records. No graphql-core executor runs.

`run` answers None, before any upstream call, when the operation should
run on graphql-core instead: a field without a rule, a non-null root field
refusing its input, arguments or directives that fail to coerce, anything
the plan is not sure of.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from graphql import (
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLObjectType,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
)
from graphql.execution.collect_fields import FragmentDetails
from graphql.execution.values import (
    VariableValues,
    get_argument_values,
    get_variable_values,
)

from wethod_graphql.resolvers.context import Context
from wethod_graphql.resolvers.loaders import Key, ResourceLoader
from wethod_graphql.schema.plans.ast import directive_variables
from wethod_graphql.schema.plans.keys import Demand, RootRefused, demand
from wethod_graphql.schema.plans.project import respond
from wethod_graphql.schema.plans.rules import Rule
from wethod_graphql.schema.plans.shape import (
    ObjectShape,
    RootEntry,
    RootKind,
    Shapes,
    Unsupported,
)

#: As graphql-core's `execute`: coercion stops after this many errors.
MAX_COERCION_ERRORS = 50

#: Shapes kept per plan (one per set of directive values seen); past this,
#: or when the prepared-operations cache will not take its cost, a shape is
#: built for its request only.
MAX_SHAPES = 8

#: What one entry of a kept shape costs in the cache's characters: some
#: 140 bytes (an entry, its nodes tuple, its object's includes), as much
#: as a character of parsed text (100 to 200 bytes).
ENTRY_CHARS = 1

#: The variables of an operation that defines none; only ever read.
NO_VARIABLES = VariableValues({}, {})

Outcome = tuple[dict[str, Any] | None, list[GraphQLError]]
_Shape = tuple[RootEntry, ...] | None  # None: this shape is not supported


class Plan:
    """One operation of a prepared document, ready to run without graphql-core."""

    def __init__(
        self,
        shapes: Shapes,
        directive_variables: tuple[str, ...],
        charge: Callable[[int], bool] = lambda _cost: True,
    ) -> None:
        """`charge(cost)` asks to keep a shape of `cost` characters (see
        `schema.operations`); False: the shape serves its request only."""
        self._shapes = shapes
        self._operation = shapes.operation
        self._directive_variables = directive_variables
        self._charge = charge
        self._kept: dict[tuple[object, ...], _Shape] = {}

    async def run(
        self, raw_variables: Mapping[str, Any] | None, context: Context
    ) -> Outcome | None:
        """`(data, errors)`, or None: graphql-core should answer."""
        if raw_variables is not None and not isinstance(raw_variables, dict):
            return None
        variables = self._variables(raw_variables or {})
        if isinstance(variables, list):
            return None, variables
        entries = self._shape(variables)
        if entries is None:
            return None
        try:
            demands = {
                entry.key: self._demand(entry, variables, context.max_ids)
                for entry in entries
                if entry.kind is not RootKind.TYPENAME
            }
        except (RootRefused, GraphQLError, LookupError, ValueError, TypeError):
            return None
        if context.loader.explains:
            _note_paths(demands, context.loader)
        loaded = await context.loader.load_all(_keys_in_batch_order(demands))
        return respond(entries, demands, loaded)

    def _variables(self, raw: dict[str, Any]) -> VariableValues | list[GraphQLError]:
        definitions = self._operation.variable_definitions
        if not definitions:
            # Nothing to coerce: what graphql-core makes of any input, made
            # once (with the kept keys of `_demand`, measured: some 31,000
            # instructions less per single-client request).
            return NO_VARIABLES
        return get_variable_values(
            self._shapes.schema, definitions, raw, max_errors=MAX_COERCION_ERRORS
        )

    def _shape(self, variables: VariableValues) -> _Shape:
        coerced = variables.coerced
        values = tuple(coerced.get(name) for name in self._directive_variables)
        try:
            if values in self._kept:
                return self._kept[values]
        except TypeError:  # pragma: no cover - validation makes them booleans
            return None
        try:
            shape: _Shape = self._shapes.build(variables)
        except Unsupported:
            shape = None
        except (GraphQLError, RecursionError):
            return None  # a directive that fails to coerce: graphql-core's error
        if len(self._kept) < MAX_SHAPES and self._charge(shape_cost(shape)):
            self._kept[values] = shape
        return shape

    def _demand(
        self, entry: RootEntry, variables: VariableValues, max_ids: int
    ) -> Demand:
        """The entry's keys; made once for arguments without variables when
        they are all keys (see `_variables` for the saving). An error stays
        per request: it is made and located anew."""
        if entry.arguments is None:
            if entry.field is None:  # pragma: no cover - only `__typename` has none
                raise RootRefused
            arguments = get_argument_values(entry.field, entry.nodes[0], variables)
            return demand(entry, arguments, max_ids)
        made: Demand | None = entry.demands.get(max_ids)
        if made is None:
            made = demand(entry, entry.arguments, max_ids)
            if all(isinstance(item, Key) for item in made.items):
                entry.demands.clear()  # one `max_ids` per process: one kept
                entry.demands[max_ids] = made
        return made


def _note_paths(demands: Mapping[str, Demand], loader: ResourceLoader) -> None:
    """Where each key's answer goes, for `extensions.upstream` (explain)."""
    for key, need in demands.items():
        single = need.entry.kind is RootKind.CLIENT
        for index, item in enumerate(need.items):
            if isinstance(item, Key):
                loader.serve(item, [key] if single else [key, index])


def shape_cost(shape: _Shape) -> int:
    """What keeping `shape` costs, in the cache's characters."""
    if shape is None:
        return ENTRY_CHARS
    return sum(ENTRY_CHARS + _object_cost(entry.shape) for entry in shape)


def _object_cost(shape: ObjectShape | None) -> int:
    if shape is None:
        return 0
    return sum(ENTRY_CHARS + _object_cost(entry.child) for entry in shape.entries)


def _keys_in_batch_order(demands: Mapping[str, Demand]) -> list[Key]:
    """Every key, in the order graphql-core's resolvers would load them.

    Some fields load as their resolvers start, the others one step later
    (`Demand.immediate`). The order decides which keys the per-operation call
    budget refuses.
    """
    if len(demands) == 1:
        # One root field, the most common operation: its keys, in order.
        (need,) = demands.values()
        return [item for item in need.items if isinstance(item, Key)]
    singles = [d for d in demands.values() if d.immediate]
    lists = [d for d in demands.values() if not d.immediate]
    return [
        item
        for group in (singles, lists)
        for d in group
        for item in d.items
        if isinstance(item, Key)
    ]


class PlanCompiler:
    """Compiles operations of one schema into plans."""

    def __init__(
        self,
        schema: GraphQLSchema,
        rules: Mapping[str, Mapping[str, Rule]],
        roots: Mapping[str, tuple[RootKind, GraphQLObjectType]],
    ) -> None:
        self._schema = schema
        self._rules = rules
        self._roots = roots

    def compile(
        self,
        operation: OperationDefinitionNode,
        fragments: tuple[FragmentDefinitionNode, ...],
        charge: Callable[[int], bool] = lambda _cost: True,
    ) -> Plan | None:
        """The operation's plan; None when it should always run on graphql-core.

        `charge` is asked before the plan keeps a shape (see `Plan`)."""
        if operation.operation is not OperationType.QUERY:
            return None
        if any(fragment.variable_definitions for fragment in fragments):
            return None  # fragment arguments: graphql-core's experimental feature
        details = {f.name.value: FragmentDetails(f, None) for f in fragments}
        shapes = Shapes(self._schema, operation, details, self._rules, self._roots)
        return Plan(shapes, directive_variables(operation, fragments), charge)
