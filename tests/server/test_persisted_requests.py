"""Persisted operations over HTTP: Apollo's protocol over POST and GET, and
a manifest of trusted documents, with and without `WETHOD_PERSISTED_ONLY`."""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import DEMO_HEADERS, Service, codes, fast_settings, start_service
from wethod_graphql.config import Settings
from wethod_graphql.demo import DemoApi
from wethod_graphql.errors import ConfigError

QUERY = 'query One { client(id: "1") { id corporateName } }'
ANSWER = {"client": {"id": "1", "corporateName": "Rossi Arredamenti S.r.l."}}
TRUSTED = 'query Trusted { client(id: "2") { id } }'


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def persisted(text: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha(text)}}


async def post(service: Service, body: dict[str, Any]) -> httpx.Response:
    return await service.http.post("/graphql", json=body, headers=DEMO_HEADERS)


async def get(service: Service, **params: Any) -> httpx.Response:
    encoded = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
    return await service.http.get("/graphql", params=encoded, headers=DEMO_HEADERS)


def error(response: httpx.Response) -> dict[str, Any]:
    body = response.json()
    assert "data" not in body
    (only,) = body["errors"]
    assert isinstance(only, dict)
    return only


@pytest.fixture
def manifest(tmp_path: Path) -> Path:
    path = tmp_path / "persisted-documents.json"
    path.write_text(json.dumps({"trusted-1": TRUSTED}))
    return path


@pytest.fixture
async def trusting(
    manifest: Path, demo: DemoApi, request: pytest.FixtureRequest
) -> AsyncIterator[Service]:
    only, in_demo = request.param
    settings = fast_settings(
        persisted_operations=manifest, persisted_only=only, demo=in_demo
    )
    async with start_service(settings, demo) as running:
        yield running


async def test_a_hash_misses_then_registers_with_its_text_then_hits(
    service: Service,
) -> None:
    missed = await post(service, {"extensions": persisted(QUERY)})
    assert missed.status_code == 404
    assert error(missed) == {
        "message": "PersistedQueryNotFound",
        "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"},
    }
    assert service.demo.client_requests() == []
    registered = await post(service, {"query": QUERY, "extensions": persisted(QUERY)})
    assert registered.json() == {"data": ANSWER}
    by_post = await post(service, {"extensions": persisted(QUERY)})
    by_get = await get(service, extensions=persisted(QUERY))
    assert by_post.json() == by_get.json() == {"data": ANSWER}
    assert len(service.demo.client_requests()) == 3


async def test_a_hash_registered_over_get_answers_over_post(service: Service) -> None:
    missed = await get(service, extensions=persisted(QUERY))
    assert missed.status_code == 404
    registered = await get(service, query=QUERY, extensions=persisted(QUERY))
    assert registered.json() == {"data": ANSWER}
    assert (await post(service, {"extensions": persisted(QUERY)})).json() == {
        "data": ANSWER
    }


async def test_variables_and_operation_name_travel_beside_the_hash(
    service: Service,
) -> None:
    text = "query A($id: ID!) { client(id: $id) { id } } query B { __typename }"
    body = {"query": text, "extensions": persisted(text), "operationName": "A"}
    await post(service, {**body, "variables": {"id": "2"}})
    again = await post(
        service,
        {"extensions": persisted(text), "operationName": "A", "variables": {"id": "3"}},
    )
    assert again.json() == {"data": {"client": {"id": "3"}}}


async def test_a_mismatched_hash_is_a_bad_request_and_runs_nothing(
    service: Service,
) -> None:
    refused = await post(
        service, {"query": QUERY, "extensions": persisted("{ __typename }")}
    )
    assert refused.status_code == 400
    assert error(refused)["extensions"] == {"code": "BAD_REQUEST"}
    assert service.demo.client_requests() == []


async def test_an_invalid_text_is_answered_but_never_registered(
    service: Service,
) -> None:
    text = "{ client(id: 1) { nope } }"
    answered = await post(service, {"query": text, "extensions": persisted(text)})
    assert codes(answered.json()) == ["GRAPHQL_VALIDATION_FAILED"]
    missed = await post(service, {"extensions": persisted(text)})
    assert error(missed)["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


@pytest.mark.parametrize("trusting", [(False, False)], indirect=True)
async def test_manifest_documents_run_by_hash_and_by_id(trusting: Service) -> None:
    by_hash = await post(trusting, {"extensions": persisted(TRUSTED)})
    assert by_hash.json() == {"data": {"client": {"id": "2"}}}
    by_id = await get(
        trusting,
        extensions={"persistedQuery": {"version": 1, "sha256Hash": "trusted-1"}},
    )
    assert by_id.json() == {"data": {"client": {"id": "2"}}}
    free = await post(trusting, {"query": QUERY})
    assert free.json() == {"data": ANSWER}


@pytest.mark.parametrize("trusting", [(True, False)], indirect=True)
async def test_persisted_only_refuses_every_other_document(trusting: Service) -> None:
    assert (await post(trusting, {"query": TRUSTED})).json() == {
        "data": {"client": {"id": "2"}}
    }
    for body in (
        {"query": QUERY},
        {"query": QUERY, "extensions": persisted(QUERY)},
    ):
        refused = await post(trusting, body)
        assert refused.status_code == 403
        assert error(refused)["extensions"] == {"code": "PERSISTED_QUERY_NOT_ALLOWED"}
    missed = await post(trusting, {"extensions": persisted(QUERY)})
    assert missed.status_code == 404
    assert [r.client_id for r in trusting.demo.client_requests()] == [2]


@pytest.mark.parametrize("trusting", [(True, True)], indirect=True)
async def test_persisted_only_is_not_enforced_in_demo_mode(trusting: Service) -> None:
    assert (await post(trusting, {"query": QUERY})).json() == {"data": ANSWER}


def test_a_manifest_document_that_does_not_validate_stops_start_up(
    tmp_path: Path,
) -> None:
    from wethod_graphql.server.app import create_app

    path = tmp_path / "manifest.json"
    path.write_text(json.dumps({"bad": "{ client(id: 1) { nope } }"}))
    with pytest.raises(
        ConfigError, match="WETHOD_PERSISTED_OPERATIONS: document 'bad'"
    ):
        create_app(Settings(persisted_operations=path))
