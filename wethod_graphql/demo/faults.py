"""Fault injection: make chosen requests fail, stall, or break on purpose.

Contract:
- a fault targets one client id, or every request when `client_id` is None
  (the wildcard; the list endpoint, having no id, sees only wildcard faults);
- `fail`, `invalid_body` and `drop` are one-shot actions that answer the next
  `times` matching requests, then vanish; actions on one target queue up in
  the order they were set; an id's own actions go before wildcard ones;
- `delay` lasts until cleared; a request waits the sum of the wildcard delay
  and its id's delay (`seconds=0` removes one);
- `hold` lasts until cleared: every request waits until `count` requests
  have been in flight at once since the log was last cleared, or `timeout`
  seconds (a barrier: tests prove concurrency with it instead of timing);
- faults act before any header check, like a proxy or overloaded server in
  front of the real API would;
- on a `Faults(enabled=False)` every setter raises `FaultsDisabled`, and
  `take` always answers "no fault";
- thread-safe: tests set faults while the server runs in another thread.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Literal

ActionKind = Literal["fail", "invalid_body", "drop"]
BodyShape = Literal["not_json", "wrong_shape"]
BODY_SHAPES: tuple[BodyShape, ...] = ("not_json", "wrong_shape")


class FaultsDisabled(RuntimeError):
    """Faults were set on a demo API built without `faults=True`."""


@dataclass(frozen=True, slots=True)
class Action:
    """What to do instead of the normal answer, once."""

    kind: ActionKind
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    shape: BodyShape = "not_json"


@dataclass(frozen=True, slots=True)
class Plan:
    """The faults one request meets: wait `delay` seconds, then `action`."""

    delay: float = 0.0
    action: Action | None = None
    #: (in-flight count to wait for, longest wait in seconds), when held.
    hold: tuple[int, float] | None = None


@dataclass(slots=True)
class _Queued:
    action: Action
    remaining: int


def _retry_after_text(value: float | str) -> str:
    if isinstance(value, str):
        return value
    return str(int(value)) if float(value).is_integer() else str(value)


class Faults:
    """The faults set on one demo API."""

    def __init__(self, enabled: bool) -> None:
        self._enabled = enabled
        self._lock = threading.Lock()
        self._actions: dict[int | None, deque[_Queued]] = {}
        self._delays: dict[int | None, float] = {}
        self._hold: tuple[int, float] | None = None

    @property
    def enabled(self) -> bool:
        return self._enabled

    def fail(
        self,
        client_id: int | None,
        status: int,
        times: int = 1,
        retry_after: float | str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Answer `status` (400..599) with its error body `times` times.

        `retry_after` (seconds, or an HTTP date as text) becomes `Retry-After`.
        """
        if not 400 <= status <= 599:
            raise ValueError(f"fault status must be 400..599, not {status}")
        all_headers = dict(headers or {})
        if retry_after is not None:
            all_headers["Retry-After"] = _retry_after_text(retry_after)
        self._queue(client_id, Action("fail", status, all_headers), times)

    def invalid_body(
        self, client_id: int | None, times: int = 1, shape: BodyShape = "not_json"
    ) -> None:
        """Answer 200 with a broken body: not JSON, or JSON of the wrong shape."""
        if shape not in BODY_SHAPES:
            raise ValueError(f"shape must be one of {BODY_SHAPES}, not {shape!r}")
        self._queue(client_id, Action("invalid_body", shape=shape), times)

    def drop(self, client_id: int | None, times: int = 1) -> None:
        """Close the connection without any response, `times` times."""
        self._queue(client_id, Action("drop"), times)

    def delay(self, client_id: int | None, seconds: float) -> None:
        """Hold every matching request `seconds` before answering; 0 removes."""
        self._require_enabled()
        if seconds < 0:
            raise ValueError("delay must be >= 0 seconds")
        with self._lock:
            if seconds == 0:
                self._delays.pop(client_id, None)
            else:
                self._delays[client_id] = seconds

    def hold(self, count: int, timeout: float = 10.0) -> None:
        """Hold each request until `count` have been in flight at once.

        At most `timeout` seconds: calls that never overlap all give up.
        """
        self._require_enabled()
        if count < 1 or timeout <= 0:
            raise ValueError("hold needs count >= 1 and timeout > 0")
        with self._lock:
            self._hold = (count, timeout)

    def clear(self) -> None:
        """Remove every fault (allowed even when disabled: there are none)."""
        with self._lock:
            self._actions.clear()
            self._delays.clear()
            self._hold = None

    def take(self, client_id: int | None) -> Plan:
        """The plan for one request to `client_id`, consuming one action."""
        if not self._enabled:
            return Plan()
        with self._lock:
            delay = self._delays.get(None, 0.0)
            if client_id is not None:
                delay += self._delays.get(client_id, 0.0)
            targets = [None] if client_id is None else [client_id, None]
            for target in targets:
                queue = self._actions.get(target)
                if queue:
                    head = queue[0]
                    head.remaining -= 1
                    if head.remaining == 0:
                        queue.popleft()
                    return Plan(delay, head.action, self._hold)
            return Plan(delay, hold=self._hold)

    def describe(self) -> dict[str, Any]:
        """The faults still set, as JSON (for the admin endpoint)."""

        def target(key: int | None) -> str:
            return "*" if key is None else str(key)

        def action(key: int | None, item: _Queued) -> dict[str, Any]:
            described: dict[str, Any] = {"client_id": key, "kind": item.action.kind}
            if item.action.kind == "fail":
                described["status"] = item.action.status
                described["headers"] = item.action.headers
            elif item.action.kind == "invalid_body":
                described["shape"] = item.action.shape
            described["remaining"] = item.remaining
            return described

        with self._lock:
            return {
                "actions": [
                    action(key, item)
                    for key, queue in self._actions.items()
                    for item in queue
                ],
                "delays": {target(key): s for key, s in self._delays.items()},
            }

    def _queue(self, client_id: int | None, action: Action, times: int) -> None:
        self._require_enabled()
        if times < 1:
            raise ValueError("times must be >= 1")
        with self._lock:
            queue = self._actions.setdefault(client_id, deque())
            queue.append(_Queued(action, times))

    def _require_enabled(self) -> None:
        if not self._enabled:
            raise FaultsDisabled("faults are off: build DemoApi(faults=True)")
