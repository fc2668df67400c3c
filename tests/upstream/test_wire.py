"""Upstream answers only a real socket can give, through the production transport.

A small Starlette app plays a misbehaving upstream under uvicorn on loopback,
so what is tested is the aiohttp pool behind httpx, as deployed.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from tests.conftest import fast_settings, upstream_client
from tests.servers import run_in_thread
from wethod_graphql.errors import UpstreamUnavailable
from wethod_graphql.upstream.client import MAX_BODY_BYTES

from .conftest import caller


class Misbehaving:
    def __init__(self) -> None:
        self.paths: list[str] = []

    async def redirect(self, request: Request) -> Response:
        self.paths.append(request.url.path)
        return RedirectResponse("/elsewhere", status_code=302)

    async def elsewhere(self, request: Request) -> Response:
        self.paths.append(request.url.path)
        return JSONResponse({"id": 1})

    async def huge(self, request: Request) -> Response:
        self.paths.append(request.url.path)
        return Response(b'{"id": 1, "notes": "' + b"x" * MAX_BODY_BYTES + b'"}')

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/api/clients/1", self.redirect),
                Route("/api/clients/2", self.huge),
                Route("/elsewhere", self.elsewhere),
            ]
        )


@pytest.fixture
def upstream_app() -> Iterator[tuple[Misbehaving, str]]:
    misbehaving = Misbehaving()
    with run_in_thread(misbehaving.app()) as base_url:
        yield misbehaving, base_url


async def test_a_redirect_is_not_followed(
    upstream_app: tuple[Misbehaving, str],
) -> None:
    misbehaving, base_url = upstream_app
    async with upstream_client(fast_settings(base_url=base_url)) as upstream:
        with pytest.raises(UpstreamUnavailable) as caught:
            await upstream.get_client(1, caller())
    assert caught.value.status == 302
    assert misbehaving.paths == ["/api/clients/1"]


async def test_an_oversized_body_is_refused(
    upstream_app: tuple[Misbehaving, str],
) -> None:
    misbehaving, base_url = upstream_app
    async with upstream_client(fast_settings(base_url=base_url)) as upstream:
        with pytest.raises(UpstreamUnavailable, match="oversized"):
            await upstream.get_client(2, caller())
    assert misbehaving.paths == ["/api/clients/2"]
