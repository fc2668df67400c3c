"""Fault injection: make chosen requests fail, stall, or break on purpose.

Contract:
- a fault targets a `Target(resource, id)`: one item of one resource
  (`Target("/api/clients", 3)`), every request to a resource, its list
  included (`Target("/api/clients")`), or every request (`None`, the
  wildcard); a bare int `n` is short for `Target("/api/clients", n)`;
- `fail`, `invalid_body` and `drop` are one-shot actions that answer the next
  `times` matching requests, then vanish; actions on one target queue up in
  the order they were set; an item's own actions go before its resource's,
  and those before wildcard ones;
- `delay` lasts until cleared; a request waits the sum of the delays of
  every target it matches (`seconds=0` removes one);
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

from .resources import CLIENTS_PATH

ActionKind = Literal["fail", "invalid_body", "drop"]
BodyShape = Literal["not_json", "wrong_shape"]
BODY_SHAPES: tuple[BodyShape, ...] = ("not_json", "wrong_shape")


class FaultsDisabled(RuntimeError):
    """Faults were set on a demo API built without `faults=True`."""


@dataclass(frozen=True, slots=True)
class Target:
    """Requests to one resource (its collection path), or to one of its items."""

    resource: str
    id: int | None = None

    def describe(self) -> dict[str, Any]:
        # `client_id` stays for callers written when clients were all there was.
        client_id = self.id if self.resource == CLIENTS_PATH else None
        return {"resource": self.resource, "id": self.id, "client_id": client_id}


#: What a setter takes: a target, a client id, or None (every request).
TargetLike = Target | int | None


def target_of(value: TargetLike) -> Target | None:
    """The target a setter's argument means; None is the wildcard."""
    if value is None or isinstance(value, Target):
        return value
    return Target(CLIENTS_PATH, value)


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
        self._actions: dict[Target | None, deque[_Queued]] = {}
        self._delays: dict[Target | None, float] = {}

    @property
    def enabled(self) -> bool:
        return self._enabled

    def fail(
        self,
        target: TargetLike,
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
        self._queue(target, Action("fail", status, all_headers), times)

    def invalid_body(
        self, target: TargetLike, times: int = 1, shape: BodyShape = "not_json"
    ) -> None:
        """Answer 200 with a broken body: not JSON, or JSON of the wrong shape."""
        if shape not in BODY_SHAPES:
            raise ValueError(f"shape must be one of {BODY_SHAPES}, not {shape!r}")
        self._queue(target, Action("invalid_body", shape=shape), times)

    def drop(self, target: TargetLike, times: int = 1) -> None:
        """Close the connection without any response, `times` times."""
        self._queue(target, Action("drop"), times)

    def delay(self, target: TargetLike, seconds: float) -> None:
        """Hold every matching request `seconds` before answering; 0 removes."""
        self._require_enabled()
        if seconds < 0:
            raise ValueError("delay must be >= 0 seconds")
        key = target_of(target)
        with self._lock:
            if seconds == 0:
                self._delays.pop(key, None)
            else:
                self._delays[key] = seconds

    def clear(self) -> None:
        """Remove every fault (allowed even when disabled: there are none)."""
        with self._lock:
            self._actions.clear()
            self._delays.clear()

    def take(self, resource: str, item_id: int | None) -> Plan:
        """The plan for one request to `resource` (to its item `item_id` when
        not None), consuming one action."""
        if not self._enabled:
            return Plan()
        targets: list[Target | None] = [Target(resource), None]
        if item_id is not None:
            targets.insert(0, Target(resource, item_id))
        with self._lock:
            delay = sum(self._delays.get(target, 0.0) for target in targets)
            for target in targets:
                queue = self._actions.get(target)
                if queue:
                    head = queue[0]
                    head.remaining -= 1
                    if head.remaining == 0:
                        queue.popleft()
                    return Plan(delay, head.action)
            return Plan(delay)

    def describe(self) -> dict[str, Any]:
        """The faults still set, as JSON (for the admin endpoint).

        Each action names its target (`resource`, `id` and `client_id`, all
        null for the wildcard); delays are keyed `*`, `/api/clients` or
        `/api/clients/3`.
        """

        def where(key: Target | None) -> dict[str, Any]:
            if key is None:
                return {"resource": None, "id": None, "client_id": None}
            return key.describe()

        def delay_key(key: Target | None) -> str:
            if key is None:
                return "*"
            return key.resource if key.id is None else f"{key.resource}/{key.id}"

        def action(key: Target | None, item: _Queued) -> dict[str, Any]:
            described: dict[str, Any] = {**where(key), "kind": item.action.kind}
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
                "delays": {delay_key(key): s for key, s in self._delays.items()},
            }

    def _queue(self, target: TargetLike, action: Action, times: int) -> None:
        self._require_enabled()
        if times < 1:
            raise ValueError("times must be >= 1")
        key = target_of(target)
        with self._lock:
            queue = self._actions.setdefault(key, deque())
            queue.append(_Queued(action, times))

    def _require_enabled(self) -> None:
        if not self._enabled:
            raise FaultsDisabled("faults are off: build DemoApi(faults=True)")
