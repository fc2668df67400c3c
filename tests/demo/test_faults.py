"""Fault injection: statuses, delays, broken bodies, drops, wildcards."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
import pytest

from wethod_graphql.demo import (
    ConnectionDropped,
    DemoApi,
    Faults,
    FaultsDisabled,
    Target,
)

from .support import assert_error, client_for


async def statuses(http: httpx.AsyncClient, path: str, count: int) -> list[int]:
    return [(await http.get(path)).status_code for _ in range(count)]


@pytest.mark.parametrize(
    ("status", "key"),
    [
        (429, "too_many_requests"),
        (500, "internal_error"),
        (502, "bad_gateway"),
        (503, "service_unavailable"),
        (504, "gateway_timeout"),
        (401, "unauthorized"),
        (418, "i_m_a_teapot"),
    ],
)
async def test_fail_answers_the_status_n_times_then_recovers(
    faulty: DemoApi, faulty_http: httpx.AsyncClient, status: int, key: str
) -> None:
    faulty.faults.fail(3, status, times=2)
    first = await faulty_http.get("/api/clients/3")
    assert_error(first, status, key)
    assert "retry-after" not in first.headers
    assert await statuses(faulty_http, "/api/clients/3", 2) == [status, 200]
    assert [r.status for r in faulty.client_requests()] == [status, status, 200]


async def test_fail_400_carries_failures(
    faulty: DemoApi, faulty_http: httpx.AsyncClient
) -> None:
    faulty.faults.fail(1, 400)
    body = assert_error(await faulty_http.get("/api/clients/1"), 400, "invalid_data")
    assert body["failures"]


async def test_retry_after_and_extra_headers(
    faulty: DemoApi, faulty_http: httpx.AsyncClient
) -> None:
    faulty.faults.fail(1, 429, retry_after=2, headers={"X-RateLimit-Remaining": "0"})
    faulty.faults.fail(1, 503, retry_after=1.5)
    faulty.faults.fail(1, 503, retry_after="Wed, 21 Oct 2015 07:28:00 GMT")
    first = await faulty_http.get("/api/clients/1")
    assert (first.status_code, first.headers["retry-after"]) == (429, "2")
    assert first.headers["x-ratelimit-remaining"] == "0"
    assert (await faulty_http.get("/api/clients/1")).headers["retry-after"] == "1.5"
    third = await faulty_http.get("/api/clients/1")
    assert third.headers["retry-after"] == "Wed, 21 Oct 2015 07:28:00 GMT"


async def test_faults_hit_only_their_id_and_queue_in_order(
    faulty: DemoApi, faulty_http: httpx.AsyncClient
) -> None:
    faulty.faults.fail(5, 503)
    faulty.faults.invalid_body(5)
    faulty.faults.fail(5, 500)
    assert (await faulty_http.get("/api/clients/6")).status_code == 200
    assert (await faulty_http.get("/api/clients/5")).status_code == 503
    assert (await faulty_http.get("/api/clients/5")).status_code == 200  # broken body
    assert (await faulty_http.get("/api/clients/5")).status_code == 500
    assert (await faulty_http.get("/api/clients/5")).status_code == 200


async def test_faults_act_before_header_checks(faulty: DemoApi) -> None:
    faulty.faults.fail(1, 503)
    async with client_for(faulty, {}) as anonymous:
        assert (await anonymous.get("/api/clients/1")).status_code == 503
        assert (await anonymous.get("/api/clients/1")).status_code == 401


async def test_wildcard_hits_every_id_after_specific_faults(
    faulty: DemoApi, faulty_http: httpx.AsyncClient
) -> None:
    faulty.faults.fail(None, 502, times=3)
    faulty.faults.fail(2, 500)
    assert (await faulty_http.get("/api/clients/1")).status_code == 502
    assert (await faulty_http.get("/api/clients/2")).status_code == 500
    assert (await faulty_http.get("/api/clients/2")).status_code == 502
    assert (await faulty_http.get("/api/clients?limit=1")).status_code == 502
    assert await statuses(faulty_http, "/api/clients/9", 2) == [200, 200]


async def test_list_sees_only_its_resources_and_wildcard_faults(
    faulty: DemoApi, faulty_http: httpx.AsyncClient
) -> None:
    faulty.faults.fail(1, 500)
    assert (await faulty_http.get("/api/clients")).status_code == 200
    faulty.faults.fail(Target("/api/clients"), 503)
    assert (await faulty_http.get("/api/clients")).status_code == 503


async def test_invalid_body_not_json(
    faulty: DemoApi, faulty_http: httpx.AsyncClient
) -> None:
    faulty.faults.invalid_body(1, times=2)
    for _ in range(2):
        response = await faulty_http.get("/api/clients/1")
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        with pytest.raises(ValueError, match=r"Unterminated|Expecting"):
            response.json()
    assert (await faulty_http.get("/api/clients/1")).json()["id"] == 1


async def test_invalid_body_wrong_shape(
    faulty: DemoApi, faulty_http: httpx.AsyncClient
) -> None:
    faulty.faults.invalid_body(8, shape="wrong_shape")
    faulty.faults.invalid_body(None, shape="wrong_shape")
    body = (await faulty_http.get("/api/clients/8")).json()
    assert body == {"data": {"id": 8}}
    assert "id" not in body
    assert (await faulty_http.get("/api/clients")).json() == {"data": []}


async def test_delay_per_id_and_wildcard_add_up() -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    faulty = DemoApi(faults=True, sleep=sleep)
    async with client_for(faulty) as http:

        async def waited(path: str) -> list[float]:
            waits.clear()
            assert (await http.get(path)).status_code == 200
            return list(waits)

        faulty.faults.delay(1, 0.08)
        assert await waited("/api/clients/1") == [0.08]
        assert await waited("/api/clients/1") == [0.08], "a delay lasts"
        assert await waited("/api/clients/2") == []
        faulty.faults.delay(None, 0.05)
        assert await waited("/api/clients/1") == [pytest.approx(0.13)]
        assert await waited("/api/clients/2") == [0.05]
        faulty.faults.delay(Target("/api/clients"), 0.5)
        assert await waited("/api/clients") == [0.55]
        faulty.faults.delay(1, 0)
        faulty.faults.delay(None, 0)
        faulty.faults.delay(Target("/api/clients"), 0)
        assert await waited("/api/clients/1") == []


async def test_a_real_delay_waits_at_least_its_seconds(
    faulty: DemoApi, faulty_http: httpx.AsyncClient
) -> None:
    loop = asyncio.get_running_loop()
    faulty.faults.delay(1, 0.05)
    start = loop.time()
    assert (await faulty_http.get("/api/clients/1")).status_code == 200
    assert loop.time() - start >= 0.05


async def test_held_requests_are_in_flight_together(
    faulty: DemoApi, faulty_http: httpx.AsyncClient
) -> None:
    faulty.hold(5)
    await asyncio.gather(*(faulty_http.get(f"/api/clients/{i}") for i in range(1, 6)))
    assert faulty.max_in_flight == 5


def test_faults_are_keyed_by_resource_path_and_id() -> None:
    faults = Faults(enabled=True)
    faults.fail(3, 503)  # client 3
    faults.fail(Target("/api/projects", 3), 502)
    assert faults.take("/api/projects", 4).action is None
    assert faults.take("/api/clients", 4).action is None
    assert faults.take("/api/clients", None).action is None
    project = faults.take("/api/projects", 3).action
    client = faults.take("/api/clients", 3).action
    assert (project and project.status, client and client.status) == (502, 503)


def test_a_resources_faults_go_after_its_items_and_before_wildcards() -> None:
    faults = Faults(enabled=True)
    faults.fail(None, 500)
    faults.fail(Target("/api/clients"), 502, times=2)
    faults.fail(Target("/api/clients", 1), 503)
    statuses = [
        plan.action.status if plan.action else 200
        for plan in (
            faults.take("/api/clients", 1),
            faults.take("/api/clients", 1),
            faults.take("/api/projects", 1),
            faults.take("/api/clients", None),
            faults.take("/api/clients", None),
        )
    ]
    assert statuses == [503, 502, 500, 502, 200]
    assert faults.describe() == {"actions": [], "delays": {}}


async def test_drop_in_process_raises_connection_dropped(
    faulty: DemoApi, faulty_http: httpx.AsyncClient
) -> None:
    faulty.faults.drop(1)
    with pytest.raises(ConnectionDropped):
        await faulty_http.get("/api/clients/1")
    assert (await faulty_http.get("/api/clients/1")).status_code == 200
    assert [r.status for r in faulty.client_requests()] == [0, 200]


async def test_reset_removes_faults(
    faulty: DemoApi, faulty_http: httpx.AsyncClient
) -> None:
    faulty.faults.fail(None, 500, times=10)
    faulty.faults.delay(None, 5)
    faulty.reset()
    assert (await faulty_http.get("/api/clients/1")).status_code == 200


def test_faults_are_off_unless_asked_for(api: DemoApi) -> None:
    assert not api.faults.enabled
    setters: list[Callable[[], None]] = [
        lambda: api.faults.fail(1, 503),
        lambda: api.faults.delay(1, 1.0),
        lambda: api.faults.invalid_body(None),
        lambda: api.faults.drop(None),
    ]
    for set_fault in setters:
        with pytest.raises(FaultsDisabled):
            set_fault()
    api.reset()


@pytest.mark.parametrize(
    "bad",
    [
        lambda api: api.faults.fail(1, 200),
        lambda api: api.faults.fail(1, 600),
        lambda api: api.faults.fail(1, 503, times=0),
        lambda api: api.faults.delay(1, -1),
        lambda api: api.faults.invalid_body(1, shape="html"),
    ],
)
def test_bad_fault_arguments_raise(
    faulty: DemoApi, bad: Callable[[DemoApi], None]
) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - each case its own message
        bad(faulty)
