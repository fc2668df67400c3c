"""The request record: redacted queries, bounded explanations."""

from __future__ import annotations

import pytest

from wethod_graphql.observe import record as record_module
from wethod_graphql.observe.record import RequestRecord, UpstreamCall, redact_query


def test_secret_looking_parameters_are_redacted() -> None:
    query = redact_query(
        {
            "deleted": "exclude",
            "include": "externalIdentifiers,contacts",
            "access_token": "abc",
            "apiKey": "k",
            "signature": "s",
            "name": "a b&c",
        }
    )
    assert query == (
        "deleted=exclude&include=externalIdentifiers,contacts"
        "&access_token=redacted&apiKey=redacted&signature=redacted&name=a%20b%26c"
    )


def test_an_explanation_lists_a_bounded_number_of_calls(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(record_module, "MAX_EXPLAINED_CALLS", 2)
    record = RequestRecord(explain=True)
    for n in range(3):
        call = UpstreamCall("GET", f"/api/clients/{n}", "", attempts=2, status=200)
        record.call_started(call)
        record.call_ended(2, 1.5)
    explained = record.explanation()
    assert [c["path"] for c in explained["calls"]] == [
        "/api/clients/0",
        "/api/clients/1",
    ]
    assert explained["totals"] == {"calls": 3, "attempts": 6, "durationMs": 4.5}
