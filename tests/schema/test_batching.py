"""One REST call per distinct client, with exactly the includes selected."""

from __future__ import annotations

import pytest

from tests.conftest import Service


def calls(service: Service) -> list[tuple[int | None, dict[str, str]]]:
    return [(r.client_id, r.query) for r in service.demo.client_requests()]


async def test_no_relation_selected_means_no_include(service: Service) -> None:
    body = await service.query('{ client(id: "1") { id corporateName } }')
    assert body == {
        "data": {"client": {"id": "1", "corporateName": "Rossi Arredamenti S.r.l."}}
    }
    assert calls(service) == [(1, {"deleted": "exclude"})]


async def test_selected_relation_is_included(service: Service) -> None:
    body = await service.query(
        '{ client(id: "1") { id externalIdentifiers { id type externalId } } }'
    )
    assert body["data"]["client"]["externalIdentifiers"] == [
        {"id": "1", "type": "salesforce", "externalId": "SF-0001"},
        {"id": "2", "type": "hubspot", "externalId": "HS-100037"},
    ]
    assert calls(service) == [
        (1, {"deleted": "exclude", "include": "externalIdentifiers"})
    ]


RELATION_SELECTIONS = {
    "named fragment": (
        '{ client(id: "1") { ...F } } fragment F on Client { externalIdentifiers { id } }'
    ),
    "inline fragment": '{ client(id: "1") { ... on Client { externalIdentifiers { id } } } }',
    "untyped inline fragment": '{ client(id: "1") { ... { externalIdentifiers { id } } } }',
    "alias": '{ client(id: "1") { ids: externalIdentifiers { id } } }',
    "nested fragments": (
        '{ client(id: "1") { ...A } } fragment A on Client { ...B } '
        "fragment B on Client { externalIdentifiers { id } }"
    ),
}


@pytest.mark.parametrize("query", RELATION_SELECTIONS.values(), ids=RELATION_SELECTIONS)
async def test_relation_found_however_it_is_selected(
    service: Service, query: str
) -> None:
    body = await service.query(query)
    assert "errors" not in body
    assert calls(service) == [
        (1, {"deleted": "exclude", "include": "externalIdentifiers"})
    ]


DIRECTIVES = [
    ("@include(if: $v)", True, True),
    ("@include(if: $v)", False, False),
    ("@skip(if: $v)", True, False),
    ("@skip(if: $v)", False, True),
]


@pytest.mark.parametrize(("directive", "value", "included"), DIRECTIVES)
@pytest.mark.parametrize("place", ["field", "inline fragment", "fragment spread"])
async def test_directives_with_variables_decide_the_include(
    service: Service, directive: str, value: bool, included: bool, place: str
) -> None:
    selection = {
        "field": f"externalIdentifiers {directive} {{ id }}",
        "inline fragment": f"... {directive} {{ externalIdentifiers {{ id }} }}",
        "fragment spread": f"...F {directive}",
    }[place]
    query = f'query Q($v: Boolean!) {{ client(id: "1") {{ id {selection} }} }}'
    if place == "fragment spread":
        query += " fragment F on Client { externalIdentifiers { id } }"
    body = await service.query(query, {"v": value})
    assert "errors" not in body
    assert ("externalIdentifiers" in body["data"]["client"]) is included
    expected = {"deleted": "exclude"}
    if included:
        expected["include"] = "externalIdentifiers"
    assert calls(service) == [(1, expected)]


async def test_same_client_with_and_without_relation_is_one_call(
    service: Service,
) -> None:
    body = await service.query(
        '{ a: client(id: "1") { id } b: client(id: "1") { externalIdentifiers { id } } '
        'c: clients(ids: ["1", "1"]) { corporateName } }'
    )
    assert body["data"]["a"] == {"id": "1"}
    assert len(body["data"]["b"]["externalIdentifiers"]) == 2
    assert calls(service) == [
        (1, {"deleted": "exclude", "include": "externalIdentifiers"})
    ]


async def test_different_filters_are_different_calls(service: Service) -> None:
    await service.query(
        '{ a: client(id: "1") { id } b: client(id: "1", deleted: INCLUDE) { id } }'
    )
    assert sorted(c[1]["deleted"] for c in calls(service)) == ["exclude", "include"]


async def test_thirty_aliases_over_twelve_ids_are_twelve_concurrent_calls(
    service: Service,
) -> None:
    # Each call is held until all twelve are in flight: calls made one after
    # another would never get there, and the barrier would break (503s).
    service.demo.hold(12)
    ids = [(i % 12) + 1 for i in range(30)]
    query = (
        "{ "
        + " ".join(f'c{n}: client(id: "{i}") {{ id }}' for n, i in enumerate(ids))
        + " }"
    )
    body = await service.query(query)
    # Deleted ones (7) are null with NOT_FOUND; the rest are there.
    assert {e["extensions"]["code"] for e in body.get("errors", [])} <= {"NOT_FOUND"}
    assert sorted(c[0] or 0 for c in calls(service)) == list(range(1, 13))
    assert service.demo.max_in_flight == 12


async def test_one_batch_however_many_keys(service: Service) -> None:
    """80 distinct keys, then client 1's relation: still one call for client 1."""
    aliases = " ".join(f'a{n}: client(id: "{n}") {{ id }}' for n in range(1, 81))
    body = await service.query(
        f'{{ {aliases} last: client(id: "1") {{ externalIdentifiers {{ id }} }} }}'
    )
    assert len(body["data"]["last"]["externalIdentifiers"]) == 2
    ones = [c for c in calls(service) if c[0] == 1]
    assert ones == [(1, {"deleted": "exclude", "include": "externalIdentifiers"})]
    assert len(calls(service)) == 80  # 61..80 are missing: NOT_FOUND each
