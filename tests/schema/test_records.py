"""GraphQL objects from records: plain fields copied, keys as IDs, relations."""

from __future__ import annotations

import pytest
import strawberry

from wethod_graphql.schema.clients import Client
from wethod_graphql.schema.records import from_record, related
from wethod_graphql.schema.types import ExternalIdentifier
from wethod_graphql.upstream import ClientRecord, ExternalIdentifierRecord


def test_plain_fields_are_copied_and_integer_keys_become_ids() -> None:
    record = ClientRecord(id=7, group_id=3, group_company=2, town="Milano")
    client = Client.show(record)
    assert (client.id, client.group_id, client.vat_rate_id) == ("7", "3", None)
    assert client.group_company == 2  # an Int, not a key
    assert client.town == "Milano"
    assert client.record is record


def test_a_relation_shows_what_the_upstream_embedded() -> None:
    identifier = ExternalIdentifierRecord(id=4, external_id="SF-0004")
    record = ClientRecord(id=1, external_identifiers=(identifier,))
    [shown] = Client.show(record).external_identifiers()
    assert (shown.id, shown.external_id) == ("4", "SF-0004")
    assert isinstance(shown, ExternalIdentifier)


def test_a_relation_not_fetched_is_a_bug_not_an_empty_list() -> None:
    with pytest.raises(RuntimeError, match="external_identifiers selected"):
        related(ClientRecord(id=1), "external_identifiers", ExternalIdentifier.show)


def test_only_strawberry_types_are_built() -> None:
    class Plain:
        id: strawberry.ID

    with pytest.raises(TypeError, match="not a Strawberry type"):
        from_record(Plain, ClientRecord(id=1))
