"""uvicorn with the header deadline and the connection limit `serve` uses.

Raw sockets on loopback; the tests wait for what the server does (a close,
an answer), with timeouts only as guards against a hang.
"""

from __future__ import annotations

import time

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from tests.rawhttp import GUARD_SECONDS, connect, get, read_response, read_until_closed
from tests.servers import run_in_thread
from wethod_graphql.process.protocol import with_header_timeout


async def _ok(request: Request) -> PlainTextResponse:
    return PlainTextResponse("ok")


APP = Starlette(routes=[Route("/", _ok)])


def test_headers_that_never_end_get_the_connection_closed() -> None:
    with (
        run_in_thread(APP, http=with_header_timeout(0.3)) as url,
        connect(url) as sock,
    ):
        sock.sendall(b"GET / HTTP/1.1\r\nHost: t\r\nX-Slow: ")
        assert read_until_closed(sock) == b""  # closed, nothing answered


def test_a_silent_connection_is_closed_too() -> None:
    with (
        run_in_thread(APP, http=with_header_timeout(0.3)) as url,
        connect(url) as sock,
    ):
        assert read_until_closed(sock) == b""


def test_each_request_on_a_connection_gets_its_own_deadline() -> None:
    with (
        run_in_thread(APP, http=with_header_timeout(0.3), timeout_keep_alive=60) as url,
        connect(url) as sock,
    ):
        sock.sendall(get("/"))
        first = read_response(sock)
        time.sleep(0.6)  # longer than the deadline, idle between requests
        sock.sendall(get("/"))
        second = read_response(sock)
    assert first.startswith(b"HTTP/1.1 200 ")
    assert second.startswith(b"HTTP/1.1 200 ")


def test_requests_past_the_connection_limit_get_503() -> None:
    with run_in_thread(APP, limit_concurrency=3, timeout_keep_alive=60) as url:
        held = [connect(url) for _ in range(2)]
        for sock in held:  # answered, so the server holds them open
            sock.sendall(get("/"))
            assert read_response(sock).startswith(b"HTTP/1.1 200 ")
        with connect(url) as third:
            third.sendall(get("/", keep_alive=False))
            refused = read_until_closed(third)
        held.pop().close()
        deadline = time.monotonic() + GUARD_SECONDS
        while True:  # the server notices the close when it notices it
            with connect(url) as again:
                again.sendall(get("/", keep_alive=False))
                answer = read_until_closed(again)
            if answer.startswith(b"HTTP/1.1 200 ") or time.monotonic() > deadline:
                break
        for sock in held:
            sock.close()
    assert refused.startswith(b"HTTP/1.1 503 ")
    assert answer.startswith(b"HTTP/1.1 200 ")


def test_a_later_requests_headers_split_across_writes_still_time_out() -> None:
    with (
        run_in_thread(APP, http=with_header_timeout(0.3), timeout_keep_alive=60) as url,
        connect(url) as sock,
    ):
        sock.sendall(get("/"))
        first = read_response(sock)
        sock.sendall(b"GET / HTTP/1.1\r\n")
        time.sleep(0.1)  # a read of its own, then more that does not end them
        sock.sendall(b"Host: t\r\nX-Slow: ")
        rest = read_until_closed(sock)
    assert first.startswith(b"HTTP/1.1 200 ")
    assert rest == b""  # closed, nothing answered
