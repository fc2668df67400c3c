"""Header checks: 401, then 412, then 403, before validation and lookup."""

from __future__ import annotations

import httpx
import pytest

from wethod_graphql.demo import (
    DEMO_COMPANY,
    DEMO_TOKEN,
    GLOBEX_COMPANY,
    GLOBEX_TOKEN,
    NO_CRM_TOKEN,
    DemoApi,
)

from .support import VERSION, assert_error, auth_headers, client_for

# Every later check would fail too: proves which one runs first.
BAD_QUERY = "/api/clients/9999?include=nope&deleted=nope"


async def get(
    api: DemoApi, headers: dict[str, str], path: str = BAD_QUERY
) -> httpx.Response:
    async with client_for(api, headers) as http:
        return await http.get(path)


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Basic ZGVtbzpkZW1v",
        "Bearer wrong-token",
        DEMO_TOKEN,
    ],
)
async def test_missing_or_unknown_token_is_401_first(
    api: DemoApi, authorization: str | None
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    response = await get(api, headers)
    assert_error(response, 401, "unauthorized")
    assert response.headers["www-authenticate"] == "Bearer"


async def test_bearer_scheme_is_case_insensitive(api: DemoApi) -> None:
    headers = {**auth_headers(), "Authorization": f"bearer {DEMO_TOKEN}"}
    response = await get(api, headers, "/api/clients/1")
    assert response.status_code == 200


@pytest.mark.parametrize("missing", ["Wethod-Company", "Wethod-Version"])
async def test_missing_company_or_version_is_412_after_the_token(
    api: DemoApi, missing: str
) -> None:
    headers = {k: v for k, v in auth_headers(NO_CRM_TOKEN, GLOBEX_COMPANY).items()}
    del headers[missing]
    body = assert_error(await get(api, headers), 412, "precondition_failure")
    assert missing in str(body["message"])


async def test_empty_company_header_is_412(api: DemoApi) -> None:
    headers = {**auth_headers(), "Wethod-Company": " "}
    assert_error(await get(api, headers), 412, "precondition_failure")


async def test_token_without_crm_view_is_403_before_validation(api: DemoApi) -> None:
    body = assert_error(await get(api, auth_headers(NO_CRM_TOKEN)), 403, "forbidden")
    assert "crm.view" in str(body["message"])


@pytest.mark.parametrize(
    ("token", "company"),
    [
        (DEMO_TOKEN, GLOBEX_COMPANY),
        (GLOBEX_TOKEN, DEMO_COMPANY),
        (DEMO_TOKEN, "initech"),
    ],
)
async def test_token_used_with_another_company_is_403(
    api: DemoApi, token: str, company: str
) -> None:
    body = assert_error(await get(api, auth_headers(token, company)), 403, "forbidden")
    assert company in str(body["message"])


async def test_good_headers_reach_validation_then_lookup(api: DemoApi) -> None:
    assert_error(await get(api, auth_headers()), 400, "invalid_data")
    assert_error(await get(api, auth_headers(), "/api/clients/9999"), 404, "not_found")


async def test_list_endpoint_runs_the_same_checks(api: DemoApi) -> None:
    path = "/api/clients?limit=0"
    assert_error(await get(api, {}, path), 401, "unauthorized")
    no_version = {"Authorization": f"Bearer {DEMO_TOKEN}", "Wethod-Company": "acme"}
    assert_error(await get(api, no_version, path), 412, "precondition_failure")
    assert_error(await get(api, auth_headers(NO_CRM_TOKEN), path), 403, "forbidden")
    assert_error(await get(api, auth_headers(), path), 400, "invalid_data")
    good = await get(api, {**auth_headers(), "Wethod-Version": VERSION}, "/api/clients")
    assert good.status_code == 200
