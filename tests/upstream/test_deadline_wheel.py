"""The deadlines' wheel: one loop timer for a loop's deadlines, fired at
most a tick late and never early.

No wall-clock bounds: the tests wait for what fires (or sleep past every
tick it could fire at) and assert what was cancelled, and when not before.
"""

from __future__ import annotations

import asyncio

import pytest

from wethod_graphql.upstream.deadline import _WHEELS, Deadline


def soon(seconds: float) -> float:
    return asyncio.get_running_loop().time() + seconds


async def _timed_out(when: float, *, ended_at_once: bool = False) -> bool:
    """Whether a call waiting past `when` timed out."""
    deadline = Deadline(asyncio.get_running_loop(), when)
    if ended_at_once:
        deadline.end(None)
        await asyncio.sleep(0.2)  # past every tick it could fire at: nothing
        return False
    try:
        await asyncio.sleep(30)
    except asyncio.CancelledError as error:
        return deadline.end(error)
    return deadline.end(None)


async def test_a_deadline_never_fires_early() -> None:
    loop = asyncio.get_running_loop()
    when = soon(0.03)
    deadline = Deadline(loop, when)
    with pytest.raises(asyncio.CancelledError) as caught:
        await asyncio.sleep(30)
    assert loop.time() >= when
    assert deadline.end(caught.value) is True


async def test_deadlines_of_one_tick_fire_together_but_not_an_ended_one() -> None:
    when = soon(0.01)
    outcomes = list(
        await asyncio.gather(
            _timed_out(when), _timed_out(when), _timed_out(when, ended_at_once=True)
        )
    )
    assert outcomes == [True, True, False]


async def test_a_deadline_earlier_than_those_pending_fires_at_its_own_tick() -> None:
    later = Deadline(asyncio.get_running_loop(), soon(30))
    assert await asyncio.create_task(_timed_out(soon(0.01))) is True
    assert later.end(None) is False


async def test_deadlines_that_end_in_time_leave_the_wheel_idle() -> None:
    loop = asyncio.get_running_loop()
    Deadline(loop, soon(0.01)).end(None)
    wheel = _WHEELS[loop]
    await asyncio.sleep(0.1)  # past every tick the wheel's timer could be at
    assert wheel._timer is None
    assert not wheel._buckets


def test_the_wheels_of_closed_loops_are_let_go() -> None:
    async def a_deadline() -> None:
        Deadline(asyncio.get_running_loop(), soon(30)).end(None)

    closed = asyncio.new_event_loop()
    closed.run_until_complete(a_deadline())
    closed.close()
    assert closed in _WHEELS
    kept, running = asyncio.new_event_loop(), asyncio.new_event_loop()
    try:
        kept.run_until_complete(a_deadline())
        running.run_until_complete(a_deadline())
        assert closed not in _WHEELS
        assert kept in _WHEELS  # still open
    finally:
        kept.close()
        running.close()
