"""`GET /metrics`: the counters equal what the demo API's request log saw."""

from __future__ import annotations

import socket
from collections import Counter
from collections.abc import AsyncIterator

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import DEMO_HEADERS, Service, fast_settings, start_service
from tests.servers import run_in_thread
from wethod_graphql.demo import DemoApi

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


@pytest.fixture
async def loopback_service() -> AsyncIterator[Service]:
    """The service over real loopback to a demo API with faults (drops need it)."""
    demo = DemoApi(faults=True)
    with run_in_thread(demo.app) as url:
        settings = fast_settings(base_url=url)
        async with start_service(settings, demo, over_network=True) as service:
            yield service


async def scrape(service: Service) -> Samples:
    response = await service.http.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


async def test_counters_equal_the_demo_request_log(loopback_service: Service) -> None:
    service = loopback_service
    faults = service.demo.faults
    faults.fail(1, 503, times=2)  # retried twice, then answered
    faults.drop(2, times=1)  # retried once
    faults.fail(3, 429, times=1, retry_after=0)
    operation = """query Few($missing: ID!) {
      a: client(id: "1") { id }
      b: client(id: "2") { id }
      c: client(id: "3") { id }
      d: client(id: $missing) { id }
      clients(ids: ["4", "5", "1"]) { id }
    }"""
    body = await service.query(operation, {"missing": "9999"})
    assert [e["extensions"]["code"] for e in body["errors"]] == ["NOT_FOUND"]
    await service.query('{ client(id: "x") { id } }')  # refused before any call
    await service.query("{ nope }")  # a validation error

    samples = await scrape(service)
    seen = service.demo.requests
    by_status = Counter(str(r.status) if r.status else "dropped" for r in seen)
    assert by_status == {"200": 5, "503": 2, "429": 1, "404": 1, "dropped": 1}
    for status, count in by_status.items():
        assert (
            value(
                samples,
                "wethod_graphql_upstream_requests_total",
                resource="clients",
                status=status,
            )
            == count
        ), status
    retries = {
        reason: value(samples, "wethod_graphql_upstream_retries_total", reason=reason)
        for reason in ("503", "429", "dropped")
    }
    assert retries == {"503": 2, "429": 1, "dropped": 1}
    assert value(
        samples,
        "wethod_graphql_upstream_request_duration_seconds_count",
        resource="clients",
    ) == len(seen)
    assert value(samples, "wethod_graphql_upstream_in_flight") == 0

    # Three requests: one query with data, a refused one, an invalid one.
    assert (
        value(
            samples,
            "wethod_graphql_requests_total",
            operation_type="query",
            operation_name="Few",
            status="200",
        )
        == 1
    )
    assert (
        value(
            samples,
            "wethod_graphql_requests_total",
            operation_type="query",
            operation_name="anonymous",
            status="200",
        )
        == 2
    )
    assert (
        value(
            samples,
            "wethod_graphql_request_duration_seconds_count",
            operation_type="query",
        )
        == 3
    )
    errors = {
        code: value(samples, "wethod_graphql_errors_total", code=code)
        for code in ("NOT_FOUND", "BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED")
    }
    assert errors == {
        "NOT_FOUND": 1,
        "BAD_USER_INPUT": 1,
        "GRAPHQL_VALIDATION_FAILED": 1,
    }
    # Calls per operation: six distinct clients in the first, none in the others.
    calls = "wethod_graphql_upstream_calls_per_operation"
    assert value(samples, calls + "_count") == 3
    assert value(samples, calls + "_sum") == len({r.path for r in seen})
    assert value(samples, calls + "_bucket", le="0.0") == 2


async def test_bad_requests_are_counted_without_an_operation(service: Service) -> None:
    response = await service.http.post(
        "/graphql", content=b"not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    samples = await scrape(service)
    assert (
        value(
            samples,
            "wethod_graphql_requests_total",
            operation_type="none",
            operation_name="anonymous",
            status="400",
        )
        == 1
    )
    assert value(samples, "wethod_graphql_errors_total", code="BAD_REQUEST") == 1
    # Neither /metrics itself nor other paths count as GraphQL requests.
    await service.http.get("/healthz")
    again = await scrape(service)
    assert (
        sum(
            v
            for (name, _), v in again.items()
            if name == "wethod_graphql_requests_total"
        )
        == 1
    )


async def test_metrics_can_be_turned_off(demo: DemoApi) -> None:
    async with start_service(fast_settings(metrics=False), demo) as service:
        await service.query('{ client(id: "1") { id } }')
        response = await service.http.get("/metrics")
    assert response.status_code == 404


async def test_operation_names_are_a_bounded_label(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("wethod_graphql.observe.metrics.MAX_OPERATION_NAMES", 2)
    for name in ("One", "Two", "Three", "Four", "One"):
        await service.query(f'query {name} {{ client(id: "1") {{ id }} }}')
    samples = await scrape(service)
    names = {
        dict(labels)["operation_name"]: v
        for (metric, labels), v in samples.items()
        if metric == "wethod_graphql_requests_total"
    }
    assert names == {"One": 2, "Two": 1, "other": 2}
    assert DEMO_HEADERS  # the queries above carried the demo credentials


def closed_port_url() -> str:
    """A loopback URL where nothing listens (the port was free a moment ago)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


async def test_attempts_without_an_answer_are_labelled(demo: DemoApi) -> None:
    unreachable = fast_settings(base_url=closed_port_url(), retries=2)
    async with start_service(unreachable, demo, over_network=True) as service:
        await service.query('{ client(id: "1") { id } }')
        refused = await scrape(service)
    assert (
        value(
            refused,
            "wethod_graphql_upstream_requests_total",
            resource="clients",
            status="connect_error",
        )
        == 2
    )
    assert (
        value(refused, "wethod_graphql_upstream_retries_total", reason="connect_error")
        == 1
    )

    demo.faults.delay(1, 2.0)
    slow = fast_settings(timeout=0.3, read_timeout=0.2, retries=1)
    async with start_service(slow, demo) as service:
        body = await service.query('{ client(id: "1") { id } }')
        timed_out = await scrape(service)
    assert body["errors"][0]["extensions"]["code"] == "UPSTREAM_TIMEOUT"
    assert (
        value(
            timed_out,
            "wethod_graphql_upstream_requests_total",
            resource="clients",
            status="timeout",
        )
        == 1
    )
    assert value(timed_out, "wethod_graphql_upstream_in_flight") == 0
