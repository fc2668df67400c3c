"""The process's shared state: stores, limits, persisted operations, cache.

`load_trusted` reads the manifest at start-up (a bad one stops it);
`open_fleet` opens the stores for the lifespan and closes them after;
`fleet_hooks` are the endpoint's steps that use them before execution.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from starlette.requests import Request

from wethod_graphql.config import Settings
from wethod_graphql.errors import CallerRateLimited, RequestError
from wethod_graphql.observe.record import note_cache_hit
from wethod_graphql.resolvers.context import Context
from wethod_graphql.schema.build import WethodSchema
from wethod_graphql.server.admission import Admission, refused
from wethod_graphql.server.endpoint import Hooks
from wethod_graphql.server.manifest import load_manifest
from wethod_graphql.server.params import GraphQLParams
from wethod_graphql.server.persisted import PersistedOperations
from wethod_graphql.store.stores import open_stores
from wethod_graphql.upstream.cache import RecordCache
from wethod_graphql.upstream.ratelimit import CallerLimits


@dataclass(frozen=True, slots=True)
class Fleet:
    """What requests share: the admission checks and the record cache."""

    admission: Admission
    #: None unless `WETHOD_CACHE_TTL` is set.
    cache: RecordCache | None


def load_trusted(settings: Settings, schema: WethodSchema) -> dict[str, str]:
    """The manifest's documents, each checked against `schema`."""
    if settings.persisted_operations is None:
        return {}

    def problem(text: str) -> str | None:
        prepared = schema.operations.prepare(text)
        return prepared.errors[0].message if prepared.errors else None

    return load_manifest(settings.persisted_operations, problem)


@asynccontextmanager
async def open_fleet(
    settings: Settings, schema: WethodSchema, trusted: dict[str, str]
) -> AsyncIterator[Fleet]:
    stores = open_stores(settings, max_connections=settings.max_concurrency)
    try:

        def is_valid(text: str) -> bool:
            prepared = schema.operations.prepare(text)
            return prepared.parsed and not prepared.errors

        persisted = PersistedOperations(
            stores.persisted,
            trusted,
            # GraphiQL must keep working in demo mode (see README).
            only=settings.persisted_only and not settings.demo,
            is_valid=is_valid,
        )
        cache = None
        if settings.cache_ttl > 0:
            cache = RecordCache(
                stores.cache,
                ttl=settings.cache_ttl,
                api_version=settings.api_version,
                on_hit=note_cache_hit,
            )
        limits = CallerLimits(stores.limits, settings)
        yield Fleet(Admission(limits, persisted), cache)
    finally:
        await stores.close()


def fleet_hooks(then: Hooks) -> Hooks:
    """The caller's limits and persisted operations (`Admission.admit`),
    before `then`'s steps."""
    return Hooks(
        before_execute=(_admit, *then.before_execute),
        after_execute=then.after_execute,
    )


async def _admit(
    request: Request, context: Context, params: GraphQLParams
) -> GraphQLParams:
    admission: Admission = request.app.state.admission
    try:
        query = await admission.admit(context.caller, params.query, params.extensions)
    except (CallerRateLimited, RequestError) as error:
        raise refused(error) from None
    text = query if isinstance(query, str) else None
    return params if text == params.query else params._replace(query=text)
