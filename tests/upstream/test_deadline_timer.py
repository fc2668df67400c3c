"""`Deadline`, the call's timer: asyncio's timeout semantics, cheaper.

At the deadline the task is cancelled; only a cancellation that was the
deadline's alone becomes a timeout, so a cancellation from outside (the
server shutting down, a client gone) still ends the task as one.
"""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from wethod_graphql.upstream.deadline import Deadline


def soon(seconds: float) -> float:
    return asyncio.get_running_loop().time() + seconds


async def test_the_deadline_cancels_the_task_and_counts_as_its_own() -> None:
    task = asyncio.current_task()
    assert task is not None
    deadline = Deadline(asyncio.get_running_loop(), soon(0.01))
    with pytest.raises(asyncio.CancelledError) as caught:
        await asyncio.sleep(30)
    assert deadline.end(caught.value) is True
    assert task.cancelling() == 0  # taken back: the task goes on


async def test_a_call_ended_in_time_is_never_cancelled() -> None:
    deadline = Deadline(asyncio.get_running_loop(), soon(0.01))
    assert deadline.end(None) is False
    await asyncio.sleep(0.05)  # past the deadline: nothing fires


async def test_a_cancellation_from_outside_is_not_a_timeout() -> None:
    task = asyncio.current_task()
    assert task is not None
    deadline = Deadline(asyncio.get_running_loop(), soon(30))
    asyncio.get_running_loop().call_soon(task.cancel)
    with pytest.raises(asyncio.CancelledError) as caught:
        await asyncio.sleep(30)
    assert deadline.end(caught.value) is False
    assert task.uncancel() == 0  # the outside's cancellation, left pending


async def test_a_cancellation_from_outside_wins_over_the_deadline() -> None:
    task = asyncio.current_task()
    assert task is not None
    deadline = Deadline(asyncio.get_running_loop(), soon(0.01))
    with pytest.raises(asyncio.CancelledError) as caught:
        await asyncio.sleep(30)
    task.cancel()  # the outside cancels too, before the call saw its end
    assert deadline.end(caught.value) is False
    with pytest.raises(asyncio.CancelledError):
        await asyncio.sleep(0)  # the outside's cancellation still comes
    assert task.uncancel() == 0  # only the deadline's was taken back


async def test_a_call_that_finished_anyway_is_not_a_timeout() -> None:
    task = asyncio.current_task()
    assert task is not None
    deadline = Deadline(asyncio.get_running_loop(), soon(0.01))
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.sleep(30)  # swallowed below the call, which then answers
    assert deadline.end(None) is False
    assert task.cancelling() == 0


async def test_an_earlier_cancellation_still_pending_is_not_the_deadlines() -> None:
    task = asyncio.current_task()
    assert task is not None
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.sleep(30)  # caught, but not taken back: still pending
    deadline = Deadline(asyncio.get_running_loop(), soon(0.01))
    with pytest.raises(asyncio.CancelledError) as caught:
        await asyncio.sleep(30)
    assert deadline.end(caught.value) is True
    assert task.uncancel() == 0


def test_a_deadline_needs_a_task() -> None:
    loop = asyncio.new_event_loop()
    try:
        with pytest.raises(RuntimeError, match="task"):
            Deadline(loop, loop.time() + 1)
    finally:
        loop.close()


async def test_a_deadline_moved_earlier_fires_then() -> None:
    loop = asyncio.get_running_loop()
    deadline = Deadline(loop, soon(30))
    when = soon(0.02)
    deadline.move(when)
    with pytest.raises(asyncio.CancelledError) as caught:
        await asyncio.sleep(30)
    assert loop.time() >= when
    assert deadline.end(caught.value) is True


async def test_a_deadline_moved_later_does_not_fire_at_its_first_time() -> None:
    deadline = Deadline(asyncio.get_running_loop(), soon(0.01))
    deadline.move(soon(30))
    await asyncio.sleep(0.1)  # past every tick the first time could fire at
    assert deadline.end(None) is False


async def test_a_deadline_that_passed_is_not_moved() -> None:
    task = asyncio.current_task()
    assert task is not None
    deadline = Deadline(asyncio.get_running_loop(), soon(0.01))
    with pytest.raises(asyncio.CancelledError) as caught:
        await asyncio.sleep(30)
    deadline.move(soon(0.02))  # too late: its cancellation came
    assert deadline.end(caught.value) is True
    assert task.cancelling() == 0
    # Not back on the wheel: no second cancellation comes once it is ended.
    await asyncio.sleep(0.1)  # past every tick the moved time could fire at
