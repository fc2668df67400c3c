"""The per-request context every resolver receives."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field

from wethod_graphql.config import Settings
from wethod_graphql.resolvers.loaders import ClientLoader
from wethod_graphql.upstream import Caller, UpstreamClient


@dataclass(slots=True)
class Context:
    """Credentials, limits and fresh loaders of one request.

    Built by `build_context` for each request, so no loader cache or
    credential ever outlives the request that made it.
    """

    caller: Caller
    clients: ClientLoader
    max_ids: int
    #: Include paths already looked ahead, by field (see `resolvers.clients`).
    includes: dict[tuple[int, ...], frozenset[str]] = field(default_factory=dict)


def build_context(
    upstream: UpstreamClient,
    settings: Settings,
    headers: Mapping[str, str],
    request_id: str,
) -> Context:
    """Resolve the caller from `headers` and give it fresh loaders.

    Call it inside the request's task: loaders bind the running event loop.
    The operation's deadline, `settings.request_timeout` from now, bounds
    every upstream call the request makes.
    """
    caller = Caller.from_headers(
        headers,
        default_token=settings.token,
        default_company=settings.company,
        request_id=request_id,
    )
    loader = ClientLoader(
        upstream,
        caller,
        max_calls=settings.max_calls,
        deadline=asyncio.get_running_loop().time() + settings.request_timeout,
    )
    return Context(caller=caller, clients=loader, max_ids=settings.max_ids)
