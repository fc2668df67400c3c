"""Per-caller token buckets: requests, and the upstream calls they make.

A caller is `identity.caller_digest`: its credentials and company. With the
in-process store each process counts on its own (N workers allow N times
the rate); with Redis the whole fleet shares each caller's buckets.

When the store fails, `on_store_error` decides: `allow` lets the request or
calls through (the default: an outage of Redis must not become one of the
service), `deny` refuses them as over the limit.
"""

from __future__ import annotations

import math

from wethod_graphql.config import Settings
from wethod_graphql.errors import CallerRateLimited, StoreUnavailable
from wethod_graphql.store.base import Bucket, Store
from wethod_graphql.upstream.caller import Caller
from wethod_graphql.upstream.identity import caller_digest

#: `retryAfter` when the store is down and limits deny: its pause.
STORE_ERROR_RETRY_AFTER = 1


class CallerLimits:
    """The request and upstream-call budgets of every caller."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self._store = store
        burst = settings.rate_limit_burst
        self._requests = _bucket(settings.rate_limit_requests, burst)
        self._calls = _bucket(settings.rate_limit_upstream_calls, burst)
        self._deny_on_error = settings.rate_limit_on_store_error == "deny"

    @property
    def enabled(self) -> bool:
        return self._requests is not None or self._calls is not None

    @property
    def limits_calls(self) -> bool:
        return self._calls is not None

    async def admit(self, caller: Caller) -> None:
        """Spend one request, or raise `CallerRateLimited`.

        A caller whose upstream calls are spent is refused here too: its
        operation could make no call anyway.
        """
        digest = caller_digest(caller)
        if self._requests is not None:
            await self._spend("requests", f"limit:r:{digest}", self._requests, 1)
        if self._calls is not None:
            await self._spend("upstreamCalls", f"limit:u:{digest}", self._calls, 0)

    async def grant_calls(self, caller: Caller, want: int) -> tuple[int, int]:
        """How many of `want` upstream calls may go now, and when one more may.

        The second value, in whole seconds, is 0 when all were granted.
        """
        if self._calls is None or want == 0:
            return want, 0
        key = f"limit:u:{caller_digest(caller)}"
        try:
            grant = await self._store.take(key, self._calls, want)
        except StoreUnavailable:
            if self._deny_on_error:
                return 0, STORE_ERROR_RETRY_AFTER
            return want, 0
        if grant.granted == want:
            return want, 0
        return grant.granted, whole_seconds(grant.retry_after)

    async def _spend(self, limit: str, key: str, bucket: Bucket, want: int) -> None:
        try:
            grant = await self._store.take(key, bucket, want)
        except StoreUnavailable:
            if self._deny_on_error:
                raise CallerRateLimited(limit, STORE_ERROR_RETRY_AFTER) from None
            return
        if grant.granted < want or (want == 0 and grant.retry_after > 0):
            raise CallerRateLimited(limit, whole_seconds(grant.retry_after))


def _bucket(rate: float, burst: float) -> Bucket | None:
    return Bucket.per_second(rate, burst) if rate > 0 else None


def whole_seconds(retry_after: float) -> int:
    """`Retry-After` counts whole seconds: never say to retry before a token is."""
    return max(1, math.ceil(retry_after))
