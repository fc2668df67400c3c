"""What goes over the wire: path, query string and headers of each call.

Every request is checked twice: as aiohttp sent it (the `Recorder`) and as
the demo API received it (its request log).
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from starlette.datastructures import Secret

from wethod_graphql import __version__
from wethod_graphql.demo import (
    DEMO_COMPANY,
    DEMO_TOKEN,
    GLOBEX_COMPANY,
    GLOBEX_TOKEN,
    DemoApi,
)
from wethod_graphql.errors import (
    InputError,
    PreconditionFailed,
    Unauthenticated,
    UpstreamBadRequest,
)
from wethod_graphql.upstream import (
    Caller,
    ClientRecord,
    Deleted,
    UpstreamClient,
    parse_client_id,
)
from wethod_graphql.upstream.caller import _is_company
from wethod_graphql.upstream.http import USER_AGENT
from wethod_graphql.upstream.resources import CLIENTS, Relation

from .conftest import caller, over_loopback

TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
TRACESTATE = "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7"
REQUEST_ID = "req-7f3a.b2:c/d+e=f"

#: What a request may carry besides the contract's headers: the HTTP client's.
TRANSPORT_HEADERS = {"host"}
#: The service's own headers, the same on every request.
OWN_HEADERS = {
    "wethod-version": "2024-06-15",
    "accept": "application/json",
    "accept-encoding": "gzip, deflate",
    "user-agent": USER_AGENT,
}
CONTRACT_HEADERS = {
    "authorization",
    "wethod-company",
    *OWN_HEADERS,
    "traceparent",
    "tracestate",
    "x-request-id",
}

#: An incoming request as a browser behind a proxy would send it.
HOSTILE_INCOMING = {
    "Authorization": f"Bearer {DEMO_TOKEN}",
    "Wethod-Company": DEMO_COMPANY,
    "Wethod-Version": "1999-01-01",
    "Host": "facade.example.com",
    "Cookie": "session=abc; csrftoken=def",
    "X-Forwarded-For": "203.0.113.7",
    "X-Forwarded-Host": "evil.example.com",
    "Forwarded": "for=203.0.113.7;proto=https",
    "X-Real-IP": "203.0.113.7",
    "X-Api-Key": "leaked-key",
    "Proxy-Authorization": "Basic Zm9vOmJhcg==",
    "Origin": "https://evil.example.com",
    "Referer": "https://evil.example.com/page",
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64)",
    "Accept": "text/html",
    "Accept-Language": "it-IT",
    "Content-Type": "application/json",
    "Content-Length": "123",
    "X-Wethod-Impersonate": "admin",
    "traceparent": TRACEPARENT,
    "tracestate": TRACESTATE,
    "X-Request-Id": REQUEST_ID,
}

# One id per filter that the filter lets through (7 is a deleted client).
FILTER_IDS = {
    Deleted.EXCLUDE: 1,
    Deleted.INCLUDE: 7,
    Deleted.ONLY: 7,
}


@pytest.mark.parametrize("deleted", list(Deleted))
@pytest.mark.parametrize(
    ("include", "query_include"),
    [(frozenset(), None), (frozenset({"externalIdentifiers"}), "externalIdentifiers")],
)
async def test_exact_request_for_each_include_and_filter(
    demo: DemoApi,
    deleted: Deleted,
    include: frozenset[str],
    query_include: str | None,
) -> None:
    client_id = FILTER_IDS[deleted]
    async with over_loopback(demo) as (upstream, recorder):
        record = await upstream.get(
            CLIENTS, client_id, caller(), include=include, deleted=deleted
        )

    assert record.id == client_id
    assert (record.external_identifiers is not None) == bool(include)
    [sent] = recorder.requests
    expected_query = f"deleted={deleted.value}"
    if query_include is not None:
        expected_query += f"&include={query_include}"
    assert sent.method == "GET"
    assert sent.url.path == f"/api/clients/{client_id}"
    assert sent.url.raw_query_string == expected_query

    [seen] = demo.requests
    assert (seen.method, seen.path) == ("GET", f"/api/clients/{client_id}")
    expected = {"deleted": deleted.value}
    if query_include is not None:
        expected["include"] = query_include
    assert seen.query == expected
    assert seen.status == 200
    assert seen.headers["authorization"] == f"Bearer {DEMO_TOKEN}"
    assert seen.headers["wethod-company"] == DEMO_COMPANY
    assert {name: seen.headers[name] for name in OWN_HEADERS} == OWN_HEADERS
    assert set(seen.headers) - TRANSPORT_HEADERS == {
        "authorization",
        "wethod-company",
        *OWN_HEADERS,
    }
    # What aiohttp sent is exactly what arrived: no header of its own choosing.
    assert {k.lower(): v for k, v in sent.headers.items()} == seen.headers


def test_user_agent_names_the_product_and_its_version() -> None:
    assert USER_AGENT.split("/") == ["wethod-graphql", __version__]


async def test_include_is_sorted_and_comma_joined(demo: DemoApi) -> None:
    # Only one relation exists today: pretend there are more, as dot-paths.
    # The demo knows none of the new ones, so it answers a real 400.
    members = Relation("members", "members", "Client", ClientRecord)
    pretend = replace(
        CLIENTS,
        relations=(
            *CLIENTS.relations,
            Relation("group", "group", "Client", ClientRecord, (members,)),
            Relation("bankAccount", "bank_account", "Client", ClientRecord),
        ),
    )
    assert pretend.includes == CLIENTS.includes | {
        "group",
        "group.members",
        "bankAccount",
    }
    include = frozenset(
        ["group.members", "externalIdentifiers", "group", "bankAccount"]
    )
    async with over_loopback(demo) as (upstream, recorder):
        with pytest.raises(UpstreamBadRequest) as caught:
            await upstream.get(pretend, 1, caller(), include=include)

    [sent] = recorder.requests
    assert sent.url.query["include"] == (
        "bankAccount,externalIdentifiers,group,group.members"
    )
    assert demo.requests[0].query["include"] == (
        "bankAccount,externalIdentifiers,group,group.members"
    )
    # Never retried; the demo's own failure list comes through.
    assert len(demo.requests) == 1
    assert [f.field for f in caught.value.failures] == ["include"]
    assert "bankAccount" in caught.value.failures[0].message


async def test_include_is_omitted_when_empty(demo: DemoApi) -> None:
    async with over_loopback(demo) as (upstream, recorder):
        await upstream.get(CLIENTS, 1, caller(), include=frozenset())
    assert "include" not in recorder.requests[0].url.query
    assert demo.requests[0].query == {"deleted": "exclude"}


async def test_no_incoming_header_outside_the_contract_reaches_the_demo(
    demo: DemoApi,
) -> None:
    incoming = Caller.from_headers(HOSTILE_INCOMING)
    async with over_loopback(demo) as (upstream, _):
        record = await upstream.get(CLIENTS, 1, incoming)

    assert record.id == 1
    [seen] = demo.requests
    headers = seen.headers
    assert set(headers) - TRANSPORT_HEADERS == CONTRACT_HEADERS
    assert headers["authorization"] == f"Bearer {DEMO_TOKEN}"
    assert headers["wethod-company"] == DEMO_COMPANY
    # The configured version, the service's own Accept, encodings, User-Agent.
    assert {name: headers[name] for name in OWN_HEADERS} == OWN_HEADERS
    assert headers["traceparent"] == TRACEPARENT
    assert headers["tracestate"] == TRACESTATE
    assert headers["x-request-id"] == REQUEST_ID
    # Host is the upstream's, never the incoming one.
    assert "facade.example.com" not in headers["host"]
    leaked = {"leaked-key", "session=abc", "203.0.113.7", "evil.example.com", "admin"}
    for value in headers.values():
        assert not any(secret in value for secret in leaked), value


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7"),
        ("traceparent", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01"),
        ("traceparent", "garbage"),
        ("traceparent", TRACEPARENT + "\r\nx-injected: 1"),
        ("traceparent", TRACEPARENT + "\n"),
        ("tracestate", "a" * 513),
        ("tracestate", "congo=t61rcWkgMzE\u00e9"),
        ("tracestate", TRACESTATE + "\n"),
        ("x-request-id", "id with spaces"),
        ("x-request-id", "x" * 129),
        ("x-request-id", "abc\r\nx-injected: 1"),
        ("x-request-id", "abc\n"),
    ],
)
async def test_malformed_trace_headers_are_dropped(
    demo: DemoApi, name: str, value: str
) -> None:
    good = {"traceparent": TRACEPARENT, "tracestate": TRACESTATE}
    good["x-request-id"] = REQUEST_ID
    good[name] = value
    async with over_loopback(demo) as (upstream, _):
        record = await upstream.get(CLIENTS, 1, caller({**good, **_auth()}))
    assert record.id == 1
    headers = demo.requests[0].headers
    assert name not in headers
    assert "x-injected" not in headers
    # The well-formed ones still go through.
    for other in {"traceparent", "tracestate", "x-request-id"} - {name}:
        assert headers[other] == good[other]


async def test_a_request_id_given_by_the_service_replaces_the_incoming_one(
    demo: DemoApi,
) -> None:
    who = Caller.from_headers(
        {**_auth(), "x-request-id": "from-the-client"}, request_id="svc-42"
    )
    async with over_loopback(demo) as (upstream, _):
        await upstream.get(CLIENTS, 1, who)
    assert demo.requests[0].headers["x-request-id"] == "svc-42"


async def test_configured_token_and_company_are_used_when_the_caller_sends_none(
    demo: DemoApi,
) -> None:
    who = Caller.from_headers(
        {"cookie": "a=b"},
        default_token=Secret(DEMO_TOKEN),
        default_company=DEMO_COMPANY,
    )
    async with over_loopback(demo) as (upstream, _):
        record = await upstream.get(CLIENTS, 1, who)
    assert record.corporate_name == "Rossi Arredamenti S.r.l."
    headers = demo.requests[0].headers
    assert headers["authorization"] == f"Bearer {DEMO_TOKEN}"
    assert headers["wethod-company"] == DEMO_COMPANY
    assert "cookie" not in headers


async def test_the_callers_own_credentials_win_over_the_defaults(
    demo: DemoApi,
) -> None:
    who = Caller.from_headers(
        {"Authorization": f"bearer {GLOBEX_TOKEN}", "WETHOD-COMPANY": GLOBEX_COMPANY},
        default_token=Secret(DEMO_TOKEN),
        default_company=DEMO_COMPANY,
    )
    async with over_loopback(demo) as (upstream, _):
        record = await upstream.get(CLIENTS, 1, who)
    # Globex's client 1, not acme's.
    assert record.corporate_name == "Officine Bertolini S.r.l."
    headers = demo.requests[0].headers
    assert headers["authorization"] == f"Bearer {GLOBEX_TOKEN}"
    assert headers["wethod-company"] == GLOBEX_COMPANY


async def test_the_callers_token_with_the_default_company(demo: DemoApi) -> None:
    who = Caller.from_headers(
        {"authorization": f"Bearer {DEMO_TOKEN}"}, default_company=DEMO_COMPANY
    )
    async with over_loopback(demo) as (upstream, _):
        record = await upstream.get(CLIENTS, 2, who)
    assert record.id == 2
    assert demo.requests[0].headers["wethod-company"] == DEMO_COMPANY


@pytest.mark.parametrize(
    ("headers", "error"),
    [
        ({"wethod-company": DEMO_COMPANY}, Unauthenticated),
        ({"authorization": "", "wethod-company": DEMO_COMPANY}, Unauthenticated),
        (
            {"authorization": "Basic Zm9vOmJhcg==", "wethod-company": "acme"},
            Unauthenticated,
        ),
        ({"authorization": "Bearer", "wethod-company": DEMO_COMPANY}, Unauthenticated),
        ({"authorization": f"Bearer {DEMO_TOKEN}"}, PreconditionFailed),
        (
            {"authorization": f"Bearer {DEMO_TOKEN}", "wethod-company": " "},
            PreconditionFailed,
        ),
        (
            {"authorization": f"Bearer {DEMO_TOKEN}", "wethod-company": "a.b/c"},
            InputError,
        ),
        ({}, Unauthenticated),
    ],
)
async def test_missing_or_bad_credentials_fail_before_any_request(
    upstream: UpstreamClient,
    demo: DemoApi,
    headers: dict[str, str],
    error: type[Exception],
) -> None:
    with pytest.raises(error) as caught:
        await upstream.get(CLIENTS, 1, Caller.from_headers(headers))
    assert type(caught.value) is error
    assert demo.requests == []
    # Decided locally: no upstream status or key.
    assert getattr(caught.value, "status", None) is None
    assert getattr(caught.value, "key", None) is None


@pytest.mark.parametrize(
    "client_id",
    [
        "0",
        "-1",
        "abc",
        "1.0",
        "1" * 40,
        "",
        " 1",
        "1 ",
        "1\n",
        "+1",
        "0x1",
        "\u0661",
        0,
        -5,
    ],
)
async def test_invalid_ids_fail_before_any_request(
    upstream: UpstreamClient, demo: DemoApi, client_id: str | int
) -> None:
    with pytest.raises(InputError):
        await upstream.get(CLIENTS, client_id, caller())
    with pytest.raises(InputError):
        parse_client_id(client_id)
    assert demo.requests == []


@pytest.mark.parametrize(("client_id", "number"), [("1", 1), (60, 60), ("43", 43)])
async def test_valid_ids_in_text_or_number(
    upstream: UpstreamClient, demo: DemoApi, client_id: str | int, number: int
) -> None:
    record = await upstream.get(CLIENTS, client_id, caller())
    assert record.id == number
    assert demo.requests[0].path == f"/api/clients/{number}"


@pytest.mark.parametrize(
    "include",
    [
        frozenset({"externalidentifiers"}),
        frozenset({"externalIdentifiers", "owner"}),
        frozenset({"externalIdentifiers.items"}),
        frozenset({""}),
    ],
)
async def test_unknown_include_fails_before_any_request(
    upstream: UpstreamClient, demo: DemoApi, include: frozenset[str]
) -> None:
    with pytest.raises(InputError):
        await upstream.get(CLIENTS, 1, caller(), include=include)
    assert demo.requests == []


def _auth() -> dict[str, str]:
    return {"authorization": f"Bearer {DEMO_TOKEN}", "wethod-company": DEMO_COMPANY}


@pytest.mark.parametrize("company", ["a" * 64, "a" * 10_000])
def test_a_company_longer_than_a_slug_is_refused_and_never_kept(company: str) -> None:
    kept = _is_company.cache_info().currsize
    who = Caller.from_headers({**_auth(), "wethod-company": company})
    assert isinstance(who.problem, InputError)
    assert _is_company.cache_info().currsize == kept
    # The longest slug is still one, and checked the usual way.
    assert Caller.from_headers({**_auth(), "wethod-company": "a" * 63}).problem is None
