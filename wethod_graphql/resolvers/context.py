"""The per-request context every resolver receives."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field

import strawberry

from wethod_graphql.config import Settings
from wethod_graphql.observe.record import current_request
from wethod_graphql.resolvers.budget import CallBudget
from wethod_graphql.resolvers.loaders import ResourceLoader
from wethod_graphql.upstream import Caller, UpstreamClient
from wethod_graphql.upstream.ratelimit import CallerLimits


@dataclass(slots=True)
class Context:
    """Credentials, limits and fresh loaders of one request.

    Built by `context_for` for each request, so no loader cache outlives
    the request that made it (resolved credentials may be kept:
    `upstream.caller.caller_of`).
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
    limits: CallerLimits | None = None,
) -> Context:
    """Resolve the caller from `headers` and give it fresh loaders.

    Call it inside the request's task: loaders bind the running event loop.
    The operation's deadline, `settings.request_timeout` from now, bounds
    every upstream call the request makes. `limits`, when given, budget the
    caller's upstream calls.
    """
    caller = Caller.from_headers(
        headers,
        default_token=settings.token,
        default_company=settings.company,
        request_id=request_id,
    )
    return context_for(upstream, settings, caller, limits)


def context_for(
    upstream: UpstreamClient,
    settings: Settings,
    caller: Caller,
    limits: CallerLimits | None = None,
) -> Context:
    """`build_context` for a caller already resolved (`upstream.caller.caller_of`)."""
    deadline = asyncio.get_running_loop().time() + settings.request_timeout
    budget = CallBudget(settings.max_calls, deadline)
    record = current_request.get()
    explain = record is not None and record.explain
    loader = ResourceLoader(upstream, caller, budget, limits, explain=explain)
    return Context(caller=caller, loader=loader, max_ids=settings.max_ids)


#: What every resolver receives as `info`.
Info = strawberry.Info[Context, None]
