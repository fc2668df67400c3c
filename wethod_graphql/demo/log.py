"""The request log: what the demo API was asked, and how it answered.

Contract:
- every request but the `/_demo/` admin ones is recorded as its answer
  starts (before the client can read any of it), oldest first, at most
  `capacity` of them (older ones fall off);
- `status` is the status sent, or 0 when the connection was dropped on
  purpose (no response at all);
- `resource` is the collection path of an `/api/{name}` or
  `/api/{name}/{id}` request (`/api/clients`), `id` the item's id; both are
  None for other paths (`client_id` is the id of a client request only);
- `in_flight` counts requests being handled and not yet answered, `max_in_flight`
  the most ever at once since the last `clear()`;
- safe to read from another thread than the server's (tests run the server in
  a background thread).
"""

from __future__ import annotations

import re
import threading
from collections import deque
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .drop import ConnectionDropped

ADMIN_PREFIX = "/_demo/"
_API_PATH = re.compile(r"(/api/[a-z_]+)(?:/([0-9]+))?")
_CLIENTS = "/api/clients"


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One answered request; header names lowercase, repeated values joined."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    resource: str | None
    id: int | None
    status: int

    @property
    def client_id(self) -> int | None:
        """The id of a `/api/clients/{id}` request; None for any other."""
        return self.id if self.resource == _CLIENTS else None

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "client_id": self.client_id}


class RequestLog:
    """A bounded, thread-safe list of recorded requests with in-flight counts."""

    def __init__(self, capacity: int = 10_000) -> None:
        self._records: deque[RecordedRequest] = deque(maxlen=capacity)
        self._lock = threading.Lock()
        self._in_flight = 0
        self._max_in_flight = 0

    @property
    def records(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._records)

    @property
    def in_flight(self) -> int:
        return self._in_flight

    @property
    def max_in_flight(self) -> int:
        return self._max_in_flight

    def enter(self) -> None:
        with self._lock:
            self._in_flight += 1
            self._max_in_flight = max(self._max_in_flight, self._in_flight)

    def leave(self, record: RecordedRequest) -> None:
        with self._lock:
            self._in_flight -= 1
            self._records.append(record)

    def clear(self) -> None:
        """Forget every record; the maximum restarts from what is in flight now."""
        with self._lock:
            self._records.clear()
            self._max_in_flight = self._in_flight


def resource_of(path: str) -> tuple[str | None, int | None]:
    """(`/api/{name}`, id or None) of an API path; (None, None) otherwise."""
    match = _API_PATH.fullmatch(path)
    if match is None:
        return None, None
    resource, item_id = match.groups()
    return resource, None if item_id is None else int(item_id)


def _headers(scope: Scope) -> dict[str, str]:
    headers: dict[str, str] = {}
    for raw_name, raw_value in scope["headers"]:
        name, value = raw_name.decode("latin-1").lower(), raw_value.decode("latin-1")
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return headers


class RecorderMiddleware:
    """ASGI middleware that records each HTTP request into a `RequestLog`."""

    def __init__(self, app: ASGIApp, log: RequestLog) -> None:
        self.app = app
        self.log = log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(ADMIN_PREFIX):
            await self.app(scope, receive, send)
            return
        query = scope.get("query_string", b"").decode("latin-1")
        resource, item_id = resource_of(scope["path"])
        recorded = False

        def record(status: int) -> None:
            nonlocal recorded
            if recorded:
                return
            recorded = True
            self.log.leave(
                RecordedRequest(
                    method=scope["method"],
                    path=scope["path"],
                    query=dict(parse_qsl(query, keep_blank_values=True)),
                    headers=_headers(scope),
                    resource=resource,
                    id=item_id,
                    status=status,
                )
            )

        async def send_and_note(message: Message) -> None:
            if message["type"] == "http.response.start":
                # Before the first byte leaves: a client holding its answer
                # finds its request in the log, even over a real socket.
                record(message["status"])
            await send(message)

        self.log.enter()
        try:
            await self.app(scope, receive, send_and_note)
        except ConnectionDropped:
            record(0)
            raise
        except Exception:
            # Starlette's outer error middleware answers 500 for this.
            record(500)
            raise
        finally:
            record(0)  # no response at all: the connection was dropped
