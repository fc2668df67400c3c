"""One operation as the observer sees it: its span, its codes, its explanation."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any

from graphql import GraphQLError
from strawberry.types import ExecutionResult

from wethod_graphql.observe.observer import Observer
from wethod_graphql.observe.record import current_request
from wethod_graphql.schema.operations import Prepared


async def observe_operation(
    observer: Observer,
    prepared: Prepared | None,
    operation_name: str | None,
    document: str | None,
    run: Coroutine[Any, Any, ExecutionResult],
) -> ExecutionResult:
    """`run`'s result, with the operation noted on the request's record and
    traced; just `run` outside a request with tracing off.

    With `record.explain`, the result gets `extensions.upstream`: the
    upstream calls the operation made (see `RequestRecord.explanation`).
    """
    record = current_request.get()
    if record is None and observer.tracing is None:
        return await run
    try:
        operation = (
            prepared.choose(operation_name) if prepared and prepared.parsed else None
        )
        scope = observer.operation_started(
            record,
            operation.type.value if operation else None,
            operation.name if operation else None,
            document,
        )
    except BaseException:
        # `run` is a coroutine not yet started: closed, so it is not left
        # never awaited when observing fails first.
        run.close()
        raise
    result: ExecutionResult | None = None
    try:
        result = await run
    finally:
        codes = [_code(error) for error in result.errors or ()] if result else []
        observer.operation_ended(record, scope, codes)
    if record is not None and record.explain:
        result.extensions = {
            **(result.extensions or {}),
            "upstream": record.explanation(),
        }
    return result


def _code(error: GraphQLError) -> str:
    """The `extensions.code` every presented error carries."""
    return str((error.extensions or {}).get("code", "INTERNAL_SERVER_ERROR"))
