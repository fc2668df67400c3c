#!/usr/bin/env python3
"""What a gzip middleware adds to a small answer (111 bytes), in-process.

    python bench/gzip_cost.py

A bare ASGI response, then Starlette's `GZipMiddleware` and the service's
gzip (`gzip_accepted`, then `GzipSend`, as `server.front` applies them)
around it, each with a client that accepts gzip and one that does not. The
targets take turns over 15 rounds of 20,000 requests; the best round of each
is printed, in µs per request.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from wethod_graphql.server.gzip import GzipSend, gzip_accepted

BODY = (
    b'{"data":{"client":{"id":"1","corporateName":"Rossi Arredamenti S.r.l.",'
    b'"vat":"IT91538780155","town":"Milano"}}}'
)
ROUNDS = 15
REQUESTS = 20_000


async def bare(scope: Scope, receive: Receive, send: Send) -> None:
    await Response(BODY, media_type="application/json")(scope, receive, send)


async def service_gzip(scope: Scope, receive: Receive, send: Send) -> None:
    for name, value in scope["headers"]:
        if name == b"accept-encoding" and gzip_accepted(value):
            send = GzipSend(send, 4096, 6)
    await bare(scope, receive, send)


async def receive() -> dict[str, Any]:
    return {"type": "http.request", "body": b"", "more_body": False}


async def send(message: Any) -> None:
    pass


def scope(accept_encoding: bytes) -> dict[str, Any]:
    return {
        "type": "http",
        "method": "POST",
        "path": "/graphql",
        "query_string": b"",
        "headers": [
            (b"host", b"bench"),
            (b"content-type", b"application/json"),
            (b"accept-encoding", accept_encoding),
        ],
    }


async def per_request(app: ASGIApp, template: dict[str, Any]) -> float:
    started = time.perf_counter()
    for _ in range(REQUESTS):
        await app(dict(template), receive, send)
    return (time.perf_counter() - started) / REQUESTS * 1e6


async def main() -> None:
    targets: dict[str, ASGIApp] = {
        "bare response": bare,
        "starlette GZipMiddleware": GZipMiddleware(bare, 4096, 6),
        "server.gzip": service_gzip,
    }
    for encoding in (b"gzip, deflate, br", b"identity"):
        best = dict.fromkeys(targets, float("inf"))
        for _ in range(ROUNDS):
            for name, app in targets.items():
                best[name] = min(best[name], await per_request(app, scope(encoding)))
        print(f"Accept-Encoding: {encoding.decode()}")
        for name, micros in best.items():
            extra = micros - best["bare response"]
            print(f"  {name:28} {micros:6.2f} µs  (+{extra:.2f})")


if __name__ == "__main__":
    asyncio.run(main())
