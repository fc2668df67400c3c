"""GET /api/clients: ordering, pagination, filters and validation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import httpx
import pytest

from wethod_graphql.demo.data import (
    ACME,
    ACME_SIZE,
    clients_of,
    deleted_ids,
    ids_with_identifiers,
    live_ids,
)
from wethod_graphql.demo.model import CLIENT_FIELDS, format_datetime

from .support import assert_error


async def test_default_page_is_every_live_client_by_id(
    http: httpx.AsyncClient,
) -> None:
    response = await http.get("/api/clients")
    assert response.status_code == 200
    body = response.json()
    assert [c["id"] for c in body] == sorted(live_ids())
    assert all(list(c) == list(CLIENT_FIELDS) for c in body)


async def test_limit_and_offset_page_through_in_order(
    http: httpx.AsyncClient,
) -> None:
    seen: list[int] = []
    offset = 0
    while True:
        page = (
            await http.get(f"/api/clients?limit=7&offset={offset}&deleted=include")
        ).json()
        assert len(page) <= 7
        if not page:
            break
        seen += [c["id"] for c in page]
        offset += 7
    assert seen == list(range(1, ACME_SIZE + 1))


async def test_limit_bounds_are_inclusive(http: httpx.AsyncClient) -> None:
    assert len((await http.get("/api/clients?limit=1")).json()) == 1
    assert (
        len((await http.get("/api/clients?limit=100&deleted=include")).json())
        == ACME_SIZE
    )
    assert (await http.get("/api/clients?offset=1000")).json() == []


@pytest.mark.parametrize(
    ("deleted", "expected"),
    [
        ("exclude", live_ids()),
        ("include", live_ids() | deleted_ids()),
        ("only", deleted_ids()),
    ],
)
async def test_deleted_filter_on_the_list(
    http: httpx.AsyncClient, deleted: str, expected: frozenset[int]
) -> None:
    body = (await http.get("/api/clients", params={"deleted": deleted})).json()
    assert [c["id"] for c in body] == sorted(expected)


async def test_include_on_the_list(http: httpx.AsyncClient) -> None:
    body = (await http.get("/api/clients?include=externalIdentifiers&limit=10")).json()
    with_ids = {c["id"] for c in body if c["external_identifiers"]}
    assert with_ids == {c["id"] for c in body} & ids_with_identifiers()
    plain = (await http.get("/api/clients?limit=10")).json()
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
    http: httpx.AsyncClient, query: str, fields: list[str]
) -> None:
    body = assert_error(await http.get(f"/api/clients?{query}"), 400, "invalid_data")
    assert [f["field"] for f in body["failures"]] == fields


def _stamp(client_id: int, field: str = "updated_at") -> str:
    value = getattr(clients_of(ACME)[client_id], field)
    assert value is not None
    return str(format_datetime(value))


def _updated_ids(predicate: Callable[[datetime], bool]) -> list[int]:
    """Ids whose `updated_at` satisfies `predicate`; a null one never does."""
    return sorted(
        c.id
        for c in clients_of(ACME).values()
        if c.updated_at is not None and predicate(c.updated_at)
    )


async def test_each_operator_filters_updated_at(http: httpx.AsyncClient) -> None:
    acme = clients_of(ACME)
    pivot, low, high = acme[30].updated_at, acme[10].updated_at, acme[40].updated_at
    assert pivot is not None
    assert low is not None
    assert high is not None
    low, high = min(low, high), max(low, high)
    cases = {
        f"eq:{_stamp(30)}": [30],
        f"neq:{_stamp(30)}": _updated_ids(lambda u: u != pivot),
        f"gt:{_stamp(30)}": _updated_ids(lambda u: u > pivot),
        f"gte:{_stamp(30)}": _updated_ids(lambda u: u >= pivot),
        f"lt:{_stamp(30)}": _updated_ids(lambda u: u < pivot),
        f"lte:{_stamp(30)}": _updated_ids(lambda u: u <= pivot),
        f"in:{_stamp(3)},{_stamp(30)}": [3, 30],
        f"nin:{_stamp(3)},{_stamp(30)}": _updated_ids(
            lambda u: u not in (acme[3].updated_at, pivot)
        ),
        f"bt:{format_datetime(low)},{format_datetime(high)}": _updated_ids(
            lambda u: low <= u <= high
        ),
    }
    for condition, expected in cases.items():
        params = {"updated_at": condition, "deleted": "include", "limit": "100"}
        body = (await http.get("/api/clients", params=params)).json()
        assert [c["id"] for c in body] == expected, condition
        assert 0 < len(expected) < ACME_SIZE, condition


async def test_deleted_at_filters_skip_nulls(http: httpx.AsyncClient) -> None:
    params = {"deleted_at": f"gte:{_stamp(7, 'deleted_at')}", "deleted": "include"}
    body = (await http.get("/api/clients", params=params)).json()
    assert [c["id"] for c in body] == sorted(deleted_ids())
    params["deleted_at"] = f"neq:{_stamp(7, 'deleted_at')}"
    body = (await http.get("/api/clients", params=params)).json()
    assert [c["id"] for c in body] == sorted(deleted_ids() - {7})


async def test_filters_combine_with_paging_and_deletion(
    http: httpx.AsyncClient,
) -> None:
    params = {"updated_at": f"gt:{_stamp(30)}", "limit": "3", "offset": "2"}
    body = (await http.get("/api/clients", params=params)).json()
    pivot = clients_of(ACME)[30].updated_at
    assert pivot is not None
    live = [i for i in _updated_ids(lambda u: u > pivot) if i in live_ids()]
    expected = live[2:5]
    assert [c["id"] for c in body] == expected


@pytest.mark.parametrize(
    "condition",
    [
        "2026-01-01T00:00:00Z",
        "like:2026-01-01T00:00:00Z",
        "gt:yesterday",
        "gt:",
        "eq:2026-01-01T00:00:00Z,2026-01-02T00:00:00Z",
        "bt:2026-01-01T00:00:00Z",
        "bt:2026-01-01T00:00:00Z,2026-01-02T00:00:00Z,2026-01-03T00:00:00Z",
    ],
)
async def test_bad_filters_are_400(http: httpx.AsyncClient, condition: str) -> None:
    for field in ("updated_at", "deleted_at"):
        response = await http.get("/api/clients", params={field: condition})
        body = assert_error(response, 400, "invalid_data")
        assert [f["field"] for f in body["failures"]] == [field]
