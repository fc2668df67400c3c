"""The REST endpoints of every resource: `GET {path}/{id}` and `GET {path}`.

Contract, per request, in this order:
1. wait at the barrier if one is armed (see `barrier`); then wait the global
   latency plus any fault delay, then answer an injected fault if one is set
   (see `faults`);
2. header checks (see `auth.check_headers`): 401, then 412, then 403;
3. query validation (see `params`): every bad parameter is listed in one 400
   `invalid_data`;
4. the data of the caller's company only: 404 `not_found` for an id that is
   missing or filtered out by `deleted`. The list is ordered by id and
   filtered by every condition given.
An item answer sets a `wethod_session` cookie naming the company, so tests
can prove that no cookie travels from one caller's call to another's.
A path id that is not `[0-9]+` is a route miss (404 before any check), as on
a router whose route carries that pattern.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .auth import check_headers
from .barrier import Barrier
from .drop import DropConnection
from .faults import Action, Faults
from .params import (
    MAX_LIMIT,
    parse_condition,
    parse_deleted,
    parse_include,
    parse_int,
)
from .resources import RESOURCES, DemoResource
from .responses import (
    ApiError,
    FieldError,
    error_response,
    status_error,
    validation_error,
)

Sleep = Callable[[float], Awaitable[None]]


class Runtime(Protocol):
    """The mutable settings the endpoints read on every request."""

    latency: float
    faults: Faults
    barrier: Barrier
    sleep: Sleep


def _visible(item: Any, deleted: str) -> bool:
    gone = item.deleted_at is not None
    if deleted == "only":
        return gone
    return deleted == "include" or not gone


def _fault_response(action: Action, item_id: int | None) -> Response:
    if action.kind == "drop":
        return DropConnection()
    if action.kind == "fail":
        return error_response(status_error(action.status, action.headers))
    if action.shape == "not_json":
        # Claims JSON, is cut short: what a proxy timeout mid-body leaves.
        return Response(
            b'{"id": 1, "corporate_name": "Ro', media_type="application/json"
        )
    # An envelope the contract does not have: valid JSON, wrong shape.
    if item_id is None:
        return JSONResponse({"data": []})
    return JSONResponse({"data": {"id": item_id}})


Endpoint = Callable[[Request], Awaitable[Response]]


def _guarded(runtime: Runtime, resource: DemoResource, handler: Endpoint) -> Endpoint:
    """`handler` behind the barrier, the latency and the faults."""

    async def endpoint(request: Request) -> Response:
        if not await runtime.barrier.wait():
            return error_response(
                ApiError(503, "barrier_broken", "Too few requests reached the barrier.")
            )
        item_id: int | None = request.path_params.get("id")
        plan = runtime.faults.take(resource.path, item_id)
        wait = runtime.latency + plan.delay
        if wait > 0:
            await runtime.sleep(wait)
        if plan.action is not None:
            return _fault_response(plan.action, item_id)
        return await handler(request)

    return endpoint


def _read_request(
    request: Request, resource: DemoResource
) -> tuple[str, frozenset[str], str, list[FieldError]] | Response:
    """What every call checks first: the headers (an error answer when they
    fail), then the company, `include`, `deleted` and the failures so far."""
    company = check_headers(request.headers)
    if isinstance(company, ApiError):
        return error_response(company)
    params = request.query_params
    failures: list[FieldError] = []
    include = parse_include(params.get("include"), resource.relations, failures)
    deleted = parse_deleted(params.get("deleted"), failures)
    return company, include, deleted, failures


def _get_item(resource: DemoResource) -> Endpoint:
    async def get_item(request: Request) -> Response:
        """`GET {path}/{id}`: one item of the caller's company."""
        asked = _read_request(request, resource)
        if isinstance(asked, Response):
            return asked
        company, include, deleted, failures = asked
        if failures:
            return error_response(validation_error(failures))
        item_id: int = request.path_params["id"]
        item = resource.items_of(company).get(item_id)
        if item is None or not _visible(item, deleted):
            message = f"{resource.noun} with id {item_id} not found."
            return error_response(ApiError(404, "not_found", message))
        response = JSONResponse(resource.render(item, include))
        _set_session_cookie(response, company)
        return response

    return get_item


def _set_session_cookie(response: Response, company: str) -> None:
    # Real APIs (and their load balancers) set cookies; a facade that kept
    # them would send one caller's session along with the next caller's call.
    response.set_cookie("wethod_session", f"{company}-session", path="/", httponly=True)


def _list_items(resource: DemoResource) -> Endpoint:
    async def list_items(request: Request) -> Response:
        """`GET {path}`: a page of the caller's company's items by id."""
        asked = _read_request(request, resource)
        if isinstance(asked, Response):
            return asked
        company, include, deleted, failures = asked
        params = request.query_params
        limit = parse_int(
            params.get("limit"), "limit", MAX_LIMIT, (1, MAX_LIMIT), failures
        )
        offset = parse_int(params.get("offset"), "offset", 0, (0, None), failures)
        conditions = [
            parse_condition(name, params.get(name), failures)
            for name in resource.filters
        ]
        if failures:
            return error_response(validation_error(failures))
        items = sorted(resource.items_of(company).values(), key=lambda item: item.id)
        page = [
            item
            for item in items
            if _visible(item, deleted)
            and all(c.matches(getattr(item, c.field)) for c in conditions if c)
        ]
        return JSONResponse(
            [resource.render(item, include) for item in page[offset : offset + limit]]
        )

    return list_items


def api_routes(
    runtime: Runtime, resources: Sequence[DemoResource] = RESOURCES
) -> list[Route]:
    """The REST routes of `resources`, behind the barrier, latency and faults."""
    routes: list[Route] = []
    for resource in resources:
        routes += [
            Route(
                resource.path,
                _guarded(runtime, resource, _list_items(resource)),
                methods=["GET"],
            ),
            Route(
                f"{resource.path}/{{id:int}}",
                _guarded(runtime, resource, _get_item(resource)),
                methods=["GET"],
            ),
        ]
    return routes
