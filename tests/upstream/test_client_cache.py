"""The per-caller record cache through the service: hits, isolation between
callers, `Cache-Control`, and errors that are never kept."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from starlette.datastructures import Secret
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tests.conftest import DEMO_HEADERS, Service, codes, fast_settings, start_service
from tests.demo_host import serving
from tests.servers import run_in_thread
from wethod_graphql.demo import (
    DEMO_COMPANY,
    GLOBEX_COMPANY,
    GLOBEX_TOKEN,
    NO_CRM_TOKEN,
    DemoApi,
)
from wethod_graphql.store.memory import MemoryStore
from wethod_graphql.upstream import Caller, UpstreamClient, create_session
from wethod_graphql.upstream.cache import RecordCache
from wethod_graphql.upstream.resources import CLIENTS

NAMES = '{ clients(ids: ["1", "2"]) { id corporateName } }'


def headers(token: str, company: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}", "wethod-company": company}


class CacheControl:
    """Adds `Cache-Control` to the demo's answers for chosen client ids."""

    def __init__(self, app: ASGIApp, by_id: dict[int, str]) -> None:
        self.app = app
        self.by_id = by_id

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client_id = scope["path"].rpartition("/")[2]
        value = self.by_id.get(int(client_id)) if client_id.isdigit() else None

        async def send_with(message: Message) -> None:
            if value is not None and message["type"] == "http.response.start":
                message["headers"] = [
                    *message["headers"],
                    (b"cache-control", value.encode()),
                ]
            await send(message)

        await self.app(scope, receive, send_with)


@asynccontextmanager
async def cached_service(
    demo: DemoApi, cache_control: dict[int, str] | None = None, **settings: Any
) -> AsyncIterator[Service]:
    with run_in_thread(CacheControl(demo.app, cache_control or {})) as upstream:
        async with start_service(
            fast_settings(base_url=upstream, cache_ttl=60, **settings),
            demo,
            over_network=True,
        ) as service:
            yield service


def fetched(service: Service) -> list[int]:
    """The ids fetched, sorted: one operation fetches its clients concurrently."""
    return sorted(r.client_id or 0 for r in service.demo.client_requests())


async def test_a_second_read_is_served_from_the_cache(demo: DemoApi) -> None:
    async with cached_service(demo) as service:
        first = await service.query(NAMES)
        second = await service.query(NAMES)
    assert first == second
    assert first["data"]["clients"][0]["corporateName"] == "Rossi Arredamenti S.r.l."
    assert fetched(service) == [1, 2]


async def test_another_filter_or_include_set_is_another_entry(demo: DemoApi) -> None:
    async with cached_service(demo) as service:
        await service.query('{ client(id: "1") { id } }')
        await service.query('{ client(id: "1", deleted: INCLUDE) { id } }')
        await service.query('{ client(id: "1") { externalIdentifiers { id } } }')
        await service.query('{ client(id: "1") { id } }')
    assert [r.query for r in demo.client_requests()] == [
        {"deleted": "exclude"},
        {"deleted": "include"},
        {"deleted": "exclude", "include": "externalIdentifiers"},
    ]


async def test_no_caller_reads_another_callers_entry(demo: DemoApi) -> None:
    acme = DEMO_HEADERS
    globex = headers(GLOBEX_TOKEN, GLOBEX_COMPANY)
    async with cached_service(demo) as service:
        acme_first = await service.query(NAMES, headers=acme)
        globex_first = await service.query(NAMES, headers=globex)
        # Same ids, the other company with each token; the same company with a
        # token that may not read clients.
        crossed = [
            await service.query(NAMES, headers=headers(GLOBEX_TOKEN, DEMO_COMPANY)),
            await service.query(
                NAMES, headers={**acme, "wethod-company": GLOBEX_COMPANY}
            ),
            await service.query(NAMES, headers=headers(NO_CRM_TOKEN, DEMO_COMPANY)),
        ]
        acme_again = await service.query(NAMES, headers=acme)
        globex_again = await service.query(NAMES, headers=globex)
    assert globex_first["data"]["clients"][0]["corporateName"] == (
        "Officine Bertolini S.r.l."
    )
    assert acme_first != globex_first
    assert acme_again == acme_first
    assert globex_again == globex_first
    for body in crossed:
        assert body["data"]["clients"] == [None, None]
        assert set(codes(body)) <= {
            "UNAUTHENTICATED",
            "FORBIDDEN",
            "PRECONDITION_FAILED",
        }
    # Each of the five callers fetched both ids itself, once.
    assert len(demo.client_requests()) == 10


@pytest.mark.parametrize(
    ("cache_control", "kept"),
    [
        ("no-store", False),
        ("private, max-age=0", False),
        ("no-cache", False),
        ("private, max-age=600", True),
    ],
)
async def test_the_upstreams_cache_control_is_honoured(
    demo: DemoApi, cache_control: str, kept: bool
) -> None:
    async with cached_service(demo, {1: cache_control}) as service:
        await service.query(NAMES)
        await service.query(NAMES)
    assert fetched(service) == ([1, 2] if kept else [1, 1, 2])


async def test_errors_and_unexpected_bodies_are_never_kept(demo: DemoApi) -> None:
    async with cached_service(demo, retries=1) as service:
        demo.faults.fail(1, 503)
        demo.faults.invalid_body(2, shape="wrong_shape")
        failed = await service.query(
            '{ a: client(id: "1") { id } b: client(id: "2") { id } }'
        )
        missing = await service.query('{ client(id: "9999") { id } }')
        answered = await service.query(
            '{ a: client(id: "1") { id } b: client(id: "2") { id } }'
        )
        missing_again = await service.query('{ client(id: "9999") { id } }')
    assert codes(failed) == ["UPSTREAM_UNAVAILABLE", "UPSTREAM_UNAVAILABLE"]
    assert answered == {"data": {"a": {"id": "1"}, "b": {"id": "2"}}}
    assert codes(missing) == codes(missing_again) == ["NOT_FOUND"]
    assert fetched(service) == [1, 1, 2, 2, 9999, 9999]  # nothing kept


async def test_off_by_default(demo: DemoApi, service: Service) -> None:
    await service.query(NAMES)
    await service.query(NAMES)
    assert fetched(service) == [1, 1, 2, 2]


async def test_each_hit_is_reported_with_the_call_it_spared(demo: DemoApi) -> None:
    hits: list[tuple[str, dict[str, str], object]] = []
    cache = RecordCache(
        MemoryStore(max_entries=10, max_bytes=100_000),
        ttl=60,
        api_version="v",
        on_hit=lambda path, params, served: hits.append((path, dict(params), served)),
    )
    caller = Caller(Secret(DEMO_HEADERS["authorization"]), DEMO_COMPANY)
    with serving(demo) as base_url:
        settings = fast_settings(base_url=base_url)
        async with create_session(settings) as session:
            client = UpstreamClient(session, settings, cache=cache)
            first = await client.get(CLIENTS, 1, caller)
            assert hits == []
            second = await client.get(CLIENTS, 1, caller)
    assert first == second
    assert hits == [("/api/clients/1", {"deleted": "exclude"}, None)]
    assert [r.client_id for r in demo.client_requests()] == [1]


async def test_explain_marks_the_calls_the_cache_answered(demo: DemoApi) -> None:
    explain = {**DEMO_HEADERS, "wethod-explain": "1"}
    one = '{ client(id: "1") { id } again: client(id: "1") { corporateName } }'
    async with cached_service(demo, explain=True) as service:
        missed = await service.query(one, headers=explain)
        hit = await service.query(one, headers=explain)
    assert hit["data"] == missed["data"]
    assert fetched(service) == [1]
    first = missed["extensions"]["upstream"]
    assert [c.get("cached") for c in first["calls"]] == [None]
    assert first["totals"]["calls"] == 1
    second = hit["extensions"]["upstream"]
    assert second["calls"] == [
        {
            "method": "GET",
            "path": "/api/clients/1",
            "query": "deleted=exclude",
            "attempts": 0,
            "durationMs": 0.0,
            "paths": [["client"], ["again"]],
            "cached": True,
        }
    ]
    assert second["totals"] == {"calls": 0, "attempts": 0, "durationMs": 0.0}
