"""Prometheus metrics of the service, served at `GET /metrics`.

The names and labels are part of the contract (see README, Monitoring).
Every label has a bounded set of values: operation names become a label
only for the first `MAX_OPERATION_NAMES` distinct ones (then `other`), and
resources, statuses, codes and reasons come from the service, not the caller.

Under `serve --workers N` each worker writes its values to files in
`PROMETHEUS_MULTIPROC_DIR` (prometheus-client's multiprocess mode, chosen
when that variable is set before the library is imported; `cli.py` sets
it), and any worker's `/metrics` sums them all. A scrape first drops the
live gauges of workers that died (see `forget_dead_workers`).
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager, suppress
from pathlib import Path

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Gauge,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead

from wethod_graphql.observe.instruments import (
    Counts,
    Observations,
    SharedCounts,
    SharedObservations,
)
from wethod_graphql.observe.record import RequestRecord

MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = CONTENT_TYPE_LATEST
#: Distinct operation names a process labels; later ones count as `other`.
MAX_OPERATION_NAMES = 100
OTHER = "other"
#: The label of requests that ran no operation (a refused or bad request).
NO_OPERATION = "none"
#: An anonymous operation's name label.
ANONYMOUS = "anonymous"

_SECONDS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
_CALLS = (0, 1, 2, 3, 5, 10, 20, 50, 100, 200, 500, 1000)
#: A file of one process's `live*` gauges: `gauge_livesum_<pid>.db`.
_LIVE_GAUGES = re.compile(r"gauge_live[a-z]+_(\d+)\.db")


class Metrics:
    """The service's instruments, in a registry of their own.

    A registry per instance lets tests build several apps in one process.
    One process counts in plain Python and renders at scrape time; in
    multiprocess mode the values live in files and `render` reads them
    (see `observe.instruments`).
    """

    def __init__(self) -> None:
        # `*_created` series double the output and say nothing a restart
        # does not; the switch is the library's, for the whole process.
        disable_created_metrics()  # type: ignore[no-untyped-call]
        self.registry = registry = CollectorRegistry(auto_describe=True)
        self._multiprocess_dir = os.environ.get(MULTIPROCESS_ENV)
        alone = self._multiprocess_dir is None
        counts = Counts if alone else SharedCounts
        observations = Observations if alone else SharedObservations
        self._requests = counts(
            "wethod_graphql_requests",
            "GraphQL requests, by operation type, name and HTTP status.",
            ["operation_type", "operation_name", "status"],
            registry,
        )
        self._request_duration = observations(
            "wethod_graphql_request_duration_seconds",
            "Time to answer a GraphQL request, by operation type.",
            ["operation_type"],
            _SECONDS,
            registry,
        )
        self._errors = counts(
            "wethod_graphql_errors",
            "GraphQL errors sent, by extensions.code.",
            ["code"],
            registry,
        )
        self._upstream_requests = counts(
            "wethod_graphql_upstream_requests",
            "Upstream HTTP attempts, by resource and status (or failure).",
            ["resource", "status"],
            registry,
        )
        self._upstream_duration = observations(
            "wethod_graphql_upstream_request_duration_seconds",
            "Time of one upstream HTTP attempt, by resource.",
            ["resource"],
            _SECONDS,
            registry,
        )
        self._upstream_retries = counts(
            "wethod_graphql_upstream_retries",
            "Upstream attempts retried, by the reason for the retry.",
            ["reason"],
            registry,
        )
        self._in_flight_gauge = Gauge(
            "wethod_graphql_upstream_in_flight",
            "Upstream HTTP attempts in flight now.",
            registry=registry,
            multiprocess_mode="livesum",
        )
        #: Attempts in flight, when one process serves: the scrape reads it,
        #: so an attempt costs no lock. Workers share files (`livesum`).
        self._in_flight = 0
        if alone:
            self._in_flight_gauge.set_function(lambda: self._in_flight)
        self._calls_per_operation = observations(
            "wethod_graphql_upstream_calls_per_operation",
            "Upstream calls one GraphQL operation made.",
            [],
            _CALLS,
            registry,
        )
        self._names: set[str] = set()

    def request(self, record: RequestRecord, status: int, seconds: float) -> None:
        """Counts one GraphQL request, answered with `status` after `seconds`."""
        operation_type = record.operation_type or NO_OPERATION
        name = self.operation_label(record.operation_name)
        self._requests.inc((operation_type, name, status))
        self._request_duration.observe((operation_type,), seconds)
        for code in record.error_codes:
            self._errors.inc((code,))
        if record.operation_type is not None:
            self._calls_per_operation.observe((), record.upstream_calls)

    def attempt_started(self) -> None:
        """One more upstream attempt in flight."""
        if self._multiprocess_dir is None:
            self._in_flight += 1
        else:
            self._in_flight_gauge.inc()

    def attempt_ended(self, resource: str, outcome: int | str, seconds: float) -> None:
        """One upstream attempt fewer in flight: it ended with `outcome` (a
        status, or why there was none) after `seconds`."""
        if self._multiprocess_dir is None:
            self._in_flight -= 1
        else:
            self._in_flight_gauge.dec()
        self._upstream_requests.inc((resource, outcome))
        self._upstream_duration.observe((resource,), seconds)

    def retrying(self, reason: int | str) -> None:
        """An upstream attempt is retried because of `reason`."""
        self._upstream_retries.inc((reason,))

    def operation_label(self, name: str | None) -> str:
        """The `operation_name` label of `name`: itself, or `other` past the bound."""
        if name is None:
            return ANONYMOUS
        if name in self._names:
            return name
        if len(self._names) < MAX_OPERATION_NAMES:
            self._names.add(name)
            return name
        return OTHER

    def render(self) -> bytes:
        """The exposition text: this process's values, or every worker's."""
        if self._multiprocess_dir is None:
            return generate_latest(self.registry)
        forget_dead_workers(self._multiprocess_dir)
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=self._multiprocess_dir)  # type: ignore[no-untyped-call]
        return generate_latest(registry)


def forget_dead_workers(directory: str) -> None:
    """Remove the `live*` gauge files of processes that no longer exist.

    uvicorn's supervisor respawns a worker that was killed or crashed, but
    nothing tells prometheus-client (`mark_process_dead`), so the dead
    worker's last value (upstream calls in flight) would stay in every sum.
    Cheap: one listing and a signal-0 probe per worker file, and the files
    of the dead go, so the list stays as long as the live workers'.
    """
    pids = {
        int(match[1])
        for name in os.listdir(directory)
        if (match := _LIVE_GAUGES.fullmatch(name))
    }
    pids.discard(os.getpid())
    for pid in pids:
        if not _exists(pid):
            # Another worker's scrape may have removed the files first.
            with suppress(FileNotFoundError):
                mark_process_dead(pid, directory)  # type: ignore[no-untyped-call]


def _exists(pid: int) -> bool:
    # A dead worker is a zombie until the supervisor reaps it (uvicorn looks
    # at its workers every half second); its files go at the next scrape.
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, and another user's: the pid was reused
    return True


@contextmanager
def multiprocess_directory(environ: MutableMapping[str, str]) -> Iterator[str]:
    """A directory for the workers' metric files, named in `environ`.

    The operator's `PROMETHEUS_MULTIPROC_DIR` when set (emptied of an earlier
    run's files, which would otherwise be summed in), else a temporary one,
    removed afterwards. Set before the workers start, so that each imports
    prometheus-client in multiprocess mode.
    """
    given = environ.get(MULTIPROCESS_ENV)
    if given:
        for stale in Path(given).glob("*.db"):
            stale.unlink()
        yield given
        return
    with tempfile.TemporaryDirectory(prefix="wethod-graphql-metrics-") as directory:
        environ[MULTIPROCESS_ENV] = directory
        try:
            yield directory
        finally:
            environ.pop(MULTIPROCESS_ENV, None)
