"""The subgraph schema: types, federation, limits, caches and error codes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from inspect import isawaitable
from typing import Any, TypeGuard, cast

import strawberry
from graphql import ASTValidationRule, GraphQLError, specified_rules
from graphql import execute as execute_document
from strawberry.execution import optimized_is_awaitable
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
)
from strawberry.federation.schema import FederationAny
from strawberry.schema.schema import DEFAULT_ALLOWED_OPERATION_TYPES
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.graphql import OperationType

from wethod_graphql.observe.observer import NO_OBSERVER, Observer
from wethod_graphql.resolvers.context import Context
from wethod_graphql.schema.clients import Client
from wethod_graphql.schema.entities import entity_keys, resolve_each
from wethod_graphql.schema.errors import (
    ErrorCodes,
    log_errors,
    public_error,
)
from wethod_graphql.schema.limits import limit_rules
from wethod_graphql.schema.observing import observe_operation
from wethod_graphql.schema.operations import Operation, Prepared, PreparedOperations
from wethod_graphql.schema.plans.roots import plan_compiler
from wethod_graphql.schema.query import Query
from wethod_graphql.upstream.resources import RESOURCES, Resource

#: Parsing stops past this many tokens: a 1 MiB body of `{a{a{a...` would
#: otherwise cost seconds. GraphiQL's introspection query is under 200.
MAX_TOKENS = 20_000

#: Strawberry's awaitable check (fast for plain values), as its own path uses;
#: it is typed as a plain predicate.
_is_awaitable = cast(
    "Callable[[Any], TypeGuard[Awaitable[Any]]]", optimized_is_awaitable
)

#: Characters of operation texts kept, their plans' shapes charged in too
#: (`schema.operations`). Full: 11 to 34 MiB (`bench/memory --cache`), 16 MiB
#: of the texts keeping the most shapes (`bench/plan_shapes.py`).
CACHE_CHARS = 128 * 1024
#: A longer valid text is prepared for its request only, never kept.
CACHE_TEXT_CHARS = 16 * 1024
#: A longer invalid text is not kept either: junk must not evict operations.
CACHE_INVALID_CHARS = 2 * 1024


class WethodSchema(strawberry.federation.Schema):
    """A federation v2 schema that logs by severity and checks representations.

    An operation text seen before is not parsed or validated again (see
    `schema.operations`): its compiled execution plan runs first
    (`schema.plans`), and what no plan answers runs on graphql-core's
    executor (with Strawberry's executor class, so resolvers see the same
    `info`). What only Strawberry's full path knows how to
    refuse (no query, an ambiguous or unknown operation name, an operation
    type the transport forbids) still takes that path.
    """

    #: What each operation is reported to; the server sets the app's own.
    observer: Observer = NO_OBSERVER

    def __init__(
        self,
        *args: Any,
        validation_rules: Sequence[type[ASTValidationRule]] = (),
        resources: Sequence[Resource] = RESOURCES,
        plans: bool = True,
        **kwargs: Any,
    ) -> None:
        """`resources` are the REST resources the schema's types show; those
        with an entity key are what `_entities` resolves. `plans=False`
        compiles no plan: graphql-core runs every operation."""
        if "extensions" in kwargs:
            raise TypeError(
                "WethodSchema sets its own extensions: most requests take the "
                "prepared path, which runs none."
            )
        rules = tuple(validation_rules)
        # What Strawberry's path needs to refuse what the prepared path
        # refuses, the same way. Factories, never instances: an instance
        # would be shared by every request.
        kwargs["extensions"] = [
            lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
            lambda: AddValidationRules(list(rules)),
            ErrorCodes,
        ]
        super().__init__(*args, **kwargs)
        #: `__typename` -> the key field, for each entity type.
        self.entity_keys = entity_keys(resources)
        if (
            self.directives
            or self.config.enable_experimental_incremental_execution
            or self.config.disable_field_suggestions
        ):
            raise TypeError(
                "WethodSchema's prepared path runs no operation directive, no "
                "incremental delivery and keeps field suggestions."
            )
        self.operations = PreparedOperations(
            self._schema,
            (*specified_rules, *rules),
            max_tokens=MAX_TOKENS,
            max_chars=CACHE_CHARS,
            max_text_chars=CACHE_TEXT_CHARS,
            max_invalid_chars=CACHE_INVALID_CHARS,
            compiler=plan_compiler(self._schema).compile if plans else None,
        )
        #: Whether compiled plans run; off, graphql-core (the reference)
        #: answers every operation, as the differential test compares.
        self.run_plans = plans

    async def execute(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        """The result; the operation noted, traced and explained when asked."""
        prepared = self.operations.prepare(query) if query else None
        # The run itself, not a function making it: one frame less per
        # request. It starts only when `observe_operation` awaits it.
        run = self._execute(
            prepared,
            query,
            variable_values,
            context_value,
            root_value,
            operation_name,
            allowed_operation_types,
            operation_extensions,
        )
        return await observe_operation(
            self.observer, prepared, operation_name, query, run
        )

    async def _execute(
        self,
        prepared: Prepared | None,
        query: str | None,
        variable_values: dict[str, Any] | None,
        context_value: Any | None,
        root_value: Any | None,
        operation_name: str | None,
        allowed_operation_types: Iterable[OperationType] | None,
        operation_extensions: dict[str, Any] | None,
    ) -> ExecutionResult:
        allowed = (
            DEFAULT_ALLOWED_OPERATION_TYPES
            if allowed_operation_types is None
            else allowed_operation_types
        )
        if prepared is not None and not prepared.parsed:
            return _refused(prepared.errors, parsed=False, operation_name=None)
        operation = prepared.choose(operation_name) if prepared else None
        if operation is None or operation.type not in allowed:
            # Strawberry checks the operation before validation errors count.
            return await self._execute_with_hooks(
                query,
                variable_values,
                context_value,
                root_value,
                operation_name,
                allowed,
                operation_extensions,
            )
        if prepared is not None and prepared.errors:
            return _refused(prepared.errors, parsed=True, operation_name=operation.name)
        plan = operation.plan if self.run_plans else None
        if (
            plan is not None
            and root_value is None
            and isinstance(context_value, Context)
        ):
            answered = await plan.run(variable_values, context_value)
            if answered is not None:
                data, errors = answered
                return _answer(data, errors, operation.name, parsed=True, executed=True)
        return await self._execute_document(
            operation,
            variable_values,
            context_value,
            root_value,
            operation_extensions,
        )

    async def _execute_document(
        self,
        operation: Operation,
        variable_values: dict[str, Any] | None,
        context_value: Any | None,
        root_value: Any | None,
        operation_extensions: dict[str, Any] | None,
    ) -> ExecutionResult:
        """graphql-core's executor, for what no plan answers."""
        outcome = execute_document(
            self._schema,
            operation.document,
            root_value=root_value,
            context_value=context_value,
            variable_values=variable_values,
            operation_name=operation.name,
            executor_class=self.execution_context_class,
            is_awaitable=_is_awaitable,
            operation_extensions=operation_extensions,
        )
        result = await outcome if isawaitable(outcome) else outcome
        return _answer(
            result.data, result.errors, operation.name, parsed=True, executed=True
        )

    async def _execute_with_hooks(self, *args: Any) -> ExecutionResult:
        """Strawberry's own path, with its extensions."""
        result = await super().execute(*args)
        # An exception that escaped a hook (a bug) skips ErrorCodes'
        # post-operation step: mask it here. Coded errors pass unchanged.
        if result.errors:
            result.errors = [
                public_error(error, parsed=True, executed=False)
                for error in result.errors
            ]
        return result

    def process_errors(
        self,
        errors: list[GraphQLError],
        execution_context: ExecutionContext | None = None,
    ) -> None:
        log_errors(
            errors, execution_context.operation_name if execution_context else None
        )

    def entities_resolver(
        self, info: strawberry.Info, representations: list[FederationAny]
    ) -> list[FederationAny]:
        return resolve_each(
            info, representations, self.entity_keys, super().entities_resolver
        )


def _refused(
    errors: Sequence[GraphQLError], *, parsed: bool, operation_name: str | None
) -> ExecutionResult:
    """The result for a text that does not parse or validate."""
    return _answer(None, errors, operation_name, parsed=parsed, executed=False)


def _answer(
    data: dict[str, Any] | None,
    errors: Sequence[GraphQLError] | None,
    operation_name: str | None,
    *,
    parsed: bool,
    executed: bool,
) -> ExecutionResult:
    """A prepared-path result: errors logged, then given their codes."""
    if errors:
        log_errors(errors, operation_name)
    return ExecutionResult(
        data=data,
        errors=[public_error(e, parsed=parsed, executed=executed) for e in errors]
        if errors
        else None,
        extensions={},
    )


def build_schema(
    *, max_depth: int = 15, max_aliases: int = 100, plans: bool = True
) -> WethodSchema:
    """The schema, with its validation rules built once (not per request)."""
    return WethodSchema(
        query=Query,
        types=[Client],
        validation_rules=limit_rules(max_depth, max_aliases),
        plans=plans,
    )
