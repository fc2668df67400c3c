"""What a request passes before it runs: its caller's limits, then its document.

`Admission` is built once per process (in the lifespan, with the stores).
`fleet.fleet_hooks` runs `admit` with the caller and the request's `query`
and `extensions` before execution; a refusal is one of `errors`' classes,
which `refused` turns into the endpoint's `Refused`.
"""

from __future__ import annotations

import math

from wethod_graphql.errors import (
    CallerRateLimited,
    PersistedQueryNotAllowed,
    PersistedQueryNotFound,
    WethodGraphQLError,
)
from wethod_graphql.server.params import Refused
from wethod_graphql.server.persisted import PersistedOperations
from wethod_graphql.upstream import Caller
from wethod_graphql.upstream.ratelimit import CallerLimits

#: Statuses of refusals other than a plain bad request (400), as Apollo
#: Router answers them: an unknown hash is not found, a document outside the
#: manifest is forbidden.
_STATUSES: dict[type[WethodGraphQLError], int] = {
    PersistedQueryNotFound: 404,
    PersistedQueryNotAllowed: 403,
    CallerRateLimited: 429,
}


def refused(error: WethodGraphQLError) -> Refused:
    """The answer to a request `Admission` refused with `error`."""
    extensions: dict[str, object] = {}
    headers: dict[str, str] = {}
    if isinstance(error, CallerRateLimited):
        extensions = {"retryAfter": error.retry_after, "limit": error.limit}
        headers["Retry-After"] = str(math.ceil(error.retry_after))
    status = next((s for kind, s in _STATUSES.items() if isinstance(error, kind)), 400)
    return Refused(status, error.message, error.code, headers, extensions)


class Admission:
    """The caller's limits and the persisted operations, for the endpoint."""

    def __init__(self, limits: CallerLimits, persisted: PersistedOperations) -> None:
        self.limits = limits
        self._persisted = persisted

    async def admit(self, caller: Caller, query: object, extensions: object) -> object:
        """The text to run (see `PersistedOperations.resolve`), once the caller
        has spent one of its requests: `CallerRateLimited` when over. Limits
        come first: a caller over its budget costs no store look-up.

        Both steps in one call from one hook: two hooks of two calls each
        cost some 8,500 instructions more per request (measured)."""
        if self.limits.enabled:
            await self.limits.admit(caller)
        return await self._persisted.resolve(query, extensions)
