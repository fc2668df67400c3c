"""`/metrics` renders, byte for byte, what prometheus-client's own metrics did.

A drawn sequence of events (requests of every operation type, with names
past the bound on distinct names, statuses and error codes; upstream attempts
by resource and outcome, their durations on bucket bounds, at zero, huge or
infinite; retries; attempts left in flight; scrapes in between) goes both to
`Metrics` and to `Reference`, the metrics as they were built before the
in-process counting: prometheus-client's `Counter`, `Histogram` and `Gauge`.
Every scrape must read the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)

from wethod_graphql.observe import metrics as metrics_module
from wethod_graphql.observe.instruments import (
    Counts,
    Observations,
    SharedCounts,
    SharedObservations,
)
from wethod_graphql.observe.metrics import Metrics
from wethod_graphql.observe.record import RequestRecord

EXAMPLES = settings(
    max_examples=300,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SECONDS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
CALLS = (0, 1, 2, 3, 5, 10, 20, 50, 100, 200, 500, 1000)
#: A small bound on distinct operation names, so that draws pass it.
NAMES_BOUND = 3


class Reference:
    """The metrics as prometheus-client counted them, fed as they were fed."""

    def __init__(self, names_bound: int) -> None:
        self.registry = registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "wethod_graphql_requests",
            "GraphQL requests, by operation type, name and HTTP status.",
            ["operation_type", "operation_name", "status"],
            registry=registry,
        )
        self.request_duration = Histogram(
            "wethod_graphql_request_duration_seconds",
            "Time to answer a GraphQL request, by operation type.",
            ["operation_type"],
            buckets=SECONDS,
            registry=registry,
        )
        self.errors = Counter(
            "wethod_graphql_errors",
            "GraphQL errors sent, by extensions.code.",
            ["code"],
            registry=registry,
        )
        self.upstream_requests = Counter(
            "wethod_graphql_upstream_requests",
            "Upstream HTTP attempts, by resource and status (or failure).",
            ["resource", "status"],
            registry=registry,
        )
        self.upstream_duration = Histogram(
            "wethod_graphql_upstream_request_duration_seconds",
            "Time of one upstream HTTP attempt, by resource.",
            ["resource"],
            buckets=SECONDS,
            registry=registry,
        )
        self.upstream_retries = Counter(
            "wethod_graphql_upstream_retries",
            "Upstream attempts retried, by the reason for the retry.",
            ["reason"],
            registry=registry,
        )
        self.in_flight = Gauge(
            "wethod_graphql_upstream_in_flight",
            "Upstream HTTP attempts in flight now.",
            registry=registry,
        )
        self.calls_per_operation = Histogram(
            "wethod_graphql_upstream_calls_per_operation",
            "Upstream calls one GraphQL operation made.",
            buckets=CALLS,
            registry=registry,
        )
        self.names: set[str] = set()
        self.names_bound = names_bound

    def label(self, name: str | None) -> str:
        if name is None:
            return "anonymous"
        if name in self.names:
            return name
        if len(self.names) < self.names_bound:
            self.names.add(name)
            return name
        return "other"

    def request(self, record: RequestRecord, status: int, seconds: float) -> None:
        operation_type = record.operation_type or "none"
        name = self.label(record.operation_name)
        self.requests.labels(operation_type, name, str(status)).inc()
        self.request_duration.labels(operation_type).observe(seconds)
        for code in record.error_codes:
            self.errors.labels(code).inc()
        if record.operation_type is not None:
            self.calls_per_operation.observe(record.upstream_calls)

    def attempt_ended(self, resource: str, outcome: int | str, seconds: float) -> None:
        self.in_flight.dec()
        self.upstream_requests.labels(resource, str(outcome)).inc()
        self.upstream_duration.labels(resource).observe(seconds)

    def render(self) -> bytes:
        return generate_latest(self.registry)


@dataclass(frozen=True)
class Request:
    operation_type: str | None
    operation_name: str | None
    status: int
    seconds: float
    error_codes: list[str] = field(default_factory=list)
    upstream_calls: int = 0


@dataclass(frozen=True)
class AttemptStarted:
    pass


@dataclass(frozen=True)
class AttemptEnded:
    resource: str
    outcome: int | str
    seconds: float


@dataclass(frozen=True)
class Retrying:
    reason: int | str


@dataclass(frozen=True)
class Scrape:
    pass


# Label values with what the exposition escapes: quotes, backslashes, newlines.
tricky = st.text(alphabet='ab"\\\n{}=,é', max_size=4)
seconds = st.one_of(
    st.sampled_from([*SECONDS, *map(float, SECONDS), 0.0, -0.0]),
    st.floats(allow_nan=False),  # huge, tiny, subnormal, infinite too
    st.floats(min_value=0, max_value=20, allow_nan=False),
)
statuses = st.sampled_from([200, 400, 413, 415, 500, 503])
outcomes = st.one_of(
    statuses,
    st.integers(100, 599),
    st.sampled_from(["timeout", "connect_error", "dropped", "error", "200"]),
    tricky,
)
requests = st.builds(
    Request,
    operation_type=st.sampled_from([None, "query", "mutation", "subscription"]),
    operation_name=st.one_of(
        st.none(), st.sampled_from(["One", "Two", "Three", "Four", "Five"]), tricky
    ),
    status=statuses,
    seconds=seconds,
    error_codes=st.lists(
        st.one_of(st.sampled_from(["NOT_FOUND", "BAD_REQUEST"]), tricky),
        max_size=3,
    ),
    upstream_calls=st.one_of(st.sampled_from(CALLS), st.integers(0, 5000)),
)
events = st.lists(
    st.one_of(
        requests,
        st.just(AttemptStarted()),
        st.builds(
            AttemptEnded,
            resource=st.one_of(st.sampled_from(["clients", "projects"]), tricky),
            outcome=outcomes,
            seconds=seconds,
        ),
        st.builds(Retrying, reason=outcomes),
        st.just(Scrape()),
    ),
    max_size=60,
)


def replay(events: list[Any], metrics: Metrics, reference: Reference) -> None:
    for event in events:
        match event:
            case Request():
                record = RequestRecord(
                    operation_type=event.operation_type,
                    operation_name=event.operation_name,
                    error_codes=list(event.error_codes),
                    upstream_calls=event.upstream_calls,
                )
                metrics.request(record, event.status, event.seconds)
                reference.request(record, event.status, event.seconds)
            case AttemptStarted():
                metrics.attempt_started()
                reference.in_flight.inc()
            case AttemptEnded():
                metrics.attempt_ended(event.resource, event.outcome, event.seconds)
                reference.attempt_ended(event.resource, event.outcome, event.seconds)
            case Retrying():
                metrics.retrying(event.reason)
                reference.upstream_retries.labels(str(event.reason)).inc()
            case Scrape():
                assert metrics.render() == reference.render()


@EXAMPLES
@given(events)
def test_a_scrape_reads_as_prometheus_client_counted(events: list[Any]) -> None:
    with mock.patch.object(metrics_module, "MAX_OPERATION_NAMES", NAMES_BOUND):
        metrics = Metrics()
        reference = Reference(NAMES_BOUND)
        replay(events, metrics, reference)
        assert metrics.render() == reference.render()


def test_operation_names_past_the_bound_read_alike() -> None:
    bound = metrics_module.MAX_OPERATION_NAMES
    metrics, reference = Metrics(), Reference(bound)
    names = [f"Operation{n}" for n in range(bound + 20)]
    replay(
        [Request("query", name, 200, 0.01) for name in [*names, *names[::7]]],
        metrics,
        reference,
    )
    rendered = metrics.render()
    assert rendered == reference.render()
    assert b'operation_name="other"' in rendered


@EXAMPLES
@given(
    st.lists(
        st.tuples(st.sampled_from([("clients",), ("projects",), ('a"\\\n',)]), seconds),
        max_size=40,
    ),
    st.lists(st.sampled_from([("a", 200), ("a", "200"), ("b", "timeout")])),
)
def test_the_shared_instruments_read_as_the_local_ones(
    observed: list[tuple[tuple[str], float]], counted: list[tuple[str, int | str]]
) -> None:
    """What `serve --workers` counts with: prometheus-client's metrics."""
    disable_created_metrics()  # type: ignore[no-untyped-call]  # as `Metrics` does
    local, shared = CollectorRegistry(), CollectorRegistry()
    label = ["resource"]
    observations: list[Observations | SharedObservations] = [
        Observations("o", "O.", label, SECONDS, local),
        SharedObservations("o", "O.", label, SECONDS, shared),
    ]
    calls: list[Observations | SharedObservations] = [
        Observations("c", "C.", [], CALLS, local),
        SharedObservations("c", "C.", [], CALLS, shared),
    ]
    counts: list[Counts | SharedCounts] = [
        Counts("n", "N.", ["resource", "status"], local),
        SharedCounts("n", "N.", ["resource", "status"], shared),
    ]
    for key, amount in observed:
        for histogram in observations:
            histogram.observe(key, amount)
        for histogram in calls:
            histogram.observe((), amount)
    for count_key in counted:
        for counter in counts:
            counter.inc(count_key)
    assert generate_latest(local) == generate_latest(shared)
