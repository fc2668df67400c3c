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
from collections.abc import Hashable, Iterator, MutableMapping
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Generic, TypeVar

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead

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

C = TypeVar("C", Counter, Gauge, Histogram)


class _Children(Generic[C]):
    """A metric's children by label values, looked up without its lock.

    `labels()` takes a lock and builds a tuple of strings per call; the
    values here repeat, so each child is found once and kept.
    """

    def __init__(self, metric: C) -> None:
        self._metric: C = metric
        self._children: dict[Hashable, C] = {}

    def __call__(self, *values: str | int) -> C:
        """The child of these label values (a status may come as an int)."""
        child = self._children.get(values)
        if child is None:
            labels = [str(value) for value in values]
            child = self._children[values] = self._metric.labels(*labels)
        return child


class Metrics:
    """The service's instruments, in a registry of their own.

    A registry per instance lets tests build several apps in one process;
    in multiprocess mode the values live in files and `render` reads them.
    """

    def __init__(self) -> None:
        # `*_created` series double the output and say nothing a restart
        # does not; the switch is the library's, for the whole process.
        disable_created_metrics()  # type: ignore[no-untyped-call]
        self.registry = CollectorRegistry(auto_describe=True)
        self._multiprocess_dir = os.environ.get(MULTIPROCESS_ENV)
        registry = self.registry
        self.requests = _Children(
            Counter(
                "wethod_graphql_requests",
                "GraphQL requests, by operation type, name and HTTP status.",
                ["operation_type", "operation_name", "status"],
                registry=registry,
            )
        )
        self.request_duration = _Children(
            Histogram(
                "wethod_graphql_request_duration_seconds",
                "Time to answer a GraphQL request, by operation type.",
                ["operation_type"],
                buckets=_SECONDS,
                registry=registry,
            )
        )
        self.errors = _Children(
            Counter(
                "wethod_graphql_errors",
                "GraphQL errors sent, by extensions.code.",
                ["code"],
                registry=registry,
            )
        )
        self.upstream_requests = _Children(
            Counter(
                "wethod_graphql_upstream_requests",
                "Upstream HTTP attempts, by resource and status (or failure).",
                ["resource", "status"],
                registry=registry,
            )
        )
        self.upstream_duration = _Children(
            Histogram(
                "wethod_graphql_upstream_request_duration_seconds",
                "Time of one upstream HTTP attempt, by resource.",
                ["resource"],
                buckets=_SECONDS,
                registry=registry,
            )
        )
        self.upstream_retries = _Children(
            Counter(
                "wethod_graphql_upstream_retries",
                "Upstream attempts retried, by the reason for the retry.",
                ["reason"],
                registry=registry,
            )
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
        if self._multiprocess_dir is None:
            self._in_flight_gauge.set_function(lambda: self._in_flight)
        self.calls_per_operation = Histogram(
            "wethod_graphql_upstream_calls_per_operation",
            "Upstream calls one GraphQL operation made.",
            buckets=_CALLS,
            registry=registry,
        )
        self._names: set[str] = set()
        #: `attempt_ended`'s children per resource and outcome (both bounded).
        self._attempt_children: dict[
            tuple[str, int | str], tuple[Counter, Histogram]
        ] = {}

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
        # Both children in one lookup, no call per metric: measured, about
        # 4,000 instructions fewer per attempt.
        children = self._attempt_children.get((resource, outcome))
        if children is None:
            children = self._attempt_children[resource, outcome] = (
                self.upstream_requests(resource, outcome),
                self.upstream_duration(resource),
            )
        requests, duration = children
        requests.inc()
        duration.observe(seconds)

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
