"""`list` of the clients: the list call's query string, its checks and its body."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from wethod_graphql.demo import DemoApi
from wethod_graphql.errors import InputError, UpstreamUnavailable
from wethod_graphql.upstream import ClientRecord, Deleted, UpstreamClient
from wethod_graphql.upstream.filters import MAX_VALUES, Condition, format_utc
from wethod_graphql.upstream.listing import MAX_OFFSET, ListQuery, parse_page
from wethod_graphql.upstream.resources import CLIENTS

from .conftest import answering, caller, over_loopback

NOON = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


async def test_a_page_is_one_get_with_every_parameter(demo: DemoApi) -> None:
    since = datetime(2022, 1, 1, tzinfo=UTC)
    query = ListQuery(5, 10, (Condition("updated_at", "gte", (since,)),))
    async with over_loopback(demo) as (upstream, recorder):
        records = await upstream.list(
            CLIENTS,
            query,
            caller(),
            include=frozenset({"externalIdentifiers"}),
            deleted=Deleted.INCLUDE,
        )
    [sent] = recorder.requests
    assert (sent.method, sent.url.path) == ("GET", "/api/clients")
    assert dict(sent.url.query) == {
        "limit": "5",
        "offset": "10",
        "deleted": "include",
        "updated_at": "gte:2022-01-01T00:00:00Z",
        "include": "externalIdentifiers",
    }
    assert len(records) == 5
    assert all(r.external_identifiers is not None for r in records)
    assert [r.id for r in records] == sorted(r.id for r in records)
    assert all(r.updated_at and r.updated_at >= since for r in records)


async def test_a_filter_the_resource_lacks_fails_before_any_request(
    upstream: UpstreamClient, demo: DemoApi
) -> None:
    query = ListQuery(1, conditions=(Condition("created_at", "eq", (NOON,)),))
    with pytest.raises(InputError, match="No filter on created_at"):
        await upstream.list(CLIENTS, query, caller())
    assert demo.requests == []


async def test_a_resource_without_a_list_is_refused(
    upstream: UpstreamClient, demo: DemoApi
) -> None:
    unlisted = replace(CLIENTS, listed=False)
    with pytest.raises(InputError, match="lists no clients"):
        await upstream.list(unlisted, ListQuery(1), caller())
    assert demo.requests == []


async def test_unknown_include_fails_before_any_request(
    upstream: UpstreamClient, demo: DemoApi
) -> None:
    with pytest.raises(InputError, match="group"):
        await upstream.list(
            CLIENTS, ListQuery(1), caller(), include=frozenset({"group"})
        )
    assert demo.requests == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"offset": -1}, "offset"),
        ({"offset": MAX_OFFSET + 1}, "offset"),
        (
            {
                "conditions": (
                    Condition("updated_at", "gt", (NOON,)),
                    Condition("updated_at", "lt", (NOON,)),
                )
            },
            "One condition per field",
        ),
    ],
)
def test_bad_queries_are_refused_when_built(
    changes: dict[str, object], message: str
) -> None:
    arguments: dict[str, object] = {"limit": 10, **changes}
    with pytest.raises(InputError, match=message):
        ListQuery(**arguments)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("operator", "values", "message"),
    [
        ("like", (NOON,), "unknown operator"),
        ("eq", (), "one value"),
        ("gt", (NOON, NOON), "one value"),
        ("in", (), "1 to"),
        ("nin", (NOON,) * (MAX_VALUES + 1), "1 to"),
        ("bt", (NOON,), "from and to"),
        ("bt", (NOON, NOON - timedelta(seconds=1)), "after its to"),
    ],
)
def test_bad_conditions_are_refused_naming_their_field(
    operator: str, values: tuple[datetime, ...], message: str
) -> None:
    with pytest.raises(InputError, match=rf"^filter\.updatedAt: .*{message}"):
        Condition("updated_at", operator, values, label="filter.updatedAt")
    with pytest.raises(InputError, match=r"^updated_at: "):
        Condition("updated_at", operator, values)


def test_conditions_are_written_in_utc() -> None:
    rome = timezone(timedelta(hours=2))
    naive = datetime(2024, 3, 1, 12, 0, 0, 250000)
    assert Condition("deleted_at", "in", (NOON, naive)).param == (
        "in:2024-03-01T12:00:00Z,2024-03-01T12:00:00.250000Z"
    )
    between = Condition(
        "updated_at", "bt", (datetime(2024, 3, 1, 14, tzinfo=rome), NOON)
    )
    assert between.param == "bt:2024-03-01T12:00:00Z,2024-03-01T12:00:00Z"
    assert format_utc(naive) == "2024-03-01T12:00:00.250000Z"


@pytest.mark.parametrize(
    "body",
    [{"data": []}, [{"id": 1}, {"id": 2}, {"id": 3}], [{"id": "1"}], [1]],
)
def test_a_body_that_is_not_a_page_is_unavailable(body: object) -> None:
    with pytest.raises(UpstreamUnavailable):
        parse_page(ClientRecord, json.dumps(body).encode(), limit=2)


async def test_a_list_longer_than_asked_is_unavailable() -> None:
    body = json.dumps([{"id": 1}, {"id": 2}]).encode()
    async with answering(200, body) as (upstream, _):
        with pytest.raises(UpstreamUnavailable, match="unexpected list"):
            await upstream.list(CLIENTS, ListQuery(1), caller())
