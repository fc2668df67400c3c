"""Counters and histograms by label values, kept one of two ways.

In one process (`serve` with one worker, tests) the values are plain
floats in dicts, updated without a lock, and each instrument is a collector
that yields its metric family when `/metrics` is scraped. prometheus-client's
own metrics take a lock per `inc`, scan the buckets of an `observe` in
Python and go through several calls each: measured (`bench/metrics_cost`),
metrics cost a single-client request 13,200 instructions this way against
48,800 through them. No lock is needed: the service runs one event loop
thread per process, and that thread alone records and scrapes.

Under `serve --workers N` every value must reach this worker's file at once,
since any worker's scrape sums the files of all: there prometheus-client's
metrics count (its multiprocess mode), behind the same `inc` and `observe`.

The text a scrape renders is the same either way, byte for byte (see
tests/observe/test_instruments.py).
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from typing import Generic, TypeVar

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.metrics_core import (
    CounterMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector
from prometheus_client.utils import floatToGoString

#: Label values in the order of the label names; a status may be an int.
Key = tuple[str | int, ...]


class _Local(Collector):
    """An instrument of this process: a collector of one metric family."""

    family: type[CounterMetricFamily] | type[HistogramMetricFamily]

    def __init__(
        self,
        name: str,
        documentation: str,
        labelnames: Sequence[str],
        registry: CollectorRegistry,
    ) -> None:
        self._name = name
        self._documentation = documentation
        self._labelnames = labelnames
        registry.register(self)

    def describe(self) -> list[Metric]:
        return [self._family()]

    def _family(self) -> Metric:
        return self.family(self._name, self._documentation, labels=self._labelnames)


class Counts(_Local):
    """A counter in this process: its values by label values (each of the
    service's counters has labels, so none shows before its first count)."""

    family = CounterMetricFamily

    def __init__(
        self,
        name: str,
        documentation: str,
        labelnames: Sequence[str],
        registry: CollectorRegistry,
    ) -> None:
        self._counts: dict[Key, float] = {}
        super().__init__(name, documentation, labelnames, registry)

    def inc(self, key: Key) -> None:
        counts = self._counts
        counts[key] = counts.get(key, 0.0) + 1.0

    def collect(self) -> Iterable[Metric]:
        # Keys alike as labels (a status as 200 and as "200") are one series,
        # as in prometheus-client, which labels by strings.
        totals: dict[tuple[str, ...], float] = {}
        for key, count in self._counts.items():
            labels = tuple([str(value) for value in key])
            totals[labels] = totals.get(labels, 0.0) + count
        family = CounterMetricFamily(
            self._name, self._documentation, labels=self._labelnames
        )
        for labels, total in totals.items():
            family.add_metric(labels, total)
        return [family]


class Observations(_Local):
    """A histogram in this process: per label values, the count of each
    bucket and, last, the sum."""

    family = HistogramMetricFamily

    def __init__(
        self,
        name: str,
        documentation: str,
        labelnames: Sequence[str],
        buckets: Sequence[float],
        registry: CollectorRegistry,
    ) -> None:
        self._bounds = [*map(float, buckets), math.inf]
        self._le = [floatToGoString(b) for b in self._bounds]  # type: ignore[no-untyped-call]
        self._series: dict[tuple[str, ...], list[float]] = {}
        if not labelnames:
            # Shown from the start, zeros and all, as prometheus-client does.
            self._series[()] = [0.0] * (len(self._bounds) + 1)
        super().__init__(name, documentation, labelnames, registry)

    def observe(self, key: tuple[str, ...], amount: float) -> None:
        series = self._series.get(key)
        if series is None:
            series = self._series[key] = [0.0] * (len(self._bounds) + 1)
        # The first bucket whose bound is at least `amount`, the one
        # prometheus-client's scan finds (never given NaN: amounts are
        # durations and counts).
        series[bisect_left(self._bounds, amount)] += 1.0
        series[-1] += amount

    def collect(self) -> Iterable[Metric]:
        family = HistogramMetricFamily(
            self._name, self._documentation, labels=self._labelnames
        )
        for labels, series in self._series.items():
            cumulative = 0.0
            buckets = []
            for le, count in zip(self._le, series[:-1], strict=True):
                cumulative += count
                buckets.append((le, cumulative))
            family.add_metric(labels, buckets, series[-1])
        return [family]


M = TypeVar("M", Counter, Histogram)


class _Shared(Generic[M]):
    """An instrument in prometheus-client's files, for `serve --workers`;
    each child is found once by its key (`labels()` locks and builds
    strings)."""

    def __init__(self, metric: M, labelnames: Sequence[str]) -> None:
        self._metric: M = metric
        # A metric without labels is its own only child.
        self._children: dict[Key, M] = {} if labelnames else {(): metric}

    def _child(self, key: Key) -> M:
        child: M = self._metric.labels(*map(str, key))
        self._children[key] = child
        return child


class SharedCounts(_Shared[Counter]):
    """A counter in prometheus-client's files."""

    def __init__(
        self,
        name: str,
        documentation: str,
        labelnames: Sequence[str],
        registry: CollectorRegistry,
    ) -> None:
        metric = Counter(name, documentation, labelnames, registry=registry)
        super().__init__(metric, labelnames)

    def inc(self, key: Key) -> None:
        (self._children.get(key) or self._child(key)).inc()


class SharedObservations(_Shared[Histogram]):
    """A histogram in prometheus-client's files."""

    def __init__(
        self,
        name: str,
        documentation: str,
        labelnames: Sequence[str],
        buckets: Sequence[float],
        registry: CollectorRegistry,
    ) -> None:
        metric = Histogram(
            name, documentation, labelnames, buckets=buckets, registry=registry
        )
        super().__init__(metric, labelnames)

    def observe(self, key: tuple[str, ...], amount: float) -> None:
        (self._children.get(key) or self._child(key)).observe(amount)
