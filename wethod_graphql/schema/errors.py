"""How errors reach a client (with a stable `extensions.code`) and the log.

Expected failures (`WethodGraphQLError`) keep their message and gain their
code and upstream details. GraphQL's own errors keep their message and get
the code of the phase that raised them. Anything else is a bug: the client
sees a fixed message and `INTERNAL_SERVER_ERROR`; the log gets the trace.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError, OperationDefinitionNode
from strawberry.extensions import SchemaExtension

from wethod_graphql.errors import (
    InputError,
    NotFound,
    RateLimited,
    UpstreamBadRequest,
    UpstreamError,
    WethodGraphQLError,
)

logger = logging.getLogger("wethod_graphql.errors")

INTERNAL_MESSAGE = "Internal server error."

#: Paths listed in one log line for errors of one kind.
_PATHS_SHOWN = 5

# Expected outcomes a caller causes are INFO; the upstream failing is WARNING.
_CALLER_CAUSED = (InputError, NotFound, UpstreamBadRequest)


class ErrorCodes(SchemaExtension):
    """Gives every error of a result its `extensions.code`, masking bugs."""

    def __init__(self) -> None:
        self._executed = False

    def on_execute(self) -> Iterator[None]:
        self._executed = True
        context = self.execution_context
        # `operation_name` falls back to the first operation's; only the name
        # the request gave tells whether one was chosen.
        chosen = getattr(context, "_provided_operation_name", None)
        document = context.graphql_document  # parsed: execution follows a parse
        definitions = document.definitions if document else ()
        operations = sum(isinstance(d, OperationDefinitionNode) for d in definitions)
        if chosen is None and operations > 1:
            # The spec makes this an error; Strawberry would run the first
            # operation. A result set here replaces execution.
            context.result = GraphQLExecutionResult(
                data=None,
                errors=[
                    GraphQLError(
                        "Must provide operation name if query contains "
                        "multiple operations.",
                        extensions={"code": "GRAPHQL_VALIDATION_FAILED"},
                    )
                ],
            )
        yield

    def on_operation(self) -> Iterator[None]:
        self._executed = False
        yield
        result = self.execution_context.result
        if result is not None and result.errors:
            parsed = self.execution_context.graphql_document is not None
            result.errors = [
                public_error(error, parsed=parsed, executed=self._executed)
                for error in result.errors
            ]


def public_error(error: GraphQLError, *, parsed: bool, executed: bool) -> GraphQLError:
    """The error as the client sees it."""
    if error.extensions and "code" in error.extensions:
        return error  # made here, already final
    original = error.original_error
    if isinstance(original, WethodGraphQLError):
        return _with(error, original.message, _extensions(original))
    if original is not None and not isinstance(original, GraphQLError):
        return _with(error, INTERNAL_MESSAGE, {"code": "INTERNAL_SERVER_ERROR"})
    if not parsed:
        code = "GRAPHQL_PARSE_FAILED"
    elif not executed:
        code = "GRAPHQL_VALIDATION_FAILED"
    elif error.path is None:
        code = "BAD_USER_INPUT"  # variables that do not fit their types
    else:
        # graphql-core's own complaint during execution (a null for a
        # non-null field): a bug of ours, with nothing worth showing.
        return _with(error, INTERNAL_MESSAGE, {"code": "INTERNAL_SERVER_ERROR"})
    return _with(error, error.message, {"code": code})


def _extensions(error: WethodGraphQLError) -> dict[str, object]:
    extensions: dict[str, object] = {"code": error.code}
    if isinstance(error, UpstreamError) and error.status is not None:
        extensions["upstream"] = {"status": error.status, "key": error.key}
    if isinstance(error, UpstreamBadRequest):
        extensions["failures"] = [
            {"field": f.field, "message": f.message} for f in error.failures
        ]
    if isinstance(error, RateLimited) and error.retry_after is not None:
        extensions["retryAfter"] = error.retry_after
    return extensions


def _with(
    error: GraphQLError, message: str, extensions: dict[str, object]
) -> GraphQLError:
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions=extensions,
    )


def log_errors(errors: Sequence[GraphQLError], operation_name: str | None) -> None:
    """One line per kind of expected error; the trace for each bug.

    A gateway resolving 100 references may get 100 identical errors: they
    become one line with a count and the first paths, not 100 lines.
    """
    operation = operation_name or "-"
    # (level, kind) -> the first message of that kind and every path
    groups: dict[tuple[int, str], tuple[str, list[str]]] = {}
    for error in errors:
        original = error.original_error
        path = ".".join(str(p) for p in error.path or ()) or "-"
        if original is None or isinstance(original, GraphQLError):
            key = (logging.INFO, f"graphql error in {operation}")
            groups.setdefault(key, (error.message, []))[1].append(path)
        elif isinstance(original, WethodGraphQLError):
            caller_caused = isinstance(original, _CALLER_CAUSED)
            level = logging.INFO if caller_caused else logging.WARNING
            key = (level, original.code + _upstream_note(original))
            groups.setdefault(key, (original.message, []))[1].append(path)
        else:
            logger.error("unexpected error at %s", path, exc_info=original)
    for (level, kind), (message, paths) in groups.items():
        shown = ", ".join(paths[:_PATHS_SHOWN])
        more = ", ..." if len(paths) > _PATHS_SHOWN else ""
        logger.log(level, "%s x%d at %s%s: %s", kind, len(paths), shown, more, message)


def _upstream_note(error: WethodGraphQLError) -> str:
    if isinstance(error, UpstreamError) and error.status is not None:
        key = f" {error.key}" if error.key else ""
        return f" (upstream {error.status}{key})"
    return ""
