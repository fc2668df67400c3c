"""`client`, `clients` and `_entities` against the demo data."""

from __future__ import annotations

import asyncio

import pytest

from tests.conftest import Service, codes, fast_settings
from wethod_graphql.demo import GLOBEX_COMPANY, GLOBEX_TOKEN
from wethod_graphql.demo.data import ACME, clients_of

IDS = ["3", "7", "9999", "1", "14"]  # 7 and 14 are deleted, 9999 is missing
LIST = "query($d: DeletionFilter!) { clients(ids: %s, deleted: $d) { id deletedAt } }"

EXPECTED = {
    # filter: ids present (others null), in input order
    "EXCLUDE": ["3", None, None, "1", None],
    "INCLUDE": ["3", "7", None, "1", "14"],
    "ONLY": [None, "7", None, None, "14"],
}


@pytest.mark.parametrize("deleted", EXPECTED)
async def test_clients_keeps_order_with_a_null_and_error_per_missing_item(
    service: Service, deleted: str
) -> None:
    ids = str(IDS).replace("'", '"')
    body = await service.query(LIST % ids, {"d": deleted})
    items = body["data"]["clients"]
    assert [item and item["id"] for item in items] == EXPECTED[deleted]
    missing = [i for i, item in enumerate(items) if item is None]
    assert sorted(e["path"] for e in body["errors"]) == [
        ["clients", i] for i in missing
    ]
    assert set(codes(body)) == {"NOT_FOUND"}
    for item in items:
        if item is not None:
            assert (item["deletedAt"] is not None) == (item["id"] in {"7", "14"})
    sent = {r.client_id: r.query["deleted"] for r in service.demo.client_requests()}
    assert sent == {int(i): deleted.lower() for i in IDS}


async def test_clients_with_no_ids_is_empty(service: Service) -> None:
    assert await service.query("{ clients(ids: []) { id } }") == {
        "data": {"clients": []}
    }
    assert service.demo.requests == []


@pytest.mark.parametrize("settings", [fast_settings(max_ids=3)])
async def test_too_many_ids_is_refused_before_any_call(service: Service) -> None:
    ok = await service.query('{ clients(ids: ["1", "2", "3"]) { id } }')
    assert "errors" not in ok
    service.demo.reset()
    body = await service.query('{ clients(ids: ["1", "2", "3", "4"]) { id } }')
    assert body["data"] is None  # `clients` is non-null
    assert codes(body) == ["BAD_USER_INPUT"]
    assert service.demo.requests == []


async def test_one_malformed_id_refuses_the_whole_list(service: Service) -> None:
    body = await service.query('{ clients(ids: ["1", "x"]) { id } }')
    assert codes(body) == ["BAD_USER_INPUT"]
    assert service.demo.requests == []


async def test_scalars_come_out_typed(service: Service) -> None:
    fields = "id deletedAt createdAt intentDate groupId groupCompany vat"
    body = await service.query(
        f'{{ client(id: "7", deleted: INCLUDE) {{ {fields} }} }}'
    )
    client = body["data"]["client"]
    record = clients_of(ACME)[7]
    assert record.deleted_at is not None  # client 7 is archived
    assert record.created_at is not None
    assert client == {
        "id": "7",
        "deletedAt": record.deleted_at.isoformat(),
        "createdAt": record.created_at.isoformat(),
        "intentDate": None
        if record.intent_date is None
        else record.intent_date.isoformat(),
        "groupId": None if record.group_id is None else str(record.group_id),
        "groupCompany": record.group_company,
        "vat": record.vat,
    }
    assert client["deletedAt"].endswith("+00:00")


async def test_concurrent_callers_never_see_each_others_data(service: Service) -> None:
    globex = {
        "authorization": f"Bearer {GLOBEX_TOKEN}",
        "wethod-company": GLOBEX_COMPANY,
    }
    query = '{ client(id: "1") { corporateName } }'
    service.demo.faults.delay(None, 0.02)
    results = await asyncio.gather(
        *(service.query(query, headers=globex if n % 2 else None) for n in range(20))
    )
    names = [r["data"]["client"]["corporateName"] for r in results]
    assert names == ["Rossi Arredamenti S.r.l.", "Officine Bertolini S.r.l."] * 10
    tokens = {r.headers["authorization"] for r in service.demo.client_requests()}
    assert len(tokens) == 2
    assert len(service.demo.client_requests()) == 20  # no cache across requests


ENTITIES = """
query($r: [_Any!]!) {
  _entities(representations: $r) {
    ... on Client { id corporateName deletedAt %s }
  }
}
"""


@pytest.mark.parametrize("relation", ["", "externalIdentifiers { externalId }"])
async def test_entities_are_one_batch_including_deleted(
    service: Service, relation: str
) -> None:
    ids = [(n % 40) + 1 for n in range(100)]
    reps = [{"__typename": "Client", "id": str(i)} for i in ids]
    # Calls open long enough to overlap even when 40 connections must be opened
    # on a busy machine (the service reaches the demo over loopback).
    service.demo.faults.delay(None, 0.5)
    body = await service.query(ENTITIES % relation, {"r": reps})
    assert "errors" not in body
    entities = body["data"]["_entities"]
    assert [e["id"] for e in entities] == [str(i) for i in ids]
    assert entities[6]["deletedAt"] is not None  # client 7 is archived, still there
    requests = service.demo.client_requests()
    assert sorted(r.client_id or 0 for r in requests) == list(range(1, 41))
    assert service.demo.max_in_flight == 40  # all at once
    expected = {"deleted": "include"}
    if relation:
        expected["include"] = "externalIdentifiers"
    assert all(r.query == expected for r in requests)


async def test_entities_fail_per_item(service: Service) -> None:
    reps = [
        {"__typename": "Client", "id": "1"},
        {"__typename": "Project", "id": "1"},
        {"__typename": "Client"},
        {"__typename": "Client", "id": "9999"},
    ]
    body = await service.query(ENTITIES % "", {"r": reps})
    entities = body["data"]["_entities"]
    assert entities[0]["id"] == "1"
    assert entities[1:] == [None, None, None]
    by_path = {e["path"][1]: e["extensions"]["code"] for e in body["errors"]}
    assert by_path == {1: "BAD_USER_INPUT", 2: "BAD_USER_INPUT", 3: "NOT_FOUND"}


async def test_entities_need_credentials_too(service: Service) -> None:
    reps = [{"__typename": "Client", "id": "1"}]
    body = await service.query(ENTITIES % "", {"r": reps}, headers={})
    assert codes(body) == ["UNAUTHENTICATED"]
    assert service.demo.requests == []


async def test_entities_fragments_on_the_entity_union_are_looked_ahead(
    service: Service,
) -> None:
    query = """
    query($r: [_Any!]!) { _entities(representations: $r) { ...E } }
    fragment E on _Entity { ... on Client { id externalIdentifiers { externalId } } }
    """
    body = await service.query(query, {"r": [{"__typename": "Client", "id": "1"}]})
    assert "errors" not in body
    assert (
        body["data"]["_entities"][0]["externalIdentifiers"][0]["externalId"]
        == "SF-0001"
    )
    [call] = service.demo.client_requests()
    assert call.query["include"] == "externalIdentifiers"


@pytest.mark.parametrize("settings", [fast_settings(max_calls=3)])
async def test_upstream_calls_per_operation_are_bounded(service: Service) -> None:
    body = await service.query(
        '{ clients(ids: ["1", "2", "3", "4", "5", "1"]) { id } }'
    )
    items = body["data"]["clients"]
    assert [item and item["id"] for item in items] == ["1", "2", "3", None, None, "1"]
    assert {e["extensions"]["code"] for e in body["errors"]} == {"BAD_USER_INPUT"}
    assert "more than 3 upstream calls" in body["errors"][0]["message"]
    assert len(service.demo.client_requests()) == 3


async def test_leading_zeros_name_the_same_client(service: Service) -> None:
    body = await service.query(
        '{ a: client(id: "01") { id } b: client(id: "1") { id } }'
    )
    assert body == {"data": {"a": {"id": "1"}, "b": {"id": "1"}}}
    assert len(service.demo.client_requests()) == 1
