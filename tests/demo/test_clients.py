"""GET /api/clients/{id}: bodies, include, deleted filter, validation, 404."""

from __future__ import annotations

import re

import httpx
import pytest

from wethod_graphql.demo import GLOBEX_COMPANY, GLOBEX_TOKEN, DemoApi
from wethod_graphql.demo.data import ACME, ACME_SIZE, clients_of, deleted_ids
from wethod_graphql.demo.model import CLIENT_FIELDS, IDENTIFIER_FIELDS

from .support import assert_error, auth_headers, client_for

DATETIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
DATETIME_FIELDS = ("created_at", "updated_at", "deleted_at")


async def test_client_has_every_contract_field_and_no_identifiers_by_default(
    http: httpx.AsyncClient,
) -> None:
    response = await http.get("/api/clients/1")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert list(body) == list(CLIENT_FIELDS)
    assert len(CLIENT_FIELDS) == 31
    assert body["id"] == 1
    assert body["corporate_name"] == "Rossi Arredamenti S.r.l."
    assert body["deleted_at"] is None
    assert "external_identifiers" not in body


async def test_datetimes_have_milliseconds_and_z_and_dates_are_plain(
    http: httpx.AsyncClient,
) -> None:
    body = (await http.get("/api/clients/18")).json()
    for name in ("created_at", "updated_at"):
        assert DATETIME.fullmatch(body[name]), body[name]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", body["intent_date"])
    deleted = (await http.get("/api/clients/7?deleted=include")).json()
    assert DATETIME.fullmatch(deleted["deleted_at"])


@pytest.mark.parametrize(
    "include",
    [
        "externalIdentifiers",
        " externalIdentifiers ,",
        "externalIdentifiers,externalIdentifiers",
    ],
)
async def test_include_adds_external_identifiers(
    http: httpx.AsyncClient, include: str
) -> None:
    response = await http.get("/api/clients/1", params={"include": include})
    assert response.status_code == 200
    identifiers = response.json()["external_identifiers"]
    assert [(i["id"], i["type"], i["external_id"]) for i in identifiers] == [
        (1, "salesforce", "SF-0001"),
        (2, "hubspot", "HS-100037"),
    ]
    for identifier in identifiers:
        assert list(identifier) == list(IDENTIFIER_FIELDS)
        assert DATETIME.fullmatch(identifier["created_at"])
        assert identifier["deleted_at"] is None


async def test_include_on_a_client_without_identifiers_is_an_empty_list(
    http: httpx.AsyncClient,
) -> None:
    body = (await http.get("/api/clients/2?include=externalIdentifiers")).json()
    assert body["external_identifiers"] == []
    third = (await http.get("/api/clients/4?include=externalIdentifiers")).json()
    assert DATETIME.fullmatch(third["external_identifiers"][2]["deleted_at"])


async def test_empty_include_means_none(http: httpx.AsyncClient) -> None:
    body = (await http.get("/api/clients/1?include=")).json()
    assert "external_identifiers" not in body


@pytest.mark.parametrize(
    "include",
    [
        "externalidentifiers",
        "owner",
        "externalIdentifiers,owner",
        "externalIdentifiers.type",
    ],
)
async def test_unknown_relation_is_400_on_include(
    http: httpx.AsyncClient, include: str
) -> None:
    response = await http.get("/api/clients/1", params={"include": include})
    body = assert_error(response, 400, "invalid_data")
    failures = body["failures"]
    assert isinstance(failures, list)
    assert [f["field"] for f in failures] == ["include"]
    assert "externalIdentifiers" in failures[0]["message"]


@pytest.mark.parametrize("deleted", ["", "all", "EXCLUDE", "true"])
async def test_bad_deleted_is_400_on_deleted(
    http: httpx.AsyncClient, deleted: str
) -> None:
    response = await http.get("/api/clients/1", params={"deleted": deleted})
    body = assert_error(response, 400, "invalid_data")
    assert [f["field"] for f in body["failures"]] == ["deleted"]


async def test_every_bad_parameter_is_listed_and_validation_comes_before_404(
    http: httpx.AsyncClient,
) -> None:
    response = await http.get("/api/clients/9999?include=x&deleted=y")
    body = assert_error(response, 400, "invalid_data")
    assert {f["field"] for f in body["failures"]} == {"include", "deleted"}


@pytest.mark.parametrize(
    ("cid", "deleted", "status"),
    [
        (1, None, 200),
        (1, "exclude", 200),
        (1, "include", 200),
        (1, "only", 404),
        (7, None, 404),
        (7, "exclude", 404),
        (7, "include", 200),
        (7, "only", 200),
    ],
)
async def test_deleted_filter(
    http: httpx.AsyncClient, cid: int, deleted: str | None, status: int
) -> None:
    params = {} if deleted is None else {"deleted": deleted}
    response = await http.get(f"/api/clients/{cid}", params=params)
    if status == 404:
        assert_error(response, 404, "not_found")
    else:
        assert response.status_code == 200
        assert response.json()["id"] == cid
        assert (response.json()["deleted_at"] is not None) == (cid in deleted_ids())


@pytest.mark.parametrize("cid", [0, ACME_SIZE + 1, 9999, 10**30])
async def test_missing_ids_are_404(http: httpx.AsyncClient, cid: int) -> None:
    body = assert_error(await http.get(f"/api/clients/{cid}"), 404, "not_found")
    assert str(cid) in str(body["message"])


@pytest.mark.parametrize("path", ["abc", "-1", "1.5", "1a", "%201"])
async def test_non_numeric_id_is_a_route_miss_even_without_token(
    api: DemoApi, path: str
) -> None:
    async with client_for(api, {}) as http:
        assert_error(await http.get(f"/api/clients/{path}"), 404, "not_found")


async def test_leading_zeros_name_the_same_client(http: httpx.AsyncClient) -> None:
    assert (await http.get("/api/clients/007?deleted=only")).json()["id"] == 7


async def test_unknown_path_and_method_get_json_errors(
    http: httpx.AsyncClient,
) -> None:
    assert_error(await http.get("/api/projects/1"), 404, "not_found")
    response = await http.post("/api/clients/1")
    assert_error(response, 405, "method_not_allowed")
    assert "GET" in response.headers["allow"]


async def test_every_acme_client_answers_with_its_own_data(
    http: httpx.AsyncClient,
) -> None:
    for cid, expected in clients_of(ACME).items():
        body = (await http.get(f"/api/clients/{cid}?deleted=include")).json()
        assert body["id"] == cid
        assert body["corporate_name"] == expected.corporate_name
        assert body["vat"] == expected.vat


async def test_companies_never_see_each_others_clients(api: DemoApi) -> None:
    async with client_for(api, auth_headers(GLOBEX_TOKEN, GLOBEX_COMPANY)) as globex:
        one = (await globex.get("/api/clients/1")).json()
        assert one["corporate_name"] == "Officine Bertolini S.r.l."
        assert_error(await globex.get("/api/clients/7"), 404, "not_found")
        assert_error(await globex.get("/api/clients/4"), 404, "not_found")
        assert (await globex.get("/api/clients/4?deleted=only")).status_code == 200
        listed = (await globex.get("/api/clients?deleted=include")).json()
    async with client_for(api) as acme:
        mine = (await acme.get("/api/clients/1")).json()
    assert mine["corporate_name"] != one["corporate_name"]
    assert [c["id"] for c in listed] == [1, 2, 3, 4, 5, 6]
    acme_names = {c.corporate_name for c in clients_of(ACME).values()}
    assert not acme_names & {c["corporate_name"] for c in listed}


async def test_error_content_leftover_repeats_key_and_message(
    http: httpx.AsyncClient,
) -> None:
    import json

    body = (await http.get("/api/clients/9999")).json()
    assert json.loads(body["content"]) == {
        "key": "not_found",
        "message": body["message"],
    }
    assert body["status_text"] == "Not Found"
