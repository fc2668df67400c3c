"""`DemoApi`: the embedded Wethod-like REST API, its log and its faults.

Contract:
- `DemoApi(faults=False, latency=0.0, sleep=asyncio.sleep, resources=...)`;
  `api.app` is the Starlette ASGI app; `sleep` is how the demo waits out
  latency and delays (tests inject their own to see the waits without
  spending them); `resources` are what it serves (`resources.RESOURCES` by
  default; a test may serve one more);
- every answer, route misses included, is JSON; unknown paths and methods
  get the demo's error body (404 `not_found`, 405 `method_not_allowed`);
- `api.requests`, `api.requests_to(resource)`, `api.client_requests()`,
  `api.max_in_flight` read the log; `api.reset()` clears the log, the
  in-flight maximum, the barrier and every fault;
- `api.hold(requests)` holds the next `requests` /api requests until all of
  them are in flight together (see `barrier`);
- `api.faults` sets faults (raises `FaultsDisabled` unless `faults=True`);
- `api.latency` (seconds, settable at any time) delays every `/api` request;
- with `faults=True` the `/_demo/` admin endpoints are served too.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute
from starlette.types import Receive, Scope, Send

from .admin import admin_routes
from .barrier import DEFAULT_TIMEOUT, Barrier
from .drop import remember_transport
from .faults import Faults
from .log import RecordedRequest, RecorderMiddleware, RequestLog
from .resources import CLIENTS_PATH, RESOURCES, DemoResource
from .responses import ApiError, error_response, key_for
from .routes import Sleep, api_routes


class DemoStarlette(Starlette):
    """Starlette that keeps hold of the server's connection, to drop it."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Only here is `send` still the server's own: middleware wraps it.
        if scope["type"] == "http":
            remember_transport(scope, send)
        await super().__call__(scope, receive, send)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)  # noqa: S101 - registered for it only
    message = exc.detail if exc.status_code != 404 else "Route not found."
    headers = dict(exc.headers or {})
    return error_response(
        ApiError(exc.status_code, key_for(exc.status_code), message, headers=headers)
    )


class DemoApi:
    """A Wethod-like clients API with sample data, a request log and faults."""

    def __init__(
        self,
        faults: bool = False,
        latency: float = 0.0,
        sleep: Sleep = asyncio.sleep,
        resources: Sequence[DemoResource] = RESOURCES,
    ) -> None:
        self.latency = latency
        self.sleep = sleep
        self.faults = Faults(enabled=faults)
        self.barrier = Barrier()
        self.log = RequestLog()
        routes: list[BaseRoute] = list(api_routes(self, resources))
        if faults:
            routes += admin_routes(self)
        self.app: Starlette = DemoStarlette(
            routes=routes,
            middleware=[Middleware(RecorderMiddleware, log=self.log)],
            exception_handlers={HTTPException: _http_error},
        )

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every recorded request, oldest first."""
        return self.log.records

    def requests_to(
        self, resource: str, *, items: bool = True
    ) -> list[RecordedRequest]:
        """The GET requests to `resource` (`/api/clients`), oldest first: to
        its items, or with `items=False` to its list."""
        return [
            record
            for record in self.log.records
            if record.method == "GET"
            and record.resource == resource
            and (record.id is not None) == items
        ]

    def client_requests(self) -> list[RecordedRequest]:
        """Only the `GET /api/clients/{id}` requests, oldest first."""
        return self.requests_to(CLIENTS_PATH)

    def hold(self, requests: int, timeout: float = DEFAULT_TIMEOUT) -> None:
        """Hold the next `requests` requests until all are in flight at once."""
        self.barrier.hold(requests, timeout)

    @property
    def max_in_flight(self) -> int:
        """The most requests handled at once since the last reset."""
        return self.log.max_in_flight

    def reset(self) -> None:
        """Clear the log, the in-flight maximum, the barrier and every fault."""
        self.log.clear()
        self.faults.clear()
        self.barrier.clear()
