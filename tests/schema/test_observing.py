"""`observe_operation` when observing fails before the operation runs."""

from __future__ import annotations

import gc
import inspect
import warnings
from typing import Any

import pytest
from strawberry.types import ExecutionResult

from wethod_graphql.observe.observer import Observer
from wethod_graphql.observe.record import RequestRecord, current_request
from wethod_graphql.schema.observing import observe_operation


class _FailingObserver(Observer):
    def operation_started(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the tracer broke")


async def test_a_run_never_started_is_closed_not_left_unawaited() -> None:
    started = False

    async def run() -> ExecutionResult:
        nonlocal started
        started = True  # pragma: no cover - must not run
        return ExecutionResult(data=None, errors=None)

    token = current_request.set(RequestRecord())
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # "never awaited" would fail here
            coroutine = run()
            with pytest.raises(RuntimeError, match="the tracer broke"):
                await observe_operation(
                    _FailingObserver(), None, None, "{ a }", coroutine
                )
            assert inspect.getcoroutinestate(coroutine) == inspect.CORO_CLOSED
            gc.collect()
    finally:
        current_request.reset(token)
    assert not started
