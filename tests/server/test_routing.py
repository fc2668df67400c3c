"""An unknown path or a wrong method: JSON with a code, like every other answer."""

from __future__ import annotations

from tests.conftest import Service, codes
from wethod_graphql.server.media import GRAPHQL_RESPONSE, JSON


async def test_unknown_paths_are_404_not_found(service: Service) -> None:
    response = await service.http.get("/nope")
    assert response.status_code == 404
    assert response.headers["content-type"] == JSON
    assert codes(response.json()) == ["NOT_FOUND"]


async def test_the_404_follows_accept(service: Service) -> None:
    response = await service.http.get("/nope", headers={"accept": GRAPHQL_RESPONSE})
    assert response.headers["content-type"] == GRAPHQL_RESPONSE


async def test_wrong_methods_are_405_with_allow(service: Service) -> None:
    response = await service.http.post("/healthz")
    assert response.status_code == 405
    assert set(response.headers["allow"].split(", ")) == {"GET", "HEAD"}
    assert codes(response.json()) == ["METHOD_NOT_ALLOWED"]
