"""`tests.servers.run_in_thread`: the loopback server the other tests stand on."""

from __future__ import annotations

import httpx
import pytest

from tests.demo.support import auth_headers
from tests.servers import run_in_thread
from wethod_graphql.demo import DemoApi


def test_run_in_thread_stops_the_server_on_exit() -> None:
    api = DemoApi()
    with run_in_thread(api.app) as base_url:
        assert (
            httpx.get(f"{base_url}/api/clients/1", headers=auth_headers()).status_code
            == 200
        )
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{base_url}/api/clients/1", headers=auth_headers())


def test_run_in_thread_reports_a_server_that_cannot_start() -> None:
    api = DemoApi()
    with run_in_thread(api.app) as base_url:
        port = int(base_url.rsplit(":", 1)[1])
        with (
            pytest.raises(RuntimeError, match="exited before"),
            run_in_thread(api.app, port=port),
        ):
            pass
