"""`create_app(settings)`: the Starlette application, wired and nothing more."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import BaseRoute, Route

from wethod_graphql.config import Settings
from wethod_graphql.schema.build import build_schema
from wethod_graphql.server.deadline import BodyDeadlineMiddleware
from wethod_graphql.server.graphiql import graphiql_routes, render_graphiql
from wethod_graphql.server.health import healthz, readyz
from wethod_graphql.server.middleware import BodyLimitMiddleware, RequestIdMiddleware
from wethod_graphql.server.view import GraphQLView, graphiql_options
from wethod_graphql.upstream import UpstreamClient, create_http_client

#: Incoming headers a browser may send cross-origin: exactly those we read.
CORS_HEADERS = (
    "authorization",
    "content-type",
    "wethod-company",
    "traceparent",
    "tracestate",
    "x-request-id",
)


def create_app(
    settings: Settings, transport: httpx.AsyncBaseTransport | None = None
) -> Starlette:
    """The service. `transport` replaces the network (the demo, tests)."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # One HTTP client for the process: pooled connections, closed on exit.
        async with create_http_client(settings, transport) as http:
            app.state.upstream = UpstreamClient(http, settings)
            yield

    schema = build_schema(
        max_depth=settings.max_depth, max_aliases=settings.max_aliases
    )
    options = graphiql_options(settings) if settings.graphiql else None
    ide_page = render_graphiql(options) if options else None
    view = GraphQLView(schema, settings, ide_page)
    routes: list[BaseRoute] = [
        Route("/graphql", view, methods=["GET", "POST"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
    ]
    if options:
        routes += graphiql_routes(options)
    middleware = [
        Middleware(RequestIdMiddleware),
        Middleware(BodyLimitMiddleware, max_bytes=settings.max_body),
        Middleware(BodyDeadlineMiddleware, timeout=settings.body_timeout),
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
    return Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
