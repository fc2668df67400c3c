"""Admin endpoints under `/_demo/`, for processes that cannot reach Python.

Served only when the demo API is built with faults on; otherwise `/_demo/*`
is a route miss (404). Contract:
- `GET /_demo/requests` -> `{requests: [...], in_flight, max_in_flight}`;
- `DELETE /_demo/requests` -> 204, clears the log and the in-flight maximum;
- `GET /_demo/faults` -> `{actions: [...], delays: {...}, latency}`;
- `POST /_demo/faults` with `{kind, resource?, id?, times?, ...}` -> 201 and
  the faults now set. `kind` is `fail` (needs `status`; `retry_after`,
  `headers` optional), `invalid_body` (`shape`: not_json | wrong_shape),
  `drop`, or `delay` (needs `seconds`). `resource` (`/api/clients`) with
  `id` targets one item, without it every request to the resource; both
  absent means every request. `client_id: n` is short for
  `resource: /api/clients, id: n`;
- `DELETE /_demo/faults` -> 204, removes every fault;
- `PUT /_demo/latency` with `{seconds}` -> 200 `{latency}`: the global latency;
- `PUT /_demo/barrier` with `{requests, timeout?}` -> 204: hold the next
  `requests` requests until all are in flight (see `barrier`); 409 when one
  is armed already.
A bad body is a 400 `invalid_data` listing the bad fields.
"""

from __future__ import annotations

import json
from typing import Any, Protocol

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .barrier import DEFAULT_TIMEOUT, Barrier
from .faults import BODY_SHAPES, Faults, Target, TargetLike
from .log import RequestLog
from .responses import ApiError, FieldError, error_response, validation_error

KINDS = ("fail", "invalid_body", "drop", "delay")


class AdminTarget(Protocol):
    """What the admin endpoints inspect and change."""

    latency: float
    faults: Faults
    log: RequestLog
    barrier: Barrier


class _Invalid(Exception):
    def __init__(self, failures: list[FieldError]) -> None:
        super().__init__("invalid admin request")
        self.failures = failures


async def _json_object(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body())
    except ValueError:
        raise _Invalid([FieldError("body", "Must be a JSON object.")]) from None
    if not isinstance(body, dict):
        raise _Invalid([FieldError("body", "Must be a JSON object.")])
    return body


def _number(body: dict[str, Any], name: str, *, integer: bool) -> Any:
    value = body.get(name)
    allowed = (int,) if integer else (int, float)
    # bool is an int to Python, never to a JSON caller.
    if isinstance(value, bool) or not isinstance(value, allowed) or value < 0:
        kind = "integer" if integer else "number"
        raise _Invalid([FieldError(name, f"Must be a non-negative {kind}.")])
    return value


def _set_fault(faults: Faults, body: dict[str, Any]) -> None:
    kind = body.get("kind")
    if kind not in KINDS:
        raise _Invalid([FieldError("kind", f"Must be one of: {', '.join(KINDS)}.")])
    where = _target(body)
    times = _number(body, "times", integer=True) if "times" in body else 1
    if times < 1:
        raise _Invalid([FieldError("times", "Must be an integer >= 1.")])
    try:
        if kind == "fail":
            retry_after = body.get("retry_after")
            if retry_after is not None and not isinstance(retry_after, str):
                retry_after = _number(body, "retry_after", integer=False)
            headers = body.get("headers") or {}
            if not isinstance(headers, dict) or not all(
                isinstance(value, str) for value in headers.values()
            ):
                raise _Invalid([FieldError("headers", "Must map names to strings.")])
            status = _number(body, "status", integer=True)
            faults.fail(where, status, times, retry_after, headers)
        elif kind == "invalid_body":
            shape = body.get("shape", "not_json")
            if shape not in BODY_SHAPES:
                message = f"Must be one of: {', '.join(BODY_SHAPES)}."
                raise _Invalid([FieldError("shape", message)])
            faults.invalid_body(where, times, shape)
        elif kind == "drop":
            faults.drop(where, times)
        else:
            faults.delay(where, _number(body, "seconds", integer=False))
    except ValueError as exc:
        # The setters' own checks left: the status range, for `fail`.
        raise _Invalid([FieldError("status", str(exc))]) from None


def _target(body: dict[str, Any]) -> TargetLike:
    if body.get("client_id") is not None:
        number: int = _number(body, "client_id", integer=True)
        return number
    resource = body.get("resource")
    if resource is None:
        return None
    if not isinstance(resource, str) or not resource.startswith("/api/"):
        raise _Invalid([FieldError("resource", "Must be a path such as /api/clients.")])
    item_id = _number(body, "id", integer=True) if body.get("id") is not None else None
    return Target(resource, item_id)


def admin_routes(target: AdminTarget) -> list[Route]:
    """The `/_demo/` routes acting on `target`."""

    async def requests(request: Request) -> Response:
        if request.method == "DELETE":
            target.log.clear()
            return Response(status_code=204)
        return JSONResponse(
            {
                "requests": [record.to_json() for record in target.log.records],
                "in_flight": target.log.in_flight,
                "max_in_flight": target.log.max_in_flight,
            }
        )

    def faults_state(status: int = 200) -> Response:
        state = {**target.faults.describe(), "latency": target.latency}
        return JSONResponse(state, status_code=status)

    async def faults(request: Request) -> Response:
        if request.method == "DELETE":
            target.faults.clear()
            return Response(status_code=204)
        if request.method == "GET":
            return faults_state()
        try:
            _set_fault(target.faults, await _json_object(request))
        except _Invalid as invalid:
            return error_response(validation_error(invalid.failures))
        return faults_state(201)

    async def latency(request: Request) -> Response:
        try:
            seconds = _number(await _json_object(request), "seconds", integer=False)
        except _Invalid as invalid:
            return error_response(validation_error(invalid.failures))
        target.latency = float(seconds)
        return JSONResponse({"latency": target.latency})

    async def barrier(request: Request) -> Response:
        try:
            body = await _json_object(request)
            requests = _number(body, "requests", integer=True)
            if requests < 1:
                raise _Invalid([FieldError("requests", "Must be an integer >= 1.")])
            timeout = DEFAULT_TIMEOUT
            if "timeout" in body:
                timeout = _number(body, "timeout", integer=False)
            if not timeout > 0:
                raise _Invalid([FieldError("timeout", "Must be a number > 0.")])
        except _Invalid as invalid:
            return error_response(validation_error(invalid.failures))
        try:
            target.barrier.hold(requests, float(timeout))
        except RuntimeError as armed:
            return error_response(ApiError(409, "conflict", str(armed)))
        return Response(status_code=204)

    return [
        Route("/_demo/requests", requests, methods=["GET", "DELETE"]),
        Route("/_demo/faults", faults, methods=["GET", "POST", "DELETE"]),
        Route("/_demo/latency", latency, methods=["PUT"]),
        Route("/_demo/barrier", barrier, methods=["PUT"]),
    ]
