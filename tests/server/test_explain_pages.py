"""`Wethod-Explain: 1` for list calls: each page names the field it served."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import DEMO_HEADERS, Service, fast_settings

EXPLAIN = {**DEMO_HEADERS, "wethod-explain": "1"}


@pytest.fixture
def settings() -> Any:
    return fast_settings(explain=True)


async def test_a_page_call_names_its_connection(service: Service) -> None:
    body = await service.query(
        """{
          first: clientsConnection(first: 2) { edges { node { id } } }
          again: clientsConnection(first: 2) { pageInfo { hasNextPage } }
          other: clientsConnection(first: 100) { edges { cursor } }
        }""",
        headers=EXPLAIN,
    )
    assert "errors" not in body
    calls = body["extensions"]["upstream"]["calls"]
    by_query = {call["query"]: call["paths"] for call in calls}
    assert by_query == {
        "limit=3&offset=0&deleted=exclude": [["first"], ["again"]],
        "limit=100&offset=0&deleted=exclude": [["other"]],
        "limit=1&offset=100&deleted=exclude": [["other"]],
    }
    assert len(calls) == len(service.demo.requests_to("/api/clients", items=False))
