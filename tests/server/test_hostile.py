"""Requests that are not GraphQL get a 4xx GraphQL error body, never a 500."""

from __future__ import annotations

import json

import pytest

from tests.conftest import DEMO_HEADERS, Service

JSON_HEADERS = {**DEMO_HEADERS, "content-type": "application/json"}
DEEP = "[" * 3000 + "]" * 3000


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"null", "application/json"),
        (b'"a string"', "application/json"),
        (b"42", "application/json"),
        (b"{not json", "application/json"),
        (b'{"query": "\xff\xfe"}', "application/json"),
        (
            f'{{"query": "{{ __typename }}", "variables": {{"a": {DEEP}}}}}'.encode(),
            "application/json",
        ),
        (b'[{"query": "{ __typename }"}]', "application/json"),
        (b"{ __typename }", "text/plain"),
        (b"", "application/json"),
    ],
    ids=[
        "null",
        "string",
        "number",
        "broken",
        "bad utf-8",
        "deep",
        "batch",
        "text",
        "empty",
    ],
)
async def test_malformed_bodies_are_400_with_a_code(
    service: Service, body: bytes, content_type: str
) -> None:
    response = await service.http.post(
        "/graphql", content=body, headers={**DEMO_HEADERS, "content-type": content_type}
    )
    assert 400 <= response.status_code < 500, response.text
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] in {"BAD_REQUEST", "GRAPHQL_PARSE_FAILED"}
    assert service.demo.requests == []


async def test_deep_variables_over_get_are_400(service: Service) -> None:
    response = await service.http.get(
        "/graphql",
        params={"query": "{ __typename }", "variables": f'{{"a": {DEEP}}}'},
        headers=DEMO_HEADERS,
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_unknown_operation_name_is_400(service: Service) -> None:
    response = await service.http.post(
        "/graphql",
        content=json.dumps({"query": "query A { __typename }", "operationName": "B"}),
        headers=JSON_HEADERS,
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_several_operations_need_an_operation_name(service: Service) -> None:
    query = 'query A { client(id: "1") { id } } query B { client(id: "2") { id } }'
    ambiguous = await service.query(query)
    assert ambiguous["data"] is None
    assert ambiguous["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert service.demo.requests == []
    response = await service.http.post(
        "/graphql", json={"query": query, "operationName": "B"}, headers=DEMO_HEADERS
    )
    assert response.json() == {"data": {"client": {"id": "2"}}}
