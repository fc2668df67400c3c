"""GET /api/clients: ordering, pagination, filters and validation."""

from __future__ import annotations

import httpx
import pytest

from wethod_graphql.demo.data import (
    ACME_SIZE,
    deleted_ids,
    ids_with_identifiers,
    live_ids,
)
from wethod_graphql.demo.model import CLIENT_FIELDS

from .support import assert_error


async def test_default_page_is_every_live_client_by_id(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/api/clients")
    assert response.status_code == 200
    body = response.json()
    assert [c["id"] for c in body] == sorted(live_ids())
    assert all(list(c) == list(CLIENT_FIELDS) for c in body)


async def test_limit_and_offset_page_through_in_order(
    client: httpx.AsyncClient,
) -> None:
    seen: list[int] = []
    offset = 0
    while True:
        page = (
            await client.get(f"/api/clients?limit=7&offset={offset}&deleted=include")
        ).json()
        assert len(page) <= 7
        if not page:
            break
        seen += [c["id"] for c in page]
        offset += 7
    assert seen == list(range(1, ACME_SIZE + 1))


async def test_limit_bounds_are_inclusive(client: httpx.AsyncClient) -> None:
    assert len((await client.get("/api/clients?limit=1")).json()) == 1
    assert (
        len((await client.get("/api/clients?limit=100&deleted=include")).json())
        == ACME_SIZE
    )
    assert (await client.get("/api/clients?offset=1000")).json() == []


@pytest.mark.parametrize(
    ("deleted", "expected"),
    [
        ("exclude", live_ids()),
        ("include", live_ids() | deleted_ids()),
        ("only", deleted_ids()),
    ],
)
async def test_deleted_filter_on_the_list(
    client: httpx.AsyncClient, deleted: str, expected: frozenset[int]
) -> None:
    body = (await client.get("/api/clients", params={"deleted": deleted})).json()
    assert [c["id"] for c in body] == sorted(expected)


async def test_include_on_the_list(client: httpx.AsyncClient) -> None:
    body = (
        await client.get("/api/clients?include=externalIdentifiers&limit=10")
    ).json()
    with_ids = {c["id"] for c in body if c["external_identifiers"]}
    assert with_ids == {c["id"] for c in body} & ids_with_identifiers()
    plain = (await client.get("/api/clients?limit=10")).json()
    assert all("external_identifiers" not in c for c in plain)


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ("limit=0", ["limit"]),
        ("limit=101", ["limit"]),
        ("limit=ten", ["limit"]),
        ("offset=-1", ["offset"]),
        ("offset=1.5", ["offset"]),
        (
            "limit=0&offset=-1&deleted=no&include=x",
            ["include", "deleted", "limit", "offset"],
        ),
    ],
)
async def test_bad_list_parameters_are_400(
    client: httpx.AsyncClient, query: str, fields: list[str]
) -> None:
    body = assert_error(await client.get(f"/api/clients?{query}"), 400, "invalid_data")
    assert [f["field"] for f in body["failures"]] == fields
