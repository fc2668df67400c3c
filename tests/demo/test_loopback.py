"""The demo API over a real uvicorn server: dropped connections, admin, log."""

from __future__ import annotations

import httpx
import pytest

from tests.servers import run_in_thread
from wethod_graphql.demo import DemoApi

from .support import auth_headers


@pytest.mark.parametrize("protocol", ["h11", "httptools"])
async def test_drop_closes_the_connection_without_any_response(protocol: str) -> None:
    api = DemoApi(faults=True)
    api.faults.drop(1, times=2)
    with run_in_thread(api.app, http=protocol) as base_url:
        async with httpx.AsyncClient(base_url=base_url, headers=auth_headers()) as http:
            for _ in range(2):
                # The message httpx gives when not one byte of a response came.
                no_response = "without sending a response"
                with pytest.raises(httpx.RemoteProtocolError, match=no_response):
                    await http.get("/api/clients/1")
            response = await http.get("/api/clients/1")
            assert response.status_code == 200
            assert response.json()["id"] == 1
            other = await http.get("/api/clients/2")
            assert other.status_code == 200
    assert [(r.client_id, r.status) for r in api.client_requests()] == [
        (1, 0),
        (1, 0),
        (1, 200),
        (2, 200),
    ]


async def test_wildcard_drop_hits_every_id_over_loopback() -> None:
    api = DemoApi(faults=True)
    api.faults.drop(None, times=2)
    with run_in_thread(api.app) as base_url:
        async with httpx.AsyncClient(base_url=base_url, headers=auth_headers()) as http:
            for cid in (3, 4):
                with pytest.raises(httpx.RemoteProtocolError):
                    await http.get(f"/api/clients/{cid}")
            assert (await http.get("/api/clients/3")).status_code == 200


async def test_admin_endpoints_work_over_loopback() -> None:
    api = DemoApi(faults=True)
    with run_in_thread(api.app) as base_url:
        async with httpx.AsyncClient(base_url=base_url, headers=auth_headers()) as http:
            set_fault = {
                "kind": "fail",
                "client_id": 2,
                "status": 503,
                "retry_after": 1,
            }
            assert (await http.post("/_demo/faults", json=set_fault)).status_code == 201
            failed = await http.get("/api/clients/2")
            assert (failed.status_code, failed.headers["retry-after"]) == (503, "1")
            log = (await http.get("/_demo/requests")).json()
            assert [(r["client_id"], r["status"]) for r in log["requests"]] == [
                (2, 503)
            ]
            await http.post("/_demo/faults", json={"kind": "drop", "client_id": 2})
            with pytest.raises(httpx.RemoteProtocolError):
                await http.get("/api/clients/2")
            log = (await http.get("/_demo/requests")).json()
            assert log["requests"][-1]["status"] == 0
