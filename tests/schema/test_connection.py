"""`clientsConnection`: pages, filters, cursors, look-ahead and bad input."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

import pytest

from tests.conftest import Service, codes, fast_settings
from wethod_graphql.demo import Target
from wethod_graphql.demo.data import ACME, clients_of
from wethod_graphql.demo.model import format_datetime

CLIENTS = "/api/clients"
PAGE = """
query($first: Int, $after: String, $filter: ClientFilter, $deleted: DeletionFilter!) {
  clientsConnection(first: $first, after: $after, filter: $filter, deleted: $deleted) {
    edges { cursor node { id updatedAt } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


def list_calls(service: Service) -> list[dict[str, str]]:
    """The query strings of the demo's list calls, oldest first."""
    return [r.query for r in service.demo.requests_to(CLIENTS, items=False)]


def updated(client_id: int) -> datetime:
    value = clients_of(ACME)[client_id].updated_at
    assert value is not None
    return value


async def page(service: Service, **variables: Any) -> dict[str, Any]:
    body = await service.query(PAGE, {"deleted": "INCLUDE", **variables})
    assert "errors" not in body, body
    connection: dict[str, Any] = body["data"]["clientsConnection"]
    return connection


async def test_paging_through_every_filtered_client(service: Service) -> None:
    pivot = updated(30)
    expected = sorted(
        c.id
        for c in clients_of(ACME).values()
        if c.updated_at is not None and c.updated_at >= pivot
    )
    assert 7 < len(expected) < 60
    variables = {"first": 7, "filter": {"updatedAt": {"gte": pivot.isoformat()}}}
    seen: list[int] = []
    after = None
    pages = 0
    while True:
        connection = await page(service, **variables, after=after)
        pages += 1
        ids = [int(edge["node"]["id"]) for edge in connection["edges"]]
        seen += ids
        info = connection["pageInfo"]
        assert info["endCursor"] == connection["edges"][-1]["cursor"]
        assert info["hasNextPage"] == (len(seen) < len(expected))
        if not info["hasNextPage"]:
            break
        after = info["endCursor"]
    assert seen == expected
    calls = list_calls(service)
    assert len(calls) == pages == -(-len(expected) // 7)
    stamp = pivot.isoformat().replace("+00:00", "Z")
    assert calls == [
        {
            "limit": "8",
            "offset": str(7 * n),
            "deleted": "include",
            "updated_at": f"gte:{stamp}",
        }
        for n in range(pages)
    ]
    assert service.demo.client_requests() == []


async def test_has_next_page_is_exact_on_a_full_last_page(service: Service) -> None:
    first = await page(service, first=30)
    second = await page(service, first=30, after=first["pageInfo"]["endCursor"])
    assert first["pageInfo"]["hasNextPage"] is True
    assert [e["node"]["id"] for e in second["edges"]] == [str(i) for i in range(31, 61)]
    assert second["pageInfo"]["hasNextPage"] is False
    empty = await page(service, first=5, after=second["pageInfo"]["endCursor"])
    assert empty == {"edges": [], "pageInfo": {"hasNextPage": False, "endCursor": None}}


async def test_a_page_of_a_hundred_asks_for_the_row_after_it_at_once(
    service: Service,
) -> None:
    service.demo.hold(2)  # both calls in flight together, or neither answers
    connection = await page(service, first=100)
    assert len(connection["edges"]) == 60
    assert connection["pageInfo"]["hasNextPage"] is False
    assert sorted((c["limit"], c["offset"]) for c in list_calls(service)) == [
        ("1", "100"),
        ("100", "0"),
    ]


async def test_the_default_page_is_twenty_live_clients(service: Service) -> None:
    body = await service.query("{ clientsConnection { edges { node { id } } } }")
    ids = [int(e["node"]["id"]) for e in body["data"]["clientsConnection"]["edges"]]
    live = sorted(c.id for c in clients_of(ACME).values() if c.deleted_at is None)
    assert ids == live[:20]
    assert list_calls(service) == [{"limit": "21", "offset": "0", "deleted": "exclude"}]


@pytest.mark.parametrize(
    ("selection", "include"),
    [
        ("edges { node { id } }", None),
        ("edges { node { externalIdentifiers { type } } }", "externalIdentifiers"),
        ("pageInfo { hasNextPage } edges { cursor }", None),
        ("...P", "externalIdentifiers"),
        ("edges { node { externalIdentifiers @skip(if: true) { type } } }", None),
    ],
)
async def test_include_only_when_identifiers_are_selected(
    service: Service, selection: str, include: str | None
) -> None:
    fragment = (
        "fragment P on ClientConnection { edges { ... on ClientEdge "
        "{ node { ...N } } } } fragment N on Client { externalIdentifiers { id } }"
    )
    query = f"{{ clientsConnection(first: 3) {{ {selection} }} }}"
    if "...P" in selection:
        query += fragment
    body = await service.query(query)
    assert "errors" not in body, body
    [call] = list_calls(service)
    assert call.get("include") == include


async def test_identifiers_of_a_page(service: Service) -> None:
    body = await service.query(
        "{ clientsConnection(first: 2) { edges { node { id "
        "externalIdentifiers { externalId } } } } }"
    )
    nodes = [e["node"] for e in body["data"]["clientsConnection"]["edges"]]
    assert nodes == [
        {
            "id": "1",
            "externalIdentifiers": [
                {"externalId": "SF-0001"},
                {"externalId": "HS-100037"},
            ],
        },
        {"id": "2", "externalIdentifiers": []},
    ]


async def test_equal_pages_share_one_call_with_the_union_of_includes(
    service: Service,
) -> None:
    body = await service.query(
        "{ a: clientsConnection(first: 3) { edges { node { id } } } "
        "b: clientsConnection(first: 3) { edges { node { externalIdentifiers { id } } } }"
        " c: clientsConnection(first: 4) { edges { node { id } } } }"
    )
    assert "errors" not in body
    calls = sorted(list_calls(service), key=lambda c: c["limit"])
    assert [(c["limit"], c.get("include")) for c in calls] == [
        ("4", "externalIdentifiers"),
        ("5", None),
    ]


async def test_each_operator_reaches_the_upstream(service: Service) -> None:
    one, two = updated(3), updated(30)
    low, high = min(one, two), max(one, two)
    stamp = {value: format_datetime(value) for value in (one, two)}
    sent = {
        "eq": {"eq": stamp[one]},
        "neq": {"neq": stamp[one]},
        "gt": {"gt": stamp[one]},
        "gte": {"gte": stamp[one]},
        "lt": {"lt": stamp[one]},
        "lte": {"lte": stamp[one]},
        "in": {"in": [stamp[one], stamp[two]]},
        "nin": {"nin": [stamp[one], stamp[two]]},
        "bt": {"between": {"from": format_datetime(low), "to": format_datetime(high)}},
    }
    for operator, condition in sent.items():
        service.demo.reset()
        await page(service, first=100, filter={"deletedAt": condition})
        [call, _] = sorted(list_calls(service), key=lambda c: c["offset"])
        assert call["deleted_at"].split(":", 1)[0] == operator
        assert "updated_at" not in call


async def test_gte_with_lte_is_sent_as_between(service: Service) -> None:
    connection = await page(
        service,
        filter={
            "updatedAt": {
                "gte": "2021-06-01T00:00:00+02:00",
                "lte": "2022-01-01T00:00:00",
            }
        },
    )
    [call] = list_calls(service)
    assert call["updated_at"] == "bt:2021-05-31T22:00:00Z,2022-01-01T00:00:00Z"
    low, high = (
        datetime.fromisoformat(call["updated_at"][3:].split(",")[0]),
        (datetime.fromisoformat("2022-01-01T00:00:00+00:00")),
    )
    for edge in connection["edges"]:
        assert low <= datetime.fromisoformat(edge["node"]["updatedAt"]) <= high


async def test_deleted_only_with_a_deleted_at_filter(service: Service) -> None:
    moment = clients_of(ACME)[21].deleted_at
    assert moment is not None
    expected = [
        str(c.id)
        for c in clients_of(ACME).values()
        if c.deleted_at is not None and c.deleted_at <= moment
    ]
    assert 1 < len(expected) < 8
    body = await service.query(
        PAGE, {"deleted": "ONLY", "filter": {"deletedAt": {"lte": moment.isoformat()}}}
    )
    nodes = [e["node"]["id"] for e in body["data"]["clientsConnection"]["edges"]]
    assert nodes == expected
    [call] = list_calls(service)
    assert call["deleted"] == "only"


def _cursor(plain: str) -> str:
    return base64.urlsafe_b64encode(plain.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "variables",
    [
        {"first": 0},
        {"first": -1},
        {"first": 101},
        {"after": ""},
        {"after": "not a cursor!"},
        {"after": "x" * 65},
        {"after": _cursor("v1:5")},
        {"after": _cursor("v2:5:000000000000")},
        {"after": _cursor("v1:-5:000000000000")},
        {"after": _cursor("v1:5:000000000000")},  # a scope of no list
        {"after": "////"},
        {
            "filter": {
                "updatedAt": {
                    "gt": "2024-01-01T00:00:00Z",
                    "lt": "2025-01-01T00:00:00Z",
                }
            }
        },
        {
            "filter": {
                "updatedAt": {
                    "eq": "2024-01-01T00:00:00Z",
                    "in": ["2024-01-01T00:00:00Z"],
                }
            }
        },
        {"filter": {"deletedAt": {"in": []}}},
        {"filter": {"deletedAt": {"nin": ["2024-01-01T00:00:00Z"] * 101}}},
        {
            "filter": {
                "updatedAt": {
                    "between": {
                        "from": "2025-01-01T00:00:00Z",
                        "to": "2024-01-01T00:00:00Z",
                    }
                }
            }
        },
        {"filter": {"updatedAt": {"gte": "yesterday"}}},
    ],
)
async def test_bad_input_is_refused_before_any_call(
    service: Service, variables: dict[str, Any]
) -> None:
    body = await service.query(PAGE, {"deleted": "EXCLUDE", **variables})
    assert body["data"] is None
    assert codes(body) == ["BAD_USER_INPUT"]
    assert service.demo.requests == []


async def test_a_cursor_of_another_filter_is_refused(service: Service) -> None:
    first = await page(service, first=2)
    service.demo.reset()
    body = await service.query(
        PAGE,
        {
            "deleted": "EXCLUDE",
            "after": first["pageInfo"]["endCursor"],
        },
    )
    assert codes(body) == ["BAD_USER_INPUT"]
    assert "another filter" in body["errors"][0]["message"]
    assert service.demo.requests == []


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (400, "BAD_USER_INPUT"),
        (401, "UNAUTHENTICATED"),
        (403, "FORBIDDEN"),
        (412, "PRECONDITION_FAILED"),
        (503, "UPSTREAM_UNAVAILABLE"),
    ],
)
async def test_upstream_errors_map_as_for_one_client(
    service: Service, status: int, code: str
) -> None:
    service.demo.faults.fail(Target(CLIENTS), status, times=10)
    body = await service.query("{ clientsConnection { edges { cursor } } }")
    assert body["data"] is None
    assert codes(body) == [code]
    assert body["errors"][0]["path"] == ["clientsConnection"]
    assert body["errors"][0]["extensions"]["upstream"]["status"] == status


async def test_a_body_that_is_not_a_list_is_unavailable(service: Service) -> None:
    service.demo.faults.invalid_body(Target(CLIENTS), shape="wrong_shape")
    body = await service.query("{ clientsConnection { edges { cursor } } }")
    assert codes(body) == ["UPSTREAM_UNAVAILABLE"]


@pytest.mark.parametrize("settings", [fast_settings(max_calls=2)])
async def test_pages_and_clients_spend_one_call_budget(service: Service) -> None:
    body = await service.query(
        '{ client(id: "1") { id } clientsConnection(first: 100) { edges { cursor } } }'
    )
    # One client and a page of 100 (two calls) need three calls: the third
    # is refused, whichever asks last. (A refused page nulls the answer
    # before the other calls are done, so the log is checked only for
    # what it can never exceed; tests/resolvers/test_loaders.py counts.)
    assert codes(body) == ["BAD_USER_INPUT"]
    assert "split it" in body["errors"][0]["message"]
    assert len(service.demo.requests) <= 2
