"""wethod-graphql as a federation v2 subgraph, proven with real Node tooling.

`@apollo/composition` composes the SDL `wethod-graphql schema` prints with a
projects subgraph (no errors, no hints), and an `@apollo/gateway` over that
supergraph resolves the projects' `Client` references through the live service
(under uvicorn on loopback, over the demo API in-process): one `_entities`
fetch, one REST call per distinct client, `deleted=include`, and
`include=externalIdentifiers` only when selected.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import DEMO_HEADERS
from tests.federation.conftest import (
    CLIENT_IDS,
    Child,
    Composition,
    LiveService,
    NodeTools,
    compose,
)
from wethod_graphql.demo.data import ACME, clients_of

pytestmark = pytest.mark.node

PROJECT_COUNT = 25
DELETED = {7, 14}

WITH_IDENTIFIERS = "externalIdentifiers { externalId type }"
PROJECTS_QUERY = """
{ projects { id name client { id corporateName deletedAt %s } } }
"""
DIRECT_QUERY = """
query($ids: [ID!]!) {
  clients(ids: $ids, deleted: INCLUDE) { id corporateName deletedAt %s }
}
"""


def post(
    http: httpx.Client,
    url: str,
    query: str,
    variables: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    response = http.post(
        url,
        json={"query": query, "variables": variables or {}},
        headers=DEMO_HEADERS if headers is None else headers,
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def client_of_project(number: int) -> int:
    """The client id the projects subgraph gives project `number` (1..25)."""
    return CLIENT_IDS[(number - 1) % len(CLIENT_IDS)]


@pytest.fixture(scope="module")
def direct_clients(
    http: httpx.Client, live_service: LiveService
) -> dict[str, dict[str, Any]]:
    """What the service itself answers for CLIENT_IDS, by id (archived included)."""
    ids = [str(i) for i in CLIENT_IDS]
    body = post(http, live_service.url, DIRECT_QUERY % WITH_IDENTIFIERS, {"ids": ids})
    assert "errors" not in body, body["errors"]
    clients = body["data"]["clients"]
    assert [c["id"] for c in clients] == ids
    return {c["id"]: c for c in clients}


# --- composition --------------------------------------------------------------


def test_printed_schema_composes_without_errors_or_hints(
    composition: Composition, live_service: LiveService, projects: Child
) -> None:
    assert composition.returncode == 0, composition.stderr
    assert composition.stderr == ""  # a hint would be printed (and exit 3)
    supergraph = composition.supergraph.read_text()
    assert (
        f'CLIENTS @join__graph(name: "clients", url: "{live_service.url}")'
        in supergraph
    )
    assert (
        f'PROJECTS @join__graph(name: "projects", url: "{projects.url}")' in supergraph
    )
    assert '@join__type(graph: CLIENTS, key: "id")' in supergraph
    assert '@join__type(graph: PROJECTS, key: "id", resolvable: false)' in supergraph


def test_live_sdl_composes_to_the_same_supergraph(
    node_tools: NodeTools,
    composition: Composition,
    live_service: LiveService,
    projects: Child,
    workdir: Path,
) -> None:
    """`{ _service { sdl } }` of the running service is as good as the printed SDL."""
    live = compose(
        node_tools,
        [f"clients={live_service.url}", f"projects={projects.url}"],
        workdir / "supergraph-live.graphql",
    )
    assert (live.returncode, live.stderr) == (0, "")
    assert live.supergraph.read_text() == composition.supergraph.read_text()


# --- the gateway --------------------------------------------------------------


def test_direct_answer_matches_the_demo_data(
    direct_clients: dict[str, dict[str, Any]],
) -> None:
    """The reference the gateway's answer is held to, checked against the data."""
    data = clients_of(ACME)
    for cid in CLIENT_IDS:
        record, got = data[cid], direct_clients[str(cid)]
        assert got["corporateName"] == record.corporate_name
        if record.deleted_at is None:
            assert got["deletedAt"] is None
        else:
            assert datetime.fromisoformat(got["deletedAt"]) == record.deleted_at
        assert got["externalIdentifiers"] == [
            {"externalId": i.external_id, "type": i.type}
            for i in record.external_identifiers
        ]
    assert {cid for cid in CLIENT_IDS if data[cid].deleted} == DELETED
    assert direct_clients["1"]["externalIdentifiers"] == [
        {"externalId": "SF-0001", "type": "salesforce"},
        {"externalId": "HS-100037", "type": "hubspot"},
    ]


@pytest.mark.parametrize(
    "identifiers", [True, False], ids=["with-identifiers", "without-identifiers"]
)
def test_gateway_resolves_every_reference_with_one_call_per_client(
    http: httpx.Client,
    gateway: Child,
    live_service: LiveService,
    direct_clients: dict[str, dict[str, Any]],
    identifiers: bool,
) -> None:
    demo = live_service.demo
    demo.reset()
    live_service.recorder.bodies.clear()

    selection = WITH_IDENTIFIERS if identifiers else ""
    body = post(http, gateway.url, PROJECTS_QUERY % selection)

    assert "errors" not in body, body["errors"]
    expected: list[dict[str, Any]] = []
    for number in range(1, PROJECT_COUNT + 1):
        client = dict(direct_clients[str(client_of_project(number))])
        if not identifiers:
            del client["externalIdentifiers"]
        expected.append(
            {"id": str(number), "name": f"Project {number:02d}", "client": client}
        )
    assert body == {"data": {"projects": expected}}
    archived = {p["client"]["id"] for p in expected if p["client"]["deletedAt"]}
    assert archived == {str(i) for i in DELETED}

    # The demo API: exactly one call per distinct client, all with the filter
    # `deleted=include`, the include only when selected, credentials forwarded.
    requests = demo.requests
    assert len(requests) == len(CLIENT_IDS), [(r.path, r.query) for r in requests]
    assert sorted(r.client_id or 0 for r in requests) == sorted(CLIENT_IDS)
    wanted = {"deleted": "include"}
    if identifiers:
        wanted["include"] = "externalIdentifiers"
    assert [r.query for r in requests] == [wanted] * len(CLIENT_IDS)
    assert all(r.status == 200 for r in requests)
    for request in requests:
        assert request.headers["authorization"] == DEMO_HEADERS["authorization"]
        assert request.headers["wethod-company"] == DEMO_HEADERS["wethod-company"]

    # The service: the gateway sent one `_entities` operation for all of them,
    # one representation per project: @apollo/gateway 2.14 does not dedupe
    # them, so the 25 -> 10 above is the service's loader merging equal keys.
    sent = [json.loads(b) for b in live_service.recorder.bodies]
    assert len(sent) == 1, sent
    assert "_entities" in sent[0]["query"]
    representations = sent[0]["variables"]["representations"]
    assert representations == [
        {"__typename": "Client", "id": str(client_of_project(n))}
        for n in range(1, PROJECT_COUNT + 1)
    ]


def test_gateway_without_credentials_calls_nothing_upstream(
    http: httpx.Client, gateway: Child, live_service: LiveService
) -> None:
    """`_entities` applies the root fields' credential rules: no call, per-item errors."""
    demo = live_service.demo
    demo.reset()
    body = post(http, gateway.url, PROJECTS_QUERY % "", headers={})
    # The gateway keeps the key it already had and nulls what the subgraph
    # could not give; each reference carries its own error.
    assert body["data"]["projects"] == [
        {
            "id": str(n),
            "name": f"Project {n:02d}",
            "client": {
                "id": str(client_of_project(n)),
                "corporateName": None,
                "deletedAt": None,
            },
        }
        for n in range(1, PROJECT_COUNT + 1)
    ]
    errors = body["errors"]
    assert sorted(e["path"][1] for e in errors) == list(range(PROJECT_COUNT))
    assert all(e["path"][::2] == ["projects", "client"] for e in errors)
    assert {e["extensions"]["code"] for e in errors} == {"UNAUTHENTICATED"}
    assert demo.requests == []


def test_gateway_forwards_the_request_id_to_the_upstream(
    http: httpx.Client, gateway: Child, live_service: LiveService
) -> None:
    demo = live_service.demo
    demo.reset()
    headers = {**DEMO_HEADERS, "x-request-id": "federation-proof-1"}
    body = post(
        http,
        gateway.url,
        "{ projects(first: 3) { client { id corporateName } } }",
        headers=headers,
    )
    assert "errors" not in body, body["errors"]
    data = clients_of(ACME)
    assert [p["client"] for p in body["data"]["projects"]] == [
        {"id": str(i), "corporateName": data[i].corporate_name} for i in CLIENT_IDS[:3]
    ]
    requests = demo.requests
    assert len(requests) == 3
    assert {r.headers.get("x-request-id") for r in requests} == {"federation-proof-1"}
