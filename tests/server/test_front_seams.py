"""The front's and the endpoint's own ASGI pieces, as the server drives them:
the request id on answers, the body's deadline, the response's headers, the body read."""

from __future__ import annotations

import asyncio

import pytest
from starlette.requests import ClientDisconnect
from starlette.responses import Response
from starlette.types import Message

from wethod_graphql.observe.tracing import _carrier
from wethod_graphql.server.body import BodyTooSlow, BoundedBody
from wethod_graphql.server.front import _TrackedSend
from wethod_graphql.server.media import GRAPHQL_RESPONSE, JSON, json_response
from wethod_graphql.server.params import read_body


async def test_the_request_id_replaces_the_apps_own_and_html_is_noted() -> None:
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    tracked = _TrackedSend(send, "abc")
    await tracked(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"x-request-id", b"theirs"),
                (b"content-type", b"text/html; charset=utf-8"),
                (b"x-request-id", b"again"),
            ],
        }
    )
    await tracked({"type": "http.response.body", "body": b"<p>"})
    assert sent[0]["headers"] == [
        (b"content-type", b"text/html; charset=utf-8"),
        (b"x-request-id", b"abc"),
    ]
    assert (tracked.status, tracked.html, tracked.started) == (200, True, True)
    assert sent[1] == {"type": "http.response.body", "body": b"<p>"}


async def test_the_first_content_type_says_whether_the_answer_is_html() -> None:
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    tracked = _TrackedSend(send, "abc")
    headers = [(b"content-type", b"application/json"), (b"content-type", b"text/html")]
    await tracked({"type": "http.response.start", "status": 200, "headers": headers})
    assert sent[0]["headers"] == [*headers, (b"x-request-id", b"abc")]
    assert not tracked.html


async def test_a_start_without_headers_gets_the_request_id() -> None:
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    tracked = _TrackedSend(send, "abc")
    await tracked({"type": "http.response.start", "status": 204})
    assert sent[0]["headers"] == [(b"x-request-id", b"abc")]
    assert not tracked.html


async def test_a_body_past_its_deadline_is_too_slow() -> None:
    async def never() -> Message:
        await asyncio.Event().wait()
        raise AssertionError  # pragma: no cover - never set

    loop = asyncio.get_running_loop()
    body = BoundedBody(never, loop, loop.time() + 0.01, None)
    with pytest.raises(BodyTooSlow):
        await body()
    task = asyncio.current_task()
    assert task is not None
    assert task.cancelling() == 0


async def test_a_cancellation_from_outside_is_no_timeout() -> None:
    started = asyncio.Event()

    async def never() -> Message:
        started.set()
        await asyncio.Event().wait()
        raise AssertionError  # pragma: no cover - never set

    loop = asyncio.get_running_loop()
    body = BoundedBody(never, loop, loop.time() + 3600, None)
    reading = asyncio.ensure_future(body())
    await started.wait()
    reading.cancel()
    with pytest.raises(asyncio.CancelledError):
        await reading


async def test_a_body_in_time_is_passed_on_then_the_wait_is_unbounded() -> None:
    messages: list[Message] = [
        {"type": "http.request", "body": b"a", "more_body": True},
        {"type": "http.request", "body": b"b"},
        {"type": "http.disconnect"},
    ]

    async def receive() -> Message:
        return messages.pop(0)

    loop = asyncio.get_running_loop()
    body = BoundedBody(receive, loop, loop.time() + 3600, None)
    assert await read_body(body) == b"ab"
    assert await body() == {"type": "http.disconnect"}


async def test_read_body_stops_at_a_disconnect() -> None:
    messages: list[Message] = [
        {"type": "http.request", "body": b"a", "more_body": True},
        {"type": "http.disconnect"},
    ]

    async def receive() -> Message:
        return messages.pop(0)

    with pytest.raises(ClientDisconnect):
        await read_body(receive)


@pytest.mark.parametrize("media_type", [JSON, GRAPHQL_RESPONSE])
@pytest.mark.parametrize("status", [200, 400, 413])
def test_json_answers_have_starlettes_headers(media_type: str, status: int) -> None:
    answer = json_response({"data": {"é": 1}}, status, media_type)
    starlette = Response(answer.body, status, None, media_type)
    assert answer.raw_headers == starlette.raw_headers
    assert (answer.status_code, answer.body) == (status, starlette.body)
    assert answer.background is None
    answer.headers["connection"] = "close"
    assert answer.raw_headers[-1] == (b"connection", b"close")


def test_the_trace_carrier_keeps_each_headers_first_value() -> None:
    carrier = _carrier(
        [(b"traceparent", b"first"), (b"Tracestate", b"s"), (b"traceparent", b"2")]
    )
    assert carrier == {"traceparent": "first", "tracestate": "s"}
