"""`CallObservation`: one logical upstream call, attempt by attempt.

The upstream boundary reports to it in this order, and nothing else:
`attempt_started` (returns the headers to send), `attempt_ended` with the
status or the failure (`timeout`, `connect_error`, `dropped`, ...), maybe
`retrying`, again per attempt, then `ended` once. It feeds the metrics, a
client span per attempt, the failure log line, and the request's record.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING

from wethod_graphql.errors import UpstreamTimeout
from wethod_graphql.observe.record import UpstreamCall, current_request, redact_query

if TYPE_CHECKING:
    from opentelemetry.trace import Span

    from wethod_graphql.observe.observer import Observer

logger = logging.getLogger("wethod_graphql.upstream")

#: Answers that are not failures of the upstream: the caller's own problem,
#: reported as a GraphQL error (and logged there), not here.
_ANSWERS = frozenset({200, 400, 401, 403, 404, 412})


class CallObservation:
    __slots__ = (
        "_attempt",
        "_attempt_started",
        "_call",
        "_host",
        "_last",
        "_observer",
        "_params",
        "_path",
        "_port",
        "_record",
        "_resource",
        "_span",
        "_started",
        "_template",
    )

    def __init__(
        self,
        observer: Observer,
        resource: str,
        template: str,
        host: str,
        port: int | None,
        path: str,
        params: Mapping[str, str],
        served: list[list[str | int]] | None,
    ) -> None:
        self._observer = observer
        self._resource = resource
        self._template = template
        self._host = host
        self._port = port
        self._path = path
        self._params = params
        self._attempt = 0
        self._attempt_started = 0.0
        self._last: int | str | None = None
        self._span: Span | None = None
        self._record = record = current_request.get()
        self._call: UpstreamCall | None = None
        if record is not None:
            if record.explain:
                self._call = UpstreamCall(
                    "GET", path, redact_query(params), served=served or []
                )
            record.call_started(self._call)
        self._started = time.perf_counter()

    def attempt_started(self, headers: dict[str, str]) -> dict[str, str]:
        """Counts the attempt in flight; the headers to send (trace context)."""
        self._attempt += 1
        metrics = self._observer.metrics
        if metrics is not None:
            metrics.attempt_started()
        tracing = self._observer.tracing
        if tracing is not None:
            self._span = tracing.start_client(
                "GET", self._template, self._host, self._port, self._attempt
            )
            headers = tracing.inject(self._span, headers)
        self._attempt_started = time.perf_counter()
        return headers

    def attempt_ended(self, outcome: int | str) -> None:
        """`outcome`: the HTTP status, or why there was none."""
        elapsed = time.perf_counter() - self._attempt_started
        self._last = outcome
        metrics = self._observer.metrics
        if metrics is not None:
            metrics.attempt_ended(self._resource, outcome, elapsed)
        tracing = self._observer.tracing
        if self._span is not None and tracing is not None:
            tracing.end_client(self._span, outcome)
            self._span = None
        if outcome not in _ANSWERS:
            self._log_failure(outcome)

    def retrying(self, reason: int | str) -> None:
        """Another attempt follows, because of `reason` (a status or a failure)."""
        metrics = self._observer.metrics
        if metrics is not None:
            metrics.retrying(reason)

    def ended(self, error: BaseException | None) -> None:
        """The call is over: answered, or failed with `error`."""
        duration_ms = (time.perf_counter() - self._started) * 1000
        if self._record is not None:
            self._record.call_ended(self._attempt, duration_ms)
        call = self._call
        if call is None:
            return
        call.attempts = self._attempt
        call.duration_ms = duration_ms
        if isinstance(self._last, int):
            call.status = self._last
        else:
            call.error = self._last
        if error is not None and call.error is None:
            # The call failed between attempts (its budget spent while
            # waiting), or after an answer it could not use (not JSON).
            if isinstance(error, TimeoutError | UpstreamTimeout):
                call.error = "timeout"
            elif self._last == 200:
                call.error = "invalid_body"

    def _log_failure(self, outcome: int | str) -> None:
        query = redact_query(self._params)
        failure = f"status {outcome}" if isinstance(outcome, int) else outcome
        host = self._host if self._port is None else f"{self._host}:{self._port}"
        logger.warning(
            "upstream GET %s%s failed: %s (attempt %d)",
            host,
            self._path,
            failure,
            self._attempt,
            extra={
                "host": host,
                "path": self._path,
                "query": query,
                "attempt": self._attempt,
                **(
                    {"status": outcome}
                    if isinstance(outcome, int)
                    else {"cause": outcome}
                ),
            },
        )
