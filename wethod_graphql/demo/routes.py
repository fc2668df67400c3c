"""The REST endpoints: `GET /api/clients/{id}` and `GET /api/clients`.

Contract, per request, in this order:
1. wait out a hold, the global latency plus any fault delay, then answer an injected
   fault if one is set (see `faults`);
2. header checks (see `auth.check_headers`): 401, then 412, then 403;
3. query validation: every bad parameter is listed in one 400
   `invalid_data`; `include` accepts only `externalIdentifiers`
   (comma-separated, blanks ignored), `deleted` only exclude|include|only,
   `limit` an integer 1..100 (default 100), `offset` an integer >= 0;
4. the data of the caller's company only: 404 `not_found` for an id that is
   missing or filtered out by `deleted`. The list is ordered by id.
A client answer sets a `wethod_session` cookie naming the company, so tests
can prove that no cookie travels from one caller's call to another's.
A path id that is not `[0-9]+` is a route miss (404 before any check), as on
a router whose route carries that pattern.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Protocol

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .auth import check_headers
from .data import clients_of
from .drop import DropConnection
from .faults import Action, Faults
from .log import RequestLog
from .model import Client, client_json
from .responses import (
    ApiError,
    Failure,
    error_response,
    status_error,
    validation_error,
)

RELATIONS = ("externalIdentifiers",)
DELETION_FILTERS = ("exclude", "include", "only")
MAX_LIMIT = 100


class Runtime(Protocol):
    """The mutable settings the endpoints read on every request."""

    latency: float
    faults: Faults
    log: RequestLog


def _parse_include(raw: str | None, failures: list[Failure]) -> bool:
    """Whether external identifiers were asked for; bad names go to failures."""
    names = [name.strip() for name in (raw or "").split(",") if name.strip()]
    unknown = [name for name in names if name not in RELATIONS]
    if unknown:
        failures.append(
            Failure(
                "include",
                f"Unknown relation(s): {', '.join(unknown)}. "
                f"Possible values: {', '.join(RELATIONS)}.",
            )
        )
    return "externalIdentifiers" in names


def _parse_deleted(raw: str | None, failures: list[Failure]) -> str:
    if raw is None:
        return "exclude"
    if raw not in DELETION_FILTERS:
        failures.append(
            Failure("deleted", f"Must be one of: {', '.join(DELETION_FILTERS)}.")
        )
    return raw


def _parse_int(
    raw: str | None, name: str, default: int, low: int, high: int | None
) -> tuple[int, Failure | None]:
    if raw is None:
        return default, None
    bounds = f"between {low} and {high}" if high is not None else f">= {low}"
    try:
        value = int(raw)
    except ValueError:
        return default, Failure(name, f"Must be an integer {bounds}.")
    if value < low or (high is not None and value > high):
        return default, Failure(name, f"Must be an integer {bounds}.")
    return value, None


def _visible(client: Client, deleted: str) -> bool:
    if deleted == "only":
        return client.deleted
    return deleted == "include" or not client.deleted


def _fault_response(action: Action, client_id: int | None) -> Response:
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
    if client_id is None:
        return JSONResponse({"data": []})
    return JSONResponse({"data": {"id": client_id}})


Endpoint = Callable[[Request], Awaitable[Response]]

#: How often a held request looks at the in-flight count.
_HOLD_POLL = 0.002


async def _held(log: RequestLog, count: int, seconds: float) -> None:
    """Until `count` requests have been in flight at once, or `seconds`.

    A latch on the log's maximum, not the count now: the last request to
    arrive may be answered and gone before the first ones look again.
    """
    rounds = int(seconds / _HOLD_POLL)
    for _ in range(rounds):
        if log.max_in_flight >= count:
            return
        await asyncio.sleep(_HOLD_POLL)


def _with_faults(runtime: Runtime, handler: Endpoint) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        client_id: int | None = request.path_params.get("client_id")
        plan = runtime.faults.take(client_id)
        if plan.hold is not None:
            await _held(runtime.log, *plan.hold)
        wait = runtime.latency + plan.delay
        if wait > 0:
            await asyncio.sleep(wait)
        if plan.action is not None:
            return _fault_response(plan.action, client_id)
        return await handler(request)

    return endpoint


async def get_client(request: Request) -> Response:
    """`GET /api/clients/{id}`: one client of the caller's company."""
    company = check_headers(request.headers)
    if isinstance(company, ApiError):
        return error_response(company)
    failures: list[Failure] = []
    include = _parse_include(request.query_params.get("include"), failures)
    deleted = _parse_deleted(request.query_params.get("deleted"), failures)
    if failures:
        return error_response(validation_error(failures))
    client_id: int = request.path_params["client_id"]
    client = clients_of(company).get(client_id)
    if client is None or not _visible(client, deleted):
        return error_response(
            ApiError(404, "not_found", f"Client with id {client_id} not found.")
        )
    response = JSONResponse(client_json(client, with_identifiers=include))
    _set_session_cookie(response, company)
    return response


def _set_session_cookie(response: Response, company: str) -> None:
    # Real APIs (and their load balancers) set cookies; a facade that kept
    # them would send one caller's session along with the next caller's call.
    response.set_cookie("wethod_session", f"{company}-session", path="/", httponly=True)


async def list_clients(request: Request) -> Response:
    """`GET /api/clients`: a page of the caller's company's clients by id."""
    company = check_headers(request.headers)
    if isinstance(company, ApiError):
        return error_response(company)
    params = request.query_params
    failures: list[Failure] = []
    include = _parse_include(params.get("include"), failures)
    deleted = _parse_deleted(params.get("deleted"), failures)
    limit, bad_limit = _parse_int(params.get("limit"), "limit", MAX_LIMIT, 1, MAX_LIMIT)
    offset, bad_offset = _parse_int(params.get("offset"), "offset", 0, 0, None)
    failures += [failure for failure in (bad_limit, bad_offset) if failure]
    if failures:
        return error_response(validation_error(failures))
    clients = sorted(clients_of(company).values(), key=lambda client: client.id)
    page = [client for client in clients if _visible(client, deleted)]
    page = page[offset : offset + limit]
    return JSONResponse(
        [client_json(client, with_identifiers=include) for client in page]
    )


def api_routes(runtime: Runtime) -> list[Route]:
    """The REST routes, each behind the latency and fault layer."""
    return [
        Route("/api/clients", _with_faults(runtime, list_clients), methods=["GET"]),
        Route(
            "/api/clients/{client_id:int}",
            _with_faults(runtime, get_client),
            methods=["GET"],
        ),
    ]
