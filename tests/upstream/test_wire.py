"""Upstream answers only a real socket can give, through the production session.

A small Starlette app plays a misbehaving upstream under uvicorn on loopback,
so what is tested is the aiohttp session, as deployed.
"""

from __future__ import annotations

import gzip
from collections.abc import AsyncIterator, Iterator

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import (
    JSONResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Route

from tests.conftest import fast_settings, upstream_client
from tests.servers import run_in_thread
from wethod_graphql.errors import UpstreamUnavailable
from wethod_graphql.upstream.body import MAX_BODY_BYTES
from wethod_graphql.upstream.resources import CLIENTS

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

    async def streamed(self, request: Request) -> Response:
        # No Content-Length: only counting the bytes as they come can stop it.
        self.paths.append(request.url.path)

        async def chunks() -> AsyncIterator[bytes]:
            yield b'{"id": 3, "notes": "'
            for _ in range(MAX_BODY_BYTES // 65536 + 1):
                yield b"x" * 65536
            yield b'"}'

        return StreamingResponse(chunks(), media_type="application/json")

    async def bomb(self, request: Request) -> Response:
        # A few kilobytes on the wire, over the cap once decompressed.
        self.paths.append(request.url.path)
        body = b'{"id": 4, "notes": "' + b"x" * MAX_BODY_BYTES + b'"}'
        return Response(
            gzip.compress(body),
            media_type="application/json",
            headers={"content-encoding": "gzip"},
        )

    async def compressed(self, request: Request) -> Response:
        self.paths.append(request.url.path)
        return Response(
            gzip.compress(b'{"id": 5, "notes": "zipped"}'),
            media_type="application/json",
            headers={"content-encoding": "gzip"},
        )

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/api/clients/1", self.redirect),
                Route("/api/clients/2", self.huge),
                Route("/api/clients/3", self.streamed),
                Route("/api/clients/4", self.bomb),
                Route("/api/clients/5", self.compressed),
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
            await upstream.get(CLIENTS, 1, caller())
    assert caught.value.status == 302
    assert misbehaving.paths == ["/api/clients/1"]


async def test_an_oversized_body_is_refused(
    upstream_app: tuple[Misbehaving, str],
) -> None:
    misbehaving, base_url = upstream_app
    async with upstream_client(fast_settings(base_url=base_url)) as upstream:
        with pytest.raises(UpstreamUnavailable, match="oversized"):
            await upstream.get(CLIENTS, 2, caller())
    assert misbehaving.paths == ["/api/clients/2"]


@pytest.mark.parametrize("client_id", [3, 4], ids=["streamed", "gzip"])
async def test_a_body_over_the_cap_without_its_length_is_refused(
    upstream_app: tuple[Misbehaving, str], client_id: int
) -> None:
    misbehaving, base_url = upstream_app
    async with upstream_client(fast_settings(base_url=base_url)) as upstream:
        with pytest.raises(UpstreamUnavailable, match="oversized"):
            await upstream.get(CLIENTS, client_id, caller())
    # Not retried: the same answer would come again.
    assert misbehaving.paths == [f"/api/clients/{client_id}"]


async def test_a_refused_body_gives_its_slot_and_connection_back(
    upstream_app: tuple[Misbehaving, str],
) -> None:
    _, base_url = upstream_app
    settings = fast_settings(base_url=base_url, max_concurrency=1)
    async with upstream_client(settings) as upstream:
        for client_id in (2, 3, 4):  # with a length, streamed, inflated
            with pytest.raises(UpstreamUnavailable, match="oversized"):
                await upstream.get(CLIENTS, client_id, caller())
        # The only slot and the pool's only connection are free again.
        record = await upstream.get(CLIENTS, 5, caller())
    assert record.id == 5


async def test_a_gzipped_body_is_read(upstream_app: tuple[Misbehaving, str]) -> None:
    _, base_url = upstream_app
    async with upstream_client(fast_settings(base_url=base_url)) as upstream:
        record = await upstream.get(CLIENTS, 5, caller())
    assert (record.id, record.notes) == (5, "zipped")


async def test_proxy_variables_of_the_environment_are_ignored(
    upstream_app: tuple[Misbehaving, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A proxy that refuses every connection: used, it would fail the call.
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    misbehaving, base_url = upstream_app
    async with upstream_client(fast_settings(base_url=base_url)) as upstream:
        record = await upstream.get(CLIENTS, 5, caller())
    assert record.id == 5
    assert misbehaving.paths == ["/api/clients/5"]
