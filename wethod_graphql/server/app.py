"""`create_app(settings)`: the Starlette application, wired and nothing more."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import BaseRoute, Route

from wethod_graphql.config import Settings
from wethod_graphql.schema.build import build_schema
from wethod_graphql.server.endpoint import GraphQLEndpoint, Hooks
from wethod_graphql.server.fleet import fleet_hooks, load_trusted, open_fleet
from wethod_graphql.server.front import Front
from wethod_graphql.server.graphiql import (
    graphiql_options,
    graphiql_routes,
    render_graphiql,
)
from wethod_graphql.server.health import healthz, readyz
from wethod_graphql.server.observing import (
    close_observer,
    create_observer,
    metrics_endpoint,
)
from wethod_graphql.server.routing import GRAPHQL_PATH, GraphQLShortcut, http_error
from wethod_graphql.upstream import UpstreamClient, create_session

#: Incoming headers a browser may send cross-origin: exactly those we read.
CORS_HEADERS = (
    "authorization",
    "content-type",
    "wethod-company",
    "traceparent",
    "tracestate",
    "x-request-id",
    "wethod-explain",
)

#: Responses from this size up are gzipped for clients that accept it: below
#: it the header and the CPU cost more than the bytes saved.
GZIP_MIN_BYTES = 4096
#: zlib's default level. On a 295 KB answer: level 6 gives 36 KB in 13 ms of
#: CPU, level 9 35 KB in 32 ms, level 1 51 KB in 5 ms.
GZIP_LEVEL = 6


def create_app(settings: Settings, hooks: Hooks | None = None) -> Starlette:
    """The service, calling the upstream at `settings.base_url`; `hooks` are
    the `/graphql` endpoint's steps around execution, after the fleet's
    (limits, persisted operations: `server.fleet`)."""

    observer = create_observer(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # One HTTP session for the process: pooled connections, closed on exit.
        try:
            async with (
                create_session(settings) as session,
                open_fleet(settings, schema, trusted) as fleet,
            ):
                app.state.upstream = UpstreamClient(
                    session, settings, observer=observer, cache=fleet.cache
                )
                app.state.admission = fleet.admission
                yield
        finally:
            await close_observer(observer)

    schema = build_schema(
        max_depth=settings.max_depth, max_aliases=settings.max_aliases
    )
    schema.observer = observer
    trusted = load_trusted(settings, schema)
    options = graphiql_options(settings) if settings.graphiql else None
    ide_page = render_graphiql(options) if options else None
    endpoint = GraphQLEndpoint(
        schema, settings, ide_page, fleet_hooks(hooks or Hooks())
    )
    routes: list[BaseRoute] = [
        # The endpoint answers every method itself (405 as JSON, with Allow).
        Route(GRAPHQL_PATH, endpoint),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
    ]
    if options:
        routes += graphiql_routes(options)
    if observer.metrics is not None:
        routes.append(
            Route("/metrics", metrics_endpoint(observer.metrics), methods=["GET"])
        )
    middleware = [
        Middleware(
            Front,
            observer=observer,
            explain_allowed=settings.explain or settings.demo,
            max_body=settings.max_body,
            body_timeout=settings.body_timeout,
            gzip_min_bytes=GZIP_MIN_BYTES,
            gzip_level=GZIP_LEVEL,
        ),
    ]
    if settings.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(settings.cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=list(CORS_HEADERS),
                expose_headers=["x-request-id"],
                max_age=600,
            )
        )
    # Innermost: `/graphql` past the router, CORS (when on) still around it.
    middleware.append(Middleware(GraphQLShortcut, endpoint=endpoint))
    return Starlette(
        routes=routes,
        middleware=middleware,
        lifespan=lifespan,
        exception_handlers={HTTPException: http_error},
    )
