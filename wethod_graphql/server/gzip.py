"""gzip for large answers, at no cost to small ones.

`GzipSend`, the `send` `server.front` gives a client that accepts gzip (an
`Accept-Encoding` token `gzip` without `q=0`: `gzip_accepted`), compresses
a response when the body reaches `minimum_size` and it comes in one piece
(every answer of `/graphql`, the health checks, the GraphiQL page). A
response sent in several pieces (the GraphiQL asset files) or already
encoded passes through untouched.

Starlette's `GZipMiddleware` also compresses streams, but adds 11 to 33 µs
to every response, small and uncompressed ones included (several times the
cost of sending a small response); this one adds 1 to 6 µs
(`bench/gzip_cost.py`).
"""

from __future__ import annotations

import zlib

from starlette.datastructures import MutableHeaders
from starlette.types import Message, Send


class GzipSend:
    """An ASGI `send` that gzips a one-piece body from `minimum_size` bytes up.

    Use it only for a client that accepts gzip (`gzip_accepted`).
    """

    __slots__ = ("_held", "_level", "_minimum_size", "_send")

    def __init__(self, send: Send, minimum_size: int, level: int) -> None:
        self._send = send
        self._minimum_size = minimum_size
        self._level = level
        self._held: Message | None = None

    async def __call__(self, message: Message) -> None:
        send = self._send
        if message["type"] == "http.response.start":
            self._held = message  # until the body says whether to compress
            return
        start = self._held
        if start is None:
            await send(message)
            return
        self._held = None
        if message["type"] != "http.response.body":
            # Another kind of message (an ASGI extension such as
            # `http.response.pathsend`): the start goes first, as is.
            await send(start)
            await send(message)
            return
        body: bytes = message.get("body", b"")
        if len(body) >= self._minimum_size and not message.get("more_body", False):
            headers = MutableHeaders(scope=start)
            if "content-encoding" not in headers:
                body = self._compress(body)
                headers["content-encoding"] = "gzip"
                headers["content-length"] = str(len(body))
                headers.add_vary_header("Accept-Encoding")
                message = {"type": "http.response.body", "body": body}
        await send(start)
        await send(message)

    def _compress(self, body: bytes) -> bytes:
        compressor = zlib.compressobj(self._level, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        return compressor.compress(body) + compressor.flush()


def gzip_accepted(accept_encoding: bytes) -> bool:
    """Whether this `Accept-Encoding` value lists gzip (or `*`) above quality 0."""
    if b"gzip" not in accept_encoding and b"*" not in accept_encoding:
        return False
    # Most clients send plain lists ("gzip, deflate, br"): no parsing.
    return (
        b";" not in accept_encoding
        or _gzip_quality(accept_encoding.decode("latin-1")) > 0
    )


def _gzip_quality(accept_encoding: str) -> float:
    found: dict[str, float] = {}
    for part in accept_encoding.split(",")[:32]:
        coding, _, params = part.partition(";")
        quality = 1.0
        name, _, value = params.partition("=")
        if name.strip().lower() == "q":
            try:
                quality = float(value)
            except ValueError:
                quality = 0.0
        found[coding.strip().lower()] = quality
    return found.get("gzip", found.get("*", 0.0))
