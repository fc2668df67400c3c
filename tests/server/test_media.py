"""GraphQL over HTTP: `application/graphql-response+json` when the client asks."""

from __future__ import annotations

import pytest

from tests.conftest import DEMO_HEADERS, Service
from wethod_graphql.server.media import GRAPHQL_RESPONSE, JSON, preferred_media_type

MODERN = {**DEMO_HEADERS, "accept": f"{GRAPHQL_RESPONSE}, {JSON};q=0.9"}


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, JSON),
        ("*/*", JSON),
        (JSON, JSON),
        (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
        (f"{JSON}, {GRAPHQL_RESPONSE}", GRAPHQL_RESPONSE),
        (f"{GRAPHQL_RESPONSE};q=0.5, {JSON}", JSON),
        (f"{GRAPHQL_RESPONSE};q=0, {JSON}", JSON),
        (f"{GRAPHQL_RESPONSE};q=oops", JSON),
    ],
)
def test_preferred_media_type(accept: str | None, expected: str) -> None:
    assert preferred_media_type(accept) == expected


@pytest.mark.parametrize(
    "query",
    [
        "{ client(id: ",
        '{ client(id: "1") { nope } }',
    ],
    ids=["parse error", "validation error"],
)
async def test_request_errors_are_400_without_data(
    service: Service, query: str
) -> None:
    response = await service.http.post(
        "/graphql", json={"query": query}, headers=MODERN
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == GRAPHQL_RESPONSE
    body = response.json()
    assert "data" not in body
    assert body["errors"][0]["extensions"]["code"].startswith("GRAPHQL_")


async def test_bad_variables_are_a_request_error(service: Service) -> None:
    response = await service.http.post(
        "/graphql",
        json={"query": "query($id: ID!) { client(id: $id) { id } }", "variables": {}},
        headers=MODERN,
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_field_errors_are_200_with_data(service: Service) -> None:
    response = await service.http.post(
        "/graphql", json={"query": '{ client(id: "9999") { id } }'}, headers=MODERN
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == GRAPHQL_RESPONSE
    assert response.json()["data"] == {"client": None}


async def test_json_clients_keep_200_and_null_data(service: Service) -> None:
    response = await service.http.post(
        "/graphql", json={"query": "{ client(id: "}, headers=DEMO_HEADERS
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == JSON
    assert response.json()["data"] is None
