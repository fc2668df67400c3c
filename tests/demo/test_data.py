"""The sample data: deterministic, realistic, and true to the documented facts."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from wethod_graphql.demo.data import (
    ACME,
    ACME_SIZE,
    GLOBEX,
    GLOBEX_SIZE,
    clients_of,
    deleted_ids,
    ids_with_identifiers,
    live_ids,
    vat_check_digit,
)
from wethod_graphql.demo.model import CLIENT_FIELDS, SampleClient, client_json

FOREIGN = {12, 33}
SPARSE = {5, 15, 25, 35, 45, 55}


def test_acme_ids_are_contiguous_from_one() -> None:
    assert sorted(clients_of(ACME)) == list(range(1, ACME_SIZE + 1))
    assert ACME_SIZE >= 60
    assert 9999 not in clients_of(ACME)
    assert 0 not in clients_of(ACME)


def test_every_seventh_acme_client_is_deleted() -> None:
    assert deleted_ids() == frozenset(range(7, ACME_SIZE + 1, 7))
    assert live_ids() | deleted_ids() == frozenset(clients_of(ACME))
    assert not live_ids() & deleted_ids()
    for cid in deleted_ids():
        client = clients_of(ACME)[cid]
        assert client.deleted_at is not None
        if client.updated_at is not None:
            assert client.deleted_at > client.updated_at


def test_documented_facts_about_clients_1_4_and_7() -> None:
    acme = clients_of(ACME)
    first = acme[1]
    assert first.corporate_name == "Rossi Arredamenti S.r.l."
    assert first.town == "Milano"
    assert first.deleted_at is None
    assert [(i.id, i.type, i.external_id) for i in first.external_identifiers] == [
        (1, "salesforce", "SF-0001"),
        (2, "hubspot", "HS-100037"),
    ]
    assert acme[2].external_identifiers == ()
    assert len(acme[3].external_identifiers) == 1
    fourth = acme[4].external_identifiers
    assert [i.id for i in fourth] == [4, 5, 6]
    assert [i.deleted_at is not None for i in fourth] == [False, False, True]
    assert acme[7].deleted


def test_identifiers_follow_the_id_pattern_and_are_unique() -> None:
    expected = {1: 2, 2: 0, 3: 1, 4: 3, 0: 0}
    seen_ids: list[int] = []
    for cid, client in clients_of(ACME).items():
        assert len(client.external_identifiers) == expected[cid % 5], cid
        types = [i.type for i in client.external_identifiers]
        assert len(set(types)) == len(types), "one identifier per source"
        assert set(types) <= {"salesforce", "hubspot", "fatture-in-cloud"}
        seen_ids += [i.id for i in client.external_identifiers]
    assert seen_ids == list(range(1, len(seen_ids) + 1))
    assert ids_with_identifiers() == {
        cid for cid in clients_of(ACME) if expected[cid % 5]
    }


def _is_italian(client: SampleClient) -> bool:
    return client.id not in FOREIGN | SPARSE


def test_italian_clients_look_like_real_italian_companies() -> None:
    for client in filter(_is_italian, clients_of(ACME).values()):
        assert client.vat is not None
        assert re.fullmatch(r"IT\d{11}", client.vat), client.vat
        assert vat_check_digit(client.vat[2:12]) == client.vat[12]
        assert client.tax_reference == client.vat[2:]
        assert client.sdi_code is not None
        assert re.fullmatch(r"[0-9A-Z]{7}", client.sdi_code)
        assert client.pec is not None
        assert re.fullmatch(r"[a-z]+@(pec|legalmail)\.it", client.pec)
        assert client.corporate_name is not None
        assert client.corporate_name.endswith((" S.r.l.", " S.p.A."))
        assert client.legal_name == client.corporate_name.upper()
        assert client.zip_code is not None
        assert re.fullmatch(r"\d{5}", client.zip_code)
        assert client.phone is not None
        assert client.phone.startswith("+39 ")
        assert client.country == "Italia"
        assert all(getattr(client, name) is not None for name in ("street", "town"))


def test_vat_check_digit_matches_known_numbers() -> None:
    # Published numbers of large Italian companies, and one off by a digit.
    assert vat_check_digit("0015956036") == "6"  # 00159560366
    assert vat_check_digit("0090581100") == "6"  # 00905811006
    assert vat_check_digit("0048496058") == "8"  # 00484960588
    assert vat_check_digit("0048496059") != "8"


def test_foreign_clients_use_the_foreign_sdi_code() -> None:
    for cid in FOREIGN:
        client = clients_of(ACME)[cid]
        assert client.sdi_code == "XXXXXXX"
        assert client.vat is not None
        assert not client.vat.startswith("IT")
        assert client.country != "Italia"


def test_sparse_clients_have_many_nulls_and_45_has_only_an_id() -> None:
    for cid in SPARSE - {45}:
        body = client_json(clients_of(ACME)[cid], with_identifiers=False)
        nulls = [name for name, value in body.items() if value is None]
        assert len(nulls) >= 20
        assert body["corporate_name"] is not None
    bare = client_json(clients_of(ACME)[45], with_identifiers=True)
    assert bare["id"] == 45
    assert bare["external_identifiers"] == []
    assert all(bare[name] is None for name in CLIENT_FIELDS if name != "id")


def test_some_clients_carry_a_declaration_of_intent() -> None:
    with_intent = [c for c in clients_of(ACME).values() if c.intent_code]
    assert with_intent
    for client in with_intent:
        assert client.intent_date is not None
        assert re.fullmatch(r"\d{17}-\d{6}", client.intent_code or "")


def test_names_are_unique_per_company_and_differ_between_companies() -> None:
    acme = [c.corporate_name for c in clients_of(ACME).values()]
    assert len(set(acme)) == len(acme)
    assert sorted(clients_of(GLOBEX)) == list(range(1, GLOBEX_SIZE + 1))
    assert clients_of(GLOBEX)[1].corporate_name == "Officine Bertolini S.r.l."
    for cid, client in clients_of(GLOBEX).items():
        assert client.corporate_name != clients_of(ACME)[cid].corporate_name
        assert client.corporate_name not in acme
    assert deleted_ids(GLOBEX) == {4}
    assert ids_with_identifiers(GLOBEX) == {2}


@pytest.mark.parametrize("company", [ACME, GLOBEX])
def test_timestamps_are_utc_and_ordered(company: str) -> None:
    for client in clients_of(company).values():
        if client.deleted_at is not None and client.updated_at is not None:
            assert client.deleted_at > client.updated_at
        if client.created_at is None:
            continue
        assert client.updated_at is not None
        assert client.created_at.utcoffset() == timedelta(0)
        assert (
            client.created_at
            < client.updated_at
            < datetime.now(client.created_at.tzinfo)
        )


def test_unknown_company_has_no_clients() -> None:
    assert clients_of("initech") == {}
