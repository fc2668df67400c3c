"""Error bodies shaped like the real API's, framework leftovers included.

Contract: every error body has `key` and `message`, `failures` on a 400, and
the leftover fields of the published schema (`headers`, `content`, `version`,
`status_code`, `status_text`, `charset`, `callback`, `encoding_options`). The
facade must strip those, so the demo sends them with plausible values: they
are what a PHP response object looks like when serialised by mistake.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from starlette.responses import JSONResponse

# Keys for statuses the contract does not name (faults answer these too).
_KEYS: Mapping[int, str] = {
    400: "invalid_data",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    412: "precondition_failure",
    429: "too_many_requests",
    500: "internal_error",
    502: "bad_gateway",
    503: "service_unavailable",
    504: "gateway_timeout",
}
INVALID_DATA_MESSAGE = "You provided invalid data. Check 'failures' for details."


@dataclass(frozen=True, slots=True)
class FieldError:
    """One validation failure: which field, and why."""

    field: str
    message: str


@dataclass(frozen=True, slots=True)
class ApiError:
    """An error answer; `failures` only matter on a 400."""

    status: int
    key: str
    message: str
    failures: tuple[FieldError, ...] = ()
    headers: Mapping[str, str] = field(default_factory=dict)


def key_for(status: int) -> str:
    """The error key the demo uses for a status."""
    known = _KEYS.get(status)
    if known is not None:
        return known
    return re.sub(r"[^a-z0-9]+", "_", HTTPStatus(status).phrase.lower()).strip("_")


def status_error(status: int, headers: Mapping[str, str] | None = None) -> ApiError:
    """A generic error for a status, as faults answer it."""
    message = f"{HTTPStatus(status).phrase}."
    failures: tuple[FieldError, ...] = ()
    if status == 400:
        message = INVALID_DATA_MESSAGE
        failures = (FieldError("request", "Injected validation failure."),)
    return ApiError(status, key_for(status), message, failures, dict(headers or {}))


def validation_error(failures: list[FieldError]) -> ApiError:
    """The 400 `invalid_data` error listing every failure found."""
    return ApiError(400, "invalid_data", INVALID_DATA_MESSAGE, tuple(failures))


def error_body(error: ApiError) -> dict[str, Any]:
    """The JSON body of an error, leftovers first as the schema lists them."""
    own: dict[str, Any] = {"key": error.key, "message": error.message}
    if error.status == 400:
        own["failures"] = [
            {"field": failure.field, "message": failure.message}
            for failure in error.failures
        ]
    return {
        "headers": {},
        "content": json.dumps(own),
        "version": "1.0",
        "status_code": error.status,
        "status_text": HTTPStatus(error.status).phrase,
        "charset": None,
        "callback": None,
        "encoding_options": 64,
        **own,
    }


def error_response(error: ApiError) -> JSONResponse:
    """The HTTP response of an error."""
    headers = dict(error.headers)
    if error.status == 401:
        headers.setdefault("WWW-Authenticate", "Bearer")
    return JSONResponse(error_body(error), status_code=error.status, headers=headers)
