"""Reading an upstream answer's body, with a cap on its size, and releasing
the answer (its connection back to the pool) however the read ends."""

from __future__ import annotations

import aiohttp

from wethod_graphql.errors import UpstreamUnavailable

#: A client body is a few kilobytes; anything near this is not a client.
MAX_BODY_BYTES = 4 * 1024 * 1024


async def read_capped(response: aiohttp.ClientResponse) -> bytes:
    """The body of `response`, which is then released, read or not: what
    leaving `async with session.get(...)` does, without its coroutines."""
    try:
        length = response.content_length
        if (length or 0) > MAX_BODY_BYTES:
            raise UpstreamUnavailable("The Wethod API sent an oversized body.")
        if length is not None and "content-encoding" not in response.headers:
            # The parser delivers no more than the declared length, and
            # nothing inflates it: read at once. A compressed body may
            # inflate past the cap, so it is counted as it comes.
            return await response.read()
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.content.iter_any():
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                raise UpstreamUnavailable("The Wethod API sent an oversized body.")
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        response.release()
        await response.wait_for_close()
