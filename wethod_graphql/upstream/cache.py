"""An opt-in cache of upstream bodies, per caller (`WETHOD_CACHE_TTL`).

The key is everything that changes the answer: a digest of the caller's
credentials and company with the API version, then the resource, its id,
the deletion filter and the include set. A caller can only ever compute its
own keys, so no caller reads another's entry, whatever the ids.

Only 200 bodies that parsed as the expected record are kept, for the TTL or
the upstream's `max-age` if shorter; `Cache-Control: no-store`, `no-cache`,
or `max-age=0` keep nothing. `private` is fine here: every entry is the one
caller's. A store failure is a miss, and a failed write is forgotten.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import TypeVar

from wethod_graphql.errors import StoreUnavailable
from wethod_graphql.observe.record import ResponsePath
from wethod_graphql.store.base import Store
from wethod_graphql.upstream.caller import Caller
from wethod_graphql.upstream.identity import caller_digest

T = TypeVar("T")

#: Told of each call the cache answered: its path and query, as if it went
#: out, and the response paths the answer goes into (explain shows it as a hit).
CacheHit = Callable[[str, Mapping[str, str], list[ResponsePath] | None], None]

_MAX_AGE = re.compile(r"^\s*max-age\s*=\s*\"?(\d+)\"?\s*$", re.IGNORECASE)


def freshness(cache_control: str | None, ttl: float) -> float:
    """Seconds a body with this `Cache-Control` may be kept: 0 for none."""
    if not cache_control:
        return ttl
    lifetime = ttl
    for directive in cache_control.split(",")[:32]:
        name = directive.split("=", 1)[0].strip().lower()
        if name in ("no-store", "no-cache"):
            return 0.0
        match = _MAX_AGE.match(directive)
        if match:
            lifetime = min(lifetime, float(match.group(1)))
    return lifetime


class RecordCache:
    """Upstream bodies by caller and request, in a `Store`, for `ttl` seconds."""

    def __init__(
        self,
        store: Store,
        *,
        ttl: float,
        api_version: str,
        on_hit: CacheHit | None = None,
    ) -> None:
        self._store = store
        self._ttl = ttl
        self._api_version = api_version
        self._on_hit = on_hit

    async def through(
        self,
        key: str,
        path: str,
        params: Mapping[str, str],
        fetch: Callable[[], Awaitable[tuple[T, bytes, str | None]]],
        parse: Callable[[bytes], T],
        served: list[ResponsePath] | None = None,
    ) -> T:
        """`parse` of the kept body, or what `fetch` parsed (with the 200 body
        and its `Cache-Control`, or the upstream error); a fetched body is kept
        only once it parsed.

        `path`, `params` and `served` (the response paths the answer goes
        into, by reference) describe the call for `on_hit`.
        """
        kept = await self.get(key)
        if kept is not None:
            if self._on_hit is not None:
                self._on_hit(path, params, served)
            return parse(kept)
        value, body, cache_control = await fetch()  # raises for a bad body
        await self.put(key, body, cache_control)
        return value

    def key(
        self,
        caller: Caller,
        resource: str,
        record_id: int,
        deleted: str,
        include: Iterable[str],
    ) -> str:
        """The entry of `caller`'s request for one record."""
        owner = caller_digest(caller, self._api_version)
        includes = ",".join(sorted(include))
        return f"cache:{owner}:{resource}:{record_id}:{deleted}:{includes}"

    async def get(self, key: str) -> bytes | None:
        """The kept body, or None (absent, expired, or the store failing)."""
        try:
            return await self._store.get(key)
        except StoreUnavailable:
            return None

    async def put(self, key: str, body: bytes, cache_control: str | None) -> None:
        """Keep a 200 body, unless its `Cache-Control` forbids it."""
        lifetime = freshness(cache_control, self._ttl)
        if lifetime <= 0:
            return
        try:
            await self._store.set(key, body, lifetime)
        except StoreUnavailable:
            return
