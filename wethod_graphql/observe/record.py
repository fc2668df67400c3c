"""What one request did, gathered while it runs.

`RequestRecord` lives in the `current_request` context variable for the
length of one HTTP request: the server sets it, the schema notes the
operation and its error codes, the upstream boundary notes every call. The
access log line, the metrics and `extensions.upstream` (explain) read it.
Upstream calls run in tasks created inside the request, which copy the
context, so they find the same record.

Nothing a caller sends as a secret is kept here: queries are redacted with
`redact_query`, and no header or variable value is recorded.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

#: A response path, as GraphQL errors spell it: field names and list indexes.
ResponsePath = list[str | int]

#: Query parameters whose value never reaches a log line or a response.
SECRET_PARAM = re.compile(r"token|key|secret|pass|auth|sig|session|code", re.I)
REDACTED = "redacted"

#: Calls listed in one explanation; the totals still count every call.
MAX_EXPLAINED_CALLS = 1000
#: Response paths listed per call; one call can serve a thousand entities.
MAX_SERVED_PATHS = 100


def redact_query(params: Mapping[str, str]) -> str:
    """`params` as a query string, with the values of secret-looking names hidden."""
    return "&".join(
        f"{quote(name, safe='')}="
        + (REDACTED if SECRET_PARAM.search(name) else quote(value, safe=",.-_~"))
        for name, value in params.items()
    )


@dataclass(slots=True)
class UpstreamCall:
    """One logical upstream call (all its attempts), for explain."""

    method: str
    path: str
    query: str
    attempts: int = 0
    #: The HTTP status of the last attempt, when there was an answer.
    status: int | None = None
    #: Why there was no usable answer: `timeout`, `connect_error`, `dropped`, ...
    error: str | None = None
    duration_ms: float = 0.0
    #: The response paths this call's answer went into, when known.
    served: list[ResponsePath] = field(default_factory=list)
    #: Answered from the per-caller cache (`WETHOD_CACHE_TTL`): nothing went out.
    cached: bool = False

    def to_json(self) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "attempts": self.attempts,
            "durationMs": round(self.duration_ms, 3),
            "paths": self.served[:MAX_SERVED_PATHS],
        }
        if self.status is not None:
            entry["status"] = self.status
        if self.error is not None:
            entry["error"] = self.error
        if self.cached:
            entry["cached"] = True
        return entry


@dataclass(slots=True)
class RequestRecord:
    """The observable facts of one request; filled in as it runs."""

    #: Whether the caller asked for, and may have, `extensions.upstream`.
    explain: bool = False
    operation_type: str | None = None
    operation_name: str | None = None
    error_codes: list[str] = field(default_factory=list)
    upstream_calls: int = 0
    upstream_attempts: int = 0
    upstream_ms: float = 0.0
    #: Every call, kept only when `explain` (see `MAX_EXPLAINED_CALLS`).
    calls: list[UpstreamCall] = field(default_factory=list)
    trace_id: str | None = None
    span_id: str | None = None

    def call_started(self, call: UpstreamCall | None) -> None:
        """Counts a call; keeps `call` for the explanation when given."""
        self.upstream_calls += 1
        if call is not None and len(self.calls) < MAX_EXPLAINED_CALLS:
            self.calls.append(call)

    def cache_hit(self, call: UpstreamCall) -> None:
        """Keeps, for the explanation only, a call the cache spared."""
        if self.explain and len(self.calls) < MAX_EXPLAINED_CALLS:
            self.calls.append(call)

    def call_ended(self, attempts: int, duration_ms: float) -> None:
        self.upstream_attempts += attempts
        self.upstream_ms += duration_ms

    def add_error_code(self, code: str) -> None:
        self.error_codes.append(code)

    def explanation(self) -> dict[str, Any]:
        """`extensions.upstream`: each call, then the totals."""
        return {
            "calls": [call.to_json() for call in self.calls],
            "totals": {
                "calls": self.upstream_calls,
                "attempts": self.upstream_attempts,
                # Calls overlap: this is time spent upstream, not wall time.
                "durationMs": round(self.upstream_ms, 3),
            },
        }


current_request: ContextVar[RequestRecord | None] = ContextVar(
    "wethod_request", default=None
)


def note_cache_hit(
    path: str, params: Mapping[str, str], served: list[ResponsePath] | None
) -> None:
    """Lists a call the cache answered in the current request's explanation:
    an entry marked `cached`, with no attempt; the totals count no call."""
    record = current_request.get()
    if record is not None and record.explain:
        record.cache_hit(
            UpstreamCall(
                "GET", path, redact_query(params), served=served or [], cached=True
            )
        )
