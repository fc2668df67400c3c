"""The request log: contents, client requests, in-flight counts, clearing."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from wethod_graphql.demo import DEMO_TOKEN, DemoApi, RecordedRequest

from .support import client_for


async def test_each_request_is_recorded_with_its_answer(
    api: DemoApi, http: httpx.AsyncClient
) -> None:
    await http.get("/api/clients/1?include=externalIdentifiers&deleted=include")
    await http.get(
        "/api/clients/9999", headers={"X-Request-Id": "abc", "TraceParent": "00-1"}
    )
    await http.get("/api/clients?limit=3")
    await http.get("/api/clients/abc")
    first, missing, listing, miss = api.requests
    assert first == RecordedRequest(
        method="GET",
        path="/api/clients/1",
        query={"include": "externalIdentifiers", "deleted": "include"},
        headers=first.headers,
        resource="/api/clients",
        id=1,
        status=200,
    )
    assert first.client_id == 1
    assert first.headers["authorization"] == f"Bearer {DEMO_TOKEN}"
    assert first.headers["wethod-company"] == "acme"
    assert first.headers["wethod-version"] == "2024-06-15"
    assert all(name == name.lower() for name in first.headers)
    assert (missing.client_id, missing.status) == (9999, 404)
    assert missing.headers["x-request-id"] == "abc"
    assert missing.headers["traceparent"] == "00-1"
    assert (listing.path, listing.query, listing.resource, listing.id) == (
        "/api/clients",
        {"limit": "3"},
        "/api/clients",
        None,
    )
    assert listing.client_id is None
    assert (miss.resource, miss.id, miss.client_id, miss.status) == (
        None,
        None,
        None,
        404,
    )


def test_requests_are_keyed_by_resource_path_and_id() -> None:
    from wethod_graphql.demo.log import resource_of

    assert resource_of("/api/clients/3") == ("/api/clients", 3)
    assert resource_of("/api/projects/3") == ("/api/projects", 3)
    assert resource_of("/api/clients") == ("/api/clients", None)
    assert resource_of("/api/clients/3/x") == (None, None)
    assert resource_of("/nope") == (None, None)
    project = RecordedRequest("GET", "/api/projects/3", {}, {}, "/api/projects", 3, 200)
    assert project.client_id is None
    assert project.to_json()["client_id"] is None


async def test_requests_to_a_resource_split_items_from_the_list(
    api: DemoApi, http: httpx.AsyncClient
) -> None:
    for path in ["/api/clients/3", "/api/clients?limit=2", "/api/clients/4"]:
        await http.get(path)
    assert [r.id for r in api.requests_to("/api/clients")] == [3, 4]
    [listing] = api.requests_to("/api/clients", items=False)
    assert listing.query == {"limit": "2"}
    assert api.requests_to("/api/projects") == []


async def test_client_requests_are_only_single_client_gets(
    api: DemoApi, http: httpx.AsyncClient
) -> None:
    for path in ["/api/clients/3", "/api/clients", "/api/clients/4", "/nope"]:
        await http.get(path)
    await http.post("/api/clients/5")
    assert [r.client_id for r in api.client_requests()] == [3, 4]


async def test_unauthorised_requests_are_recorded_too(api: DemoApi) -> None:
    async with client_for(api, {}) as http:
        await http.get("/api/clients/1")
    (record,) = api.requests
    assert record.status == 401
    assert "authorization" not in record.headers


async def test_max_in_flight_counts_concurrent_requests() -> None:
    api = DemoApi()
    api.hold(8)  # the eight answer only once all eight are in flight
    async with client_for(api) as http:
        responses = await asyncio.gather(
            *(http.get(f"/api/clients/{i}") for i in range(1, 9))
        )
    assert [r.status_code for r in responses] == [200] * 6 + [404] + [200]
    assert api.max_in_flight == 8
    assert api.log.in_flight == 0
    async with client_for(api) as http:
        api.reset()
        for i in (1, 2):
            await http.get(f"/api/clients/{i}")
    assert api.max_in_flight == 1


async def test_a_barrier_short_of_requests_breaks_with_503() -> None:
    api = DemoApi()
    api.hold(3, timeout=0.01)
    async with client_for(api) as http:
        responses = await asyncio.gather(
            http.get("/api/clients/1"), http.get("/api/clients/2")
        )
        assert [r.status_code for r in responses] == [503, 503]
        assert responses[0].json()["key"] == "barrier_broken"
        assert not api.barrier.armed
        assert (await http.get("/api/clients/1")).status_code == 200


def test_a_barrier_is_armed_once_and_checks_its_arguments() -> None:
    api = DemoApi()
    with pytest.raises(ValueError, match="at least one"):
        api.hold(0)
    with pytest.raises(ValueError, match="timeout"):
        api.hold(2, timeout=0)
    api.hold(2)
    with pytest.raises(RuntimeError, match="already armed"):
        api.hold(2)
    api.reset()
    assert not api.barrier.armed


async def test_reset_lets_requests_held_at_the_barrier_go() -> None:
    api = DemoApi()
    api.hold(5)
    waiting = asyncio.ensure_future(api.barrier.wait())
    await asyncio.sleep(0)  # one loop turn: the wait has begun
    assert not waiting.done()
    api.reset()
    assert await waiting is True
    assert await api.barrier.wait() is True  # disarmed: no wait at all


async def test_latency_is_settable_and_delays_requests() -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    api = DemoApi(latency=0.1, sleep=sleep)
    async with client_for(api) as http:
        await http.get("/api/clients/1")
        api.latency = 0.0
        await http.get("/api/clients/1")
        api.latency = 0.25
        await http.get("/api/clients")
    assert waits == [0.1, 0.25]


async def test_latency_really_waits(api: DemoApi, http: httpx.AsyncClient) -> None:
    loop = asyncio.get_running_loop()
    api.latency = 0.05
    start = loop.time()
    await http.get("/api/clients/1")
    assert loop.time() - start >= 0.05


async def test_reset_clears_the_log(api: DemoApi, http: httpx.AsyncClient) -> None:
    await http.get("/api/clients/1")
    assert len(api.requests) == 1
    api.reset()
    assert api.requests == []
    assert api.client_requests() == []
    assert api.max_in_flight == 0


def test_log_keeps_only_the_newest_records() -> None:
    from wethod_graphql.demo.log import RequestLog

    log = RequestLog(capacity=3)
    for status in range(5):
        log.enter()
        log.leave(RecordedRequest("GET", "/", {}, {}, None, None, status))
    assert [r.status for r in log.records] == [2, 3, 4]
    assert log.max_in_flight == 1


async def test_a_crash_is_recorded_as_500_and_still_raised() -> None:
    from starlette.types import Receive, Scope, Send

    from wethod_graphql.demo.log import RecorderMiddleware, RequestLog

    async def broken(scope: Scope, receive: Receive, send: Send) -> None:
        raise RuntimeError("bug")

    async def never(message: object) -> None:
        raise AssertionError("nothing may be sent")

    log = RequestLog()
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/api/clients/2",
        "query_string": b"a=1&a=2&b=",
        "headers": [(b"X-Dup", b"1"), (b"x-dup", b"2")],
    }
    with pytest.raises(RuntimeError, match="bug"):
        await RecorderMiddleware(broken, log)(scope, never, never)  # type: ignore[arg-type]
    assert log.records == [
        RecordedRequest(
            "GET",
            "/api/clients/2",
            {"a": "2", "b": ""},
            {"x-dup": "1, 2"},
            "/api/clients",
            2,
            500,
        )
    ]
    assert log.in_flight == 0
