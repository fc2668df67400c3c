"""The per-request context every resolver receives."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field

import strawberry

from wethod_graphql.config import Settings
from wethod_graphql.resolvers.budget import CallBudget
from wethod_graphql.resolvers.loaders import ResourceLoader
from wethod_graphql.upstream import Caller, UpstreamClient


@dataclass(slots=True)
class Context:
    """Credentials, limits and fresh loaders of one request.

    Built by `build_context` for each request, so no loader cache or
    credential ever outlives the request that made it.
    """

    caller: Caller
    loader: ResourceLoader
    max_ids: int
    #: Include paths already looked ahead, by field and the type it returns
    #: (see `resolvers.items`).
    includes: dict[tuple[tuple[int, ...], str], frozenset[str]] = field(
        default_factory=dict
    )


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
    deadline = asyncio.get_running_loop().time() + settings.request_timeout
    budget = CallBudget(settings.max_calls, deadline)
    loader = ResourceLoader(upstream, caller, budget)
    return Context(caller=caller, loader=loader, max_ids=settings.max_ids)


#: What every resolver receives as `info`.
Info = strawberry.Info[Context, None]
