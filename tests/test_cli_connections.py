"""`serve`'s bounds on connections, through its flags, on the real command."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.rawhttp import connect, get, read_response, read_until_closed
from tests.servers import run_command


def test_serve_flags_bound_slow_and_surplus_connections(tmp_path: Path) -> None:
    command = [
        *(sys.executable, "-m", "wethod_graphql", "serve", "--demo", "--port", "0"),
        *("--header-timeout", "0.3", "--body-timeout", "0.3"),
        *("--max-connections", "2", "--keep-alive-timeout", "60"),
    ]
    with run_command(command, tmp_path / "err.log") as running:
        with connect(running.url) as slow_headers:
            slow_headers.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\n")
            headers_closed = read_until_closed(slow_headers)
        with connect(running.url) as slow_body:
            slow_body.sendall(
                b"POST /graphql HTTP/1.1\r\nHost: t\r\nContent-Length: 50\r\n"
                b"Content-Type: application/json\r\n\r\n{"
            )
            body_answer = read_until_closed(slow_body)
        with connect(running.url) as held, connect(running.url) as surplus:
            held.sendall(get("/healthz"))
            first = read_response(held)
            surplus.sendall(get("/healthz", keep_alive=False))
            refused = read_until_closed(surplus)
    assert headers_closed == b""
    assert body_answer.startswith(b"HTTP/1.1 408 ")
    assert first.startswith(b"HTTP/1.1 200 ")
    assert refused.startswith(b"HTTP/1.1 503 ")
