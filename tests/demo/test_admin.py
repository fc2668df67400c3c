"""The /_demo/ admin endpoints: served with faults on, route misses otherwise."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from wethod_graphql.demo import DemoApi

from .support import assert_error


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/_demo/requests"),
        ("DELETE", "/_demo/requests"),
        ("GET", "/_demo/faults"),
        ("POST", "/_demo/faults"),
        ("DELETE", "/_demo/faults"),
        ("PUT", "/_demo/latency"),
        ("PUT", "/_demo/barrier"),
    ],
)
async def test_admin_is_404_without_faults(
    http: httpx.AsyncClient, method: str, path: str
) -> None:
    assert_error(await http.request(method, path, json={}), 404, "not_found")


async def test_requests_endpoint_lists_the_log_without_itself(
    faulty: DemoApi, faulty_http: httpx.AsyncClient
) -> None:
    await faulty_http.get("/api/clients/1?include=externalIdentifiers")
    await faulty_http.get("/api/clients/7")
    body = (await faulty_http.get("/_demo/requests")).json()
    assert [
        (r["path"], r["resource"], r["id"], r["client_id"], r["status"])
        for r in body["requests"]
    ] == [
        ("/api/clients/1", "/api/clients", 1, 1, 200),
        ("/api/clients/7", "/api/clients", 7, 7, 404),
    ]
    assert body["requests"][0]["query"] == {"include": "externalIdentifiers"}
    assert body["requests"][0]["headers"]["wethod-company"] == "acme"
    assert body["max_in_flight"] == 1
    assert body["in_flight"] == 0
    assert (await faulty_http.delete("/_demo/requests")).status_code == 204
    assert faulty.requests == []
    assert (await faulty_http.get("/_demo/requests")).json()["requests"] == []


async def post_fault(http: httpx.AsyncClient, fault: dict[str, Any]) -> httpx.Response:
    return await http.post("/_demo/faults", json=fault)


async def test_post_faults_sets_each_kind(
    faulty: DemoApi, faulty_http: httpx.AsyncClient
) -> None:
    response = await post_fault(
        faulty_http,
        {"kind": "fail", "client_id": 3, "status": 429, "times": 2, "retry_after": 7},
    )
    assert response.status_code == 201
    assert response.json()["actions"] == [
        {
            "resource": "/api/clients",
            "id": 3,
            "client_id": 3,
            "kind": "fail",
            "status": 429,
            "headers": {"Retry-After": "7"},
            "remaining": 2,
        }
    ]
    await post_fault(
        faulty_http, {"kind": "invalid_body", "client_id": 4, "shape": "wrong_shape"}
    )
    await post_fault(faulty_http, {"kind": "drop", "client_id": 5})
    await post_fault(faulty_http, {"kind": "delay", "seconds": 0.01})
    state = (await faulty_http.get("/_demo/faults")).json()
    assert state["actions"][1:] == [
        {
            "resource": "/api/clients",
            "id": 4,
            "client_id": 4,
            "kind": "invalid_body",
            "shape": "wrong_shape",
            "remaining": 1,
        },
        {
            "resource": "/api/clients",
            "id": 5,
            "client_id": 5,
            "kind": "drop",
            "remaining": 1,
        },
    ]
    assert state["delays"] == {"*": 0.01}
    assert state["latency"] == 0.0
    first = await faulty_http.get("/api/clients/3")
    assert (first.status_code, first.headers["retry-after"]) == (429, "7")
    assert (await faulty_http.get("/api/clients/4")).json() == {"data": {"id": 4}}
    assert (await faulty_http.delete("/_demo/faults")).status_code == 204
    assert (await faulty_http.get("/api/clients/3")).status_code == 200
    assert (await faulty_http.get("/_demo/faults")).json()["actions"] == []


async def test_wildcard_fault_by_omitting_client_id(
    faulty_http: httpx.AsyncClient,
) -> None:
    await post_fault(
        faulty_http, {"kind": "fail", "status": 503, "headers": {"X-A": "b"}}
    )
    response = await faulty_http.get("/api/clients/42")
    assert (response.status_code, response.headers["x-a"]) == (503, "b")


async def test_a_fault_on_a_resource_path_and_id(
    faulty: DemoApi, faulty_http: httpx.AsyncClient
) -> None:
    fault = {"kind": "fail", "status": 502, "resource": "/api/clients", "id": 3}
    await post_fault(faulty_http, fault)
    await post_fault(
        faulty_http, {"kind": "fail", "status": 504, "resource": "/api/clients"}
    )
    state = (await faulty_http.get("/_demo/faults")).json()
    assert [(a["resource"], a["id"]) for a in state["actions"]] == [
        ("/api/clients", 3),
        ("/api/clients", None),
    ]
    assert (await faulty_http.get("/api/clients/4")).status_code == 504
    assert (await faulty_http.get("/api/clients/3")).status_code == 502
    assert (await faulty_http.get("/api/clients")).status_code == 200


async def test_put_barrier_holds_requests_until_they_are_together(
    faulty: DemoApi, faulty_http: httpx.AsyncClient
) -> None:
    response = await faulty_http.put("/_demo/barrier", json={"requests": 3})
    assert response.status_code == 204
    again = await faulty_http.put("/_demo/barrier", json={"requests": 2})
    assert_error(again, 409, "conflict")
    answers = await asyncio.gather(
        *(faulty_http.get(f"/api/clients/{i}") for i in (1, 2, 3))
    )
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert faulty.max_in_flight == 3


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "requests"),
        ({"requests": 0}, "requests"),
        ({"requests": 2, "timeout": 0}, "timeout"),
        ({"requests": 2, "timeout": "1"}, "timeout"),
    ],
)
async def test_bad_barrier_bodies_are_400(
    faulty: DemoApi, faulty_http: httpx.AsyncClient, payload: object, field: str
) -> None:
    body = assert_error(
        await faulty_http.put("/_demo/barrier", json=payload), 400, "invalid_data"
    )
    assert [f["field"] for f in body["failures"]] == [field]
    assert not faulty.barrier.armed


async def test_put_latency(faulty: DemoApi, faulty_http: httpx.AsyncClient) -> None:
    response = await faulty_http.put("/_demo/latency", json={"seconds": 0.25})
    assert response.json() == {"latency": 0.25}
    assert faulty.latency == 0.25
    body = assert_error(
        await faulty_http.put("/_demo/latency", json={"seconds": -1}),
        400,
        "invalid_data",
    )
    assert body["failures"] == [
        {"field": "seconds", "message": "Must be a non-negative number."}
    ]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ([1], "body"),
        ({"kind": "explode"}, "kind"),
        ({"kind": "fail"}, "status"),
        ({"kind": "fail", "status": 200}, "status"),
        ({"kind": "fail", "status": True}, "status"),
        ({"kind": "fail", "status": 503, "times": 0}, "times"),
        ({"kind": "fail", "status": 503, "client_id": "1"}, "client_id"),
        ({"kind": "fail", "status": 503, "resource": "clients"}, "resource"),
        ({"kind": "fail", "status": 503, "resource": "/api/clients", "id": -1}, "id"),
        ({"kind": "fail", "status": 503, "retry_after": -2}, "retry_after"),
        ({"kind": "fail", "status": 503, "headers": {"a": 1}}, "headers"),
        ({"kind": "invalid_body", "shape": "html"}, "shape"),
        ({"kind": "delay"}, "seconds"),
    ],
)
async def test_bad_fault_bodies_are_400(
    faulty: DemoApi, faulty_http: httpx.AsyncClient, payload: object, field: str
) -> None:
    body = assert_error(
        await faulty_http.post("/_demo/faults", json=payload), 400, "invalid_data"
    )
    assert [f["field"] for f in body["failures"]] == [field]
    assert faulty.faults.describe() == {"actions": [], "delays": {}}


async def test_non_json_fault_body_is_400(faulty_http: httpx.AsyncClient) -> None:
    response = await faulty_http.post("/_demo/faults", content=b"kind=fail")
    assert_error(response, 400, "invalid_data")
