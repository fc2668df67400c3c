"""`WETHOD_REQUEST_TIMEOUT`: an operation's upstream calls share its deadline.

The deadline is set when the request's context is built. At the deadline a
field still waiting for its call (on the wire or queued behind the
process-wide concurrency cap) fails with `UPSTREAM_TIMEOUT`, the fields that
have their data keep it, and the abandoned calls are cancelled cleanly: their
slots and connections come back, and asyncio reports nothing lost.
"""

from __future__ import annotations

import gc
import logging

import pytest

from tests.conftest import codes, fast_settings, start_service
from wethod_graphql.demo import DemoApi

#: Every limit but the operation's far away: only the deadline can end a call.
SETTINGS = fast_settings(request_timeout=0.3, timeout=30.0, read_timeout=30.0)


async def test_a_slow_field_times_out_and_the_rest_is_answered(
    demo: DemoApi, caplog: pytest.LogCaptureFixture
) -> None:
    demo.faults.delay(1, 3.0)
    async with start_service(SETTINGS, demo) as service:
        body = await service.query(
            '{ slow: client(id: "1") { id } fast: client(id: "2") { id } }'
        )
        assert body["data"] == {"slow": None, "fast": {"id": "2"}}
        assert codes(body) == ["UPSTREAM_TIMEOUT"]
        assert body["errors"][0]["path"] == ["slow"]
        # Client 1 was asked once and is still being answered; 2 was answered.
        assert demo.log.in_flight == 1
        assert [(r.client_id, r.status) for r in demo.client_requests()] == [(2, 200)]
        # Each request has a deadline of its own: the next one is answered.
        again = await service.query('{ client(id: "3") { id } }')
        assert again["data"] == {"client": {"id": "3"}}
    gc.collect()
    lost = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert lost == []


async def test_calls_queued_behind_the_cap_time_out_without_being_sent(
    demo: DemoApi, caplog: pytest.LogCaptureFixture
) -> None:
    demo.faults.delay(1, 3.0)
    async with start_service(SETTINGS.replace(max_concurrency=1), demo) as service:
        body = await service.query('{ clients(ids: ["1", "2", "3"]) { id } }')
        assert body["data"] == {"clients": [None, None, None]}
        assert codes(body) == ["UPSTREAM_TIMEOUT"] * 3
        # Only client 1 got the one slot; 2 and 3 never left the queue.
        assert demo.log.in_flight == 1
        assert demo.client_requests() == []
        # The slot and its connection came back: the next operation goes.
        again = await service.query('{ client(id: "2") { id } }')
        assert again["data"] == {"client": {"id": "2"}}
    gc.collect()
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_the_default_deadline_is_thirty_seconds() -> None:
    assert fast_settings().request_timeout == 30.0
