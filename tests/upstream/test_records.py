"""Bodies become typed records at the boundary, or `UpstreamUnavailable`.

Every field the demo serves is checked against the demo's own data, for every
client; shapes the demo cannot produce come from a canned upstream over loopback.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from tests.conftest import fast_settings, upstream_client
from wethod_graphql.demo import DemoApi
from wethod_graphql.demo.data import ACME, clients_of
from wethod_graphql.errors import UpstreamUnavailable
from wethod_graphql.upstream import (
    ClientRecord,
    Deleted,
    ExternalIdentifierRecord,
    UpstreamClient,
)
from wethod_graphql.upstream.records import RecordError, decode_record
from wethod_graphql.upstream.resources import CLIENTS

from .conftest import answering, caller, over_loopback

INCLUDE = frozenset({"externalIdentifiers"})

#: A body with every field of the contract set, plus fields it does not have.
FULL_BODY: dict[str, Any] = {
    "id": 9,
    "created_at": "2021-03-10T08:37:00.137Z",
    "updated_at": "2021-04-03T10:47:11+02:00",
    "deleted_at": "2022-01-01T00:00:00",
    "corporate_name": "Rossi Arredamenti S.r.l.",
    "acronym": "ROS",
    "email": "info@rossi.it",
    "notes": "note",
    "website": "https://rossi.it",
    "linkedin": "https://linkedin.com/company/rossi",
    "description": "descr",
    "street": "Corso Buenos Aires, 18",
    "zip_code": "20121",
    "town": "Milano",
    "country": "Italia",
    "vat": "IT91538780155",
    "payment_condition": "Ri.Ba. 60 gg",
    "group_company": 3,
    "sdi_code": "PQRDW71",
    "pec": "rossi@legalmail.it",
    "administration_email": "amm@rossi.it",
    "company_registration_number": "MI-148271",
    "legal_name": "ROSSI ARREDAMENTI S.R.L.",
    "intent_code": "DI-2024-001",
    "intent_date": "2024-02-29",
    "phone": "+39 02 8654321",
    "tax_reference": "91538780155",
    "group_id": 2,
    "bank_account_id": 4,
    "vat_rate_id": 1,
    "payment_term_id": 5,
    "external_identifiers": [
        {
            "id": 11,
            "created_at": "2021-03-10T09:37:00.137Z",
            "updated_at": "2021-03-10T09:37:00.137Z",
            "deleted_at": "2021-03-11T09:37:00Z",
            "external_id": "SF-0001",
            "type": "salesforce",
            "surprise": {"nested": True},
        }
    ],
    # Not in the contract: ignored.
    "status_code": 200,
    "owner": {"id": 1},
    "tags": ["a"],
}


def parse(body: object) -> ClientRecord:
    """The record of `body` as JSON."""
    return decode_record(ClientRecord, json.dumps(body).encode())


def _to_millis(value: datetime) -> datetime:
    """The demo serves datetimes to the millisecond."""
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def _expected(value: object) -> object:
    if isinstance(value, datetime):
        return _to_millis(value)
    return value


def _assert_same(record: object, source: object, names: tuple[str, ...]) -> None:
    for name in names:
        assert getattr(record, name) == _expected(getattr(source, name)), name


async def test_every_field_of_every_demo_client_is_parsed(demo: DemoApi) -> None:
    source = clients_of(ACME)
    client_fields = tuple(
        f.name
        for f in dataclasses.fields(ClientRecord)
        if f.name != "external_identifiers"
    )
    identifier_fields = tuple(
        f.name for f in dataclasses.fields(ExternalIdentifierRecord)
    )
    async with over_loopback(demo) as (upstream, _):
        for client_id, client in source.items():
            record = await upstream.get(
                CLIENTS, client_id, caller(), include=INCLUDE, deleted=Deleted.INCLUDE
            )
            _assert_same(record, client, client_fields)
            assert record.external_identifiers is not None
            assert len(record.external_identifiers) == len(client.external_identifiers)
            for got, want in zip(
                record.external_identifiers, client.external_identifiers, strict=True
            ):
                _assert_same(got, want, identifier_fields)
    assert len(demo.client_requests()) == len(source) == 60


async def test_types_of_a_demo_client(upstream: UpstreamClient) -> None:
    record = await upstream.get(CLIENTS, 9, caller(), include=INCLUDE)
    assert isinstance(record.created_at, datetime)
    assert record.created_at.utcoffset() == timedelta(0)
    assert type(record.intent_date) is date
    assert isinstance(record.group_id, int)
    assert record.deleted_at is None
    assert record.external_identifiers is not None
    for identifier in record.external_identifiers:
        assert isinstance(identifier, ExternalIdentifierRecord)
        assert identifier.created_at is not None
        assert identifier.created_at.tzinfo is not None


async def test_without_the_include_external_identifiers_is_none(
    upstream: UpstreamClient,
) -> None:
    record = await upstream.get(CLIENTS, 1, caller())
    assert record.external_identifiers is None
    with_none = await upstream.get(CLIENTS, 2, caller(), include=INCLUDE)
    assert with_none.external_identifiers == ()


async def test_a_client_with_every_field_null(upstream: UpstreamClient) -> None:
    record = await upstream.get(CLIENTS, 45, caller(), include=INCLUDE)
    assert record == ClientRecord(id=45, external_identifiers=())


def test_every_contract_field_is_parsed_and_unknown_ones_ignored() -> None:
    record = parse(FULL_BODY)
    assert record == ClientRecord(
        id=9,
        created_at=datetime(2021, 3, 10, 8, 37, 0, 137000, tzinfo=UTC),
        updated_at=datetime(
            2021, 4, 3, 10, 47, 11, tzinfo=timezone(timedelta(hours=2))
        ),
        deleted_at=datetime(2022, 1, 1, tzinfo=UTC),
        corporate_name="Rossi Arredamenti S.r.l.",
        acronym="ROS",
        email="info@rossi.it",
        notes="note",
        website="https://rossi.it",
        linkedin="https://linkedin.com/company/rossi",
        description="descr",
        street="Corso Buenos Aires, 18",
        zip_code="20121",
        town="Milano",
        country="Italia",
        vat="IT91538780155",
        payment_condition="Ri.Ba. 60 gg",
        group_company=3,
        sdi_code="PQRDW71",
        pec="rossi@legalmail.it",
        administration_email="amm@rossi.it",
        company_registration_number="MI-148271",
        legal_name="ROSSI ARREDAMENTI S.R.L.",
        intent_code="DI-2024-001",
        intent_date=date(2024, 2, 29),
        phone="+39 02 8654321",
        tax_reference="91538780155",
        group_id=2,
        bank_account_id=4,
        vat_rate_id=1,
        payment_term_id=5,
        external_identifiers=(
            ExternalIdentifierRecord(
                id=11,
                created_at=datetime(2021, 3, 10, 9, 37, 0, 137000, tzinfo=UTC),
                updated_at=datetime(2021, 3, 10, 9, 37, 0, 137000, tzinfo=UTC),
                deleted_at=datetime(2021, 3, 11, 9, 37, tzinfo=UTC),
                external_id="SF-0001",
                type="salesforce",
            ),
        ),
    )
    # The offset is kept, and a value without one is taken as UTC.
    assert record.updated_at is not None
    assert record.updated_at.utcoffset() == timedelta(hours=2)
    assert record.deleted_at is not None
    assert record.deleted_at.tzinfo is UTC
    # Every field of the contract is a field of the record, and no other.
    contract = {k for k in FULL_BODY if k not in {"status_code", "owner", "tags"}}
    assert {f.name for f in dataclasses.fields(ClientRecord)} == contract


def test_absent_and_null_fields_are_none() -> None:
    assert parse({"id": 3}) == ClientRecord(id=3)
    nulls = {name: None for name in FULL_BODY}
    assert parse({**nulls, "id": 3}) == ClientRecord(id=3)


def _with(**changes: object) -> dict[str, Any]:
    return {**FULL_BODY, **changes}


def _identifier_with(**changes: object) -> dict[str, Any]:
    identifier = {**FULL_BODY["external_identifiers"][0], **changes}
    return _with(external_identifiers=[identifier])


WRONG_BODIES: dict[str, object] = {
    "id missing": {k: v for k, v in FULL_BODY.items() if k != "id"},
    "id null": _with(id=None),
    "id string": _with(id="9"),
    "id float": _with(id=9.0),
    "id bool": _with(id=True),
    "int field string": _with(group_id="2"),
    "int field float": _with(vat_rate_id=1.5),
    "int field bool": _with(group_company=False),
    "string field int": _with(vat=91538780155),
    "string field object": _with(corporate_name={"it": "Rossi"}),
    "string field list": _with(email=["a@b.it"]),
    "datetime not iso": _with(created_at="yesterday"),
    "datetime number": _with(updated_at=1700000000),
    "date impossible": _with(intent_date="2024-02-30"),
    "date number": _with(intent_date=20240229),
    "identifiers object": _with(external_identifiers={"id": 1}),
    "identifiers string": _with(external_identifiers="SF-0001"),
    "identifier not object": _with(external_identifiers=[1]),
    "identifier without id": _identifier_with(id=None),
    "identifier id string": _identifier_with(id="11"),
    "identifier type int": _identifier_with(type=3),
    "identifier bad datetime": _identifier_with(created_at="2021-13-01T00:00:00Z"),
    "list body": [FULL_BODY],
    "string body": "Rossi",
    "number body": 9,
    "null body": None,
    "envelope": {"data": FULL_BODY},
}


@pytest.mark.parametrize("body", WRONG_BODIES.values(), ids=WRONG_BODIES.keys())
def test_a_wrong_type_is_a_record_error(body: object) -> None:
    with pytest.raises(RecordError):
        parse(body)


@pytest.mark.parametrize("body", WRONG_BODIES.values(), ids=WRONG_BODIES.keys())
async def test_a_body_of_the_wrong_shape_is_unavailable_and_not_retried(
    body: object,
) -> None:
    async with answering(200, json.dumps(body).encode()) as (up, recorder):
        with pytest.raises(UpstreamUnavailable) as caught:
            await up.get(CLIENTS, 9, caller())
    assert caught.value.status is None
    assert isinstance(caught.value.__cause__, RecordError)
    assert recorder.attempts == 1


async def test_a_body_for_another_client_is_unavailable() -> None:
    body = json.dumps({**FULL_BODY, "id": 2}).encode()
    async with answering(200, body) as (up, _):
        with pytest.raises(UpstreamUnavailable, match="another client"):
            await up.get(CLIENTS, 9, caller())


@pytest.mark.parametrize(
    "content",
    [b'{"id": 9, "corporate_name": "Ro', b"", b"<html>OK</html>", b"\xff\xfe{}"],
)
async def test_invalid_json_is_unavailable(content: bytes) -> None:
    async with answering(200, content) as (up, _):
        with pytest.raises(UpstreamUnavailable, match="invalid JSON"):
            await up.get(CLIENTS, 9, caller())


@pytest.mark.parametrize("shape", ["not_json", "wrong_shape"])
async def test_the_demos_invalid_bodies_are_unavailable(
    upstream: UpstreamClient, demo: DemoApi, shape: str
) -> None:
    demo.faults.invalid_body(1, shape=shape)  # type: ignore[arg-type]
    with pytest.raises(UpstreamUnavailable) as caught:
        await upstream.get(CLIENTS, 1, caller())
    assert caught.value.code == "UPSTREAM_UNAVAILABLE"
    # A 200 with a broken body is not tried again.
    assert [r.status for r in demo.client_requests()] == [200]
    # The next call, without the fault, is fine.
    assert (await upstream.get(CLIENTS, 1, caller())).id == 1


async def test_invalid_json_over_loopback(demo: DemoApi, loopback: str) -> None:
    demo.faults.invalid_body(1)
    async with upstream_client(fast_settings(base_url=loopback)) as upstream:
        with pytest.raises(UpstreamUnavailable, match="invalid JSON"):
            await upstream.get(CLIENTS, 1, caller())


@pytest.mark.parametrize(
    "body",
    [
        {"id": 1, "group_company": 10**30},
        {"id": 1, "group_company": 2**31},
        {"id": 1, "group_id": -5},
        {"id": 0},
        {"id": 2**63},
    ],
)
def test_integers_out_of_the_contract_range_are_refused(
    body: dict[str, object],
) -> None:
    with pytest.raises(RecordError):
        parse(body)
