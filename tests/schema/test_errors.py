"""Upstream failures and bad input become stable `extensions.code`s."""

from __future__ import annotations

import logging

import pytest
from graphql import GraphQLError

from tests.conftest import DEMO_HEADERS, Service, codes, fast_settings
from wethod_graphql.demo import DEMO_COMPANY, DEMO_TOKEN, NO_CRM_TOKEN
from wethod_graphql.schema.errors import log_errors, public_error

QUERY = '{ client(id: "1") { id corporateName } }'
LEFTOVERS = ("headers", "content", "status_code", "status_text", "charset", "callback")


def assert_clean(body: dict[str, object]) -> None:
    """Nothing of the upstream's framework fields, URLs or the token leaks."""
    text = str(body)
    for word in (*LEFTOVERS, DEMO_TOKEN, "http://demo", "Traceback"):
        assert word not in text, word


UPSTREAM_FAULTS = [
    (400, "BAD_USER_INPUT"),
    (401, "UNAUTHENTICATED"),
    (403, "FORBIDDEN"),
    (404, "NOT_FOUND"),
    (412, "PRECONDITION_FAILED"),
    (429, "RATE_LIMITED"),
    (500, "UPSTREAM_UNAVAILABLE"),
    (502, "UPSTREAM_UNAVAILABLE"),
    (503, "UPSTREAM_UNAVAILABLE"),
    (504, "UPSTREAM_UNAVAILABLE"),
]


@pytest.mark.parametrize(("status", "code"), UPSTREAM_FAULTS)
async def test_upstream_status_maps_to_code(
    service: Service, status: int, code: str
) -> None:
    service.demo.faults.fail(1, status, times=10)
    body = await service.query(QUERY)
    assert body["data"] == {"client": None}
    [error] = body["errors"]
    assert error["path"] == ["client"]
    assert error["extensions"]["code"] == code
    assert error["extensions"]["upstream"]["status"] == status
    assert_clean(body)


async def test_bad_request_carries_failures(service: Service) -> None:
    service.demo.faults.fail(1, 400)
    [error] = (await service.query(QUERY))["errors"]
    assert error["extensions"]["upstream"]["key"] == "invalid_data"
    assert isinstance(error["extensions"]["failures"], list)
    assert error["extensions"]["failures"]
    assert set(error["extensions"]["failures"][0]) == {"field", "message"}


async def test_rate_limited_carries_retry_after(service: Service) -> None:
    # 30 s is beyond the retry cap: not waited for, reported instead.
    service.demo.faults.fail(1, 429, times=5, retry_after=30)
    [error] = (await service.query(QUERY))["errors"]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert error["extensions"]["retryAfter"] == 30
    assert len(service.demo.client_requests()) == 1


async def test_invalid_body_and_dropped_connection_are_unavailable(
    service: Service,
) -> None:
    service.demo.faults.invalid_body(1, times=10)
    assert codes(await service.query(QUERY)) == ["UPSTREAM_UNAVAILABLE"]


async def test_real_upstream_errors_from_the_demo(service: Service) -> None:
    forbidden = {
        "authorization": f"Bearer {NO_CRM_TOKEN}",
        "wethod-company": DEMO_COMPANY,
    }
    assert codes(await service.query(QUERY, headers=forbidden)) == ["FORBIDDEN"]
    unknown = {"authorization": "Bearer nobody", "wethod-company": DEMO_COMPANY}
    assert codes(await service.query(QUERY, headers=unknown)) == ["UNAUTHENTICATED"]


async def test_no_credentials_means_no_upstream_call(service: Service) -> None:
    body = await service.query(QUERY, headers={"wethod-company": DEMO_COMPANY})
    assert codes(body) == ["UNAUTHENTICATED"]
    malformed = {"authorization": "Basic abc", "wethod-company": DEMO_COMPANY}
    assert codes(await service.query(QUERY, headers=malformed)) == ["UNAUTHENTICATED"]
    no_company = {"authorization": DEMO_HEADERS["authorization"]}
    assert codes(await service.query(QUERY, headers=no_company)) == [
        "PRECONDITION_FAILED"
    ]
    bad_company = {**DEMO_HEADERS, "wethod-company": "a/../b"}
    assert codes(await service.query(QUERY, headers=bad_company)) == ["BAD_USER_INPUT"]
    assert service.demo.requests == []


@pytest.mark.parametrize("bad_id", ["abc", "0", "-1", "1.5", " 1", "1e3", "", "9" * 40])
async def test_malformed_id_is_rejected_before_any_call(
    service: Service, bad_id: str
) -> None:
    body = await service.query(
        "query($id: ID!) { client(id: $id) { id } }", {"id": bad_id}
    )
    assert codes(body) == ["BAD_USER_INPUT"]
    assert service.demo.requests == []


async def test_parse_and_validation_errors_keep_their_message(service: Service) -> None:
    parse = await service.query("{ client(id: ")
    assert codes(parse) == ["GRAPHQL_PARSE_FAILED"]
    assert "Syntax Error" in parse["errors"][0]["message"]
    invalid = await service.query('{ client(id: "1") { nope } }')
    assert codes(invalid) == ["GRAPHQL_VALIDATION_FAILED"]
    assert "nope" in invalid["errors"][0]["message"]
    variables = await service.query(
        'query($d: DeletionFilter!) { client(id: "1", deleted: $d) { id } }',
        {"d": "ALL"},
    )
    assert codes(variables) == ["BAD_USER_INPUT"]
    assert service.demo.requests == []


async def test_expected_errors_are_not_logged_as_errors(
    service: Service, caplog: pytest.LogCaptureFixture
) -> None:
    service.demo.faults.fail(2, 503, times=10)
    with caplog.at_level(logging.DEBUG):
        await service.query(
            '{ a: client(id: "9999") { id } b: client(id: "2") { id } }'
        )
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    messages = [
        r.getMessage() for r in caplog.records if r.name == "wethod_graphql.errors"
    ]
    assert any("NOT_FOUND" in m for m in messages)
    assert any("UPSTREAM_UNAVAILABLE" in m for m in messages)
    assert DEMO_TOKEN not in caplog.text


async def test_a_non_null_root_error_beside_a_shared_key_is_a_200(
    service: Service,
) -> None:
    """A non-null root error next to fields sharing one loader key (PITFALLS 1).

    `clients` is non-null: its error nulls `data` and graphql-core cancels
    `a` and `b`, which await one shared loader key. The answer stays a 200
    with the error. With the root nulled no field survives to see a cancelled
    future, so this passes even unshielded; the shield itself is proven by
    `tests/resolvers/test_loaders.py`, where one awaiter outlives the other.
    """
    service.demo.faults.delay(None, 0.05)
    body = await service.query(
        '{ a: client(id: "1") { id } b: client(id: "1") { id } c: clients(ids: ["x"]) { id } }'
    )
    assert body["data"] is None
    assert codes(body) == ["BAD_USER_INPUT"]


async def test_many_errors_of_one_kind_are_one_log_line(
    service: Service, caplog: pytest.LogCaptureFixture
) -> None:
    ids = ", ".join(f'"{9000 + n}"' for n in range(25))
    with caplog.at_level(logging.INFO, logger="wethod_graphql.errors"):
        body = await service.query(f"{{ clients(ids: [{ids}]) {{ id }} }}")
    assert codes(body) == ["NOT_FOUND"] * 25
    lines = [
        r.getMessage() for r in caplog.records if r.name == "wethod_graphql.errors"
    ]
    assert len(lines) == 1
    assert lines[0] == (
        "NOT_FOUND (upstream 404 not_found) x25 at clients.0, clients.1, "
        "clients.2, clients.3, clients.4, ...: Client 9000 was not found."
    )


@pytest.mark.parametrize("settings", [fast_settings(timeout=0.3, read_timeout=0.2)])
async def test_slow_upstream_is_a_timeout(service: Service) -> None:
    service.demo.faults.delay(1, 2.0)
    body = await service.query(QUERY)
    assert codes(body) == ["UPSTREAM_TIMEOUT"]
    assert "upstream" not in body["errors"][0]["extensions"]  # no answer to quote


async def test_dropped_connection_is_unavailable(service: Service) -> None:
    service.demo.faults.drop(1, times=10)
    assert codes(await service.query(QUERY)) == ["UPSTREAM_UNAVAILABLE"]


def test_a_bug_is_masked_for_the_client_and_logged_with_its_trace(
    caplog: pytest.LogCaptureFixture,
) -> None:
    try:
        raise KeyError("secret internal detail")
    except KeyError as bug:
        error = GraphQLError(
            "secret internal detail", path=["client"], original_error=bug
        )
    shown = public_error(error, parsed=True, executed=True)
    assert shown.message == "Internal server error."
    assert shown.extensions == {"code": "INTERNAL_SERVER_ERROR"}
    assert "secret" not in str(shown.formatted)
    with caplog.at_level(logging.INFO, logger="wethod_graphql.errors"):
        log_errors([error], None)
    [record] = caplog.records
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None
    assert record.exc_info[1] is error.original_error
