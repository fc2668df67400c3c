"""Each upstream status becomes its exception, with status, key and failures.

The demo's error bodies carry the framework leftovers of the real API
(`headers`, `content`, `status_code`, ...): none of them may reach the
exception. 4xx other than 429 is never retried; 500 is not either.
"""

from __future__ import annotations

import json

import orjson
import pytest

from wethod_graphql.demo import (
    DEMO_COMPANY,
    DEMO_TOKEN,
    GLOBEX_COMPANY,
    NO_CRM_TOKEN,
    DemoApi,
)
from wethod_graphql.errors import (
    Failure,
    Forbidden,
    NotFound,
    PreconditionFailed,
    RateLimited,
    Unauthenticated,
    UpstreamBadRequest,
    UpstreamError,
    UpstreamUnavailable,
)
from wethod_graphql.upstream import UpstreamClient
from wethod_graphql.upstream.failures import MAX_FAILURE_CHARS, MAX_FAILURES
from wethod_graphql.upstream.resources import CLIENTS

from .conftest import answering, caller, over_loopback

LEFTOVERS = (
    "headers",
    "content",
    "version",
    "status_code",
    "status_text",
    "charset",
    "callback",
    "encoding_options",
)
#: Everything an upstream exception may carry as attributes.
OWN_ATTRIBUTES = {"message", "status", "key", "failures", "retry_after"}


def assert_clean(error: UpstreamError) -> None:
    """No leftover field of the body, nor the body itself, on the exception."""
    assert set(vars(error)) <= OWN_ATTRIBUTES
    for name in LEFTOVERS:
        assert not hasattr(error, name), name
    assert error.args == (error.message,)
    text = f"{error} {error!r}"
    for fragment in ("status_text", "encoding_options", "{", "Bearer", "demo-token"):
        assert fragment not in text


@pytest.mark.parametrize(
    ("status", "kind", "key"),
    [
        (400, UpstreamBadRequest, "invalid_data"),
        (401, Unauthenticated, "unauthorized"),
        (403, Forbidden, "forbidden"),
        (404, NotFound, "not_found"),
        (409, UpstreamUnavailable, "conflict"),
        (412, PreconditionFailed, "precondition_failure"),
        (410, UpstreamUnavailable, "gone"),
    ],
)
async def test_each_4xx_maps_to_its_exception_and_is_never_retried(
    upstream: UpstreamClient,
    demo: DemoApi,
    status: int,
    kind: type[UpstreamError],
    key: str,
) -> None:
    # Set to fail every attempt there could be: only one may happen.
    demo.faults.fail(1, status, times=3)
    with pytest.raises(UpstreamError) as caught:
        await upstream.get(CLIENTS, 1, caller())
    error = caught.value
    assert type(error) is kind
    assert (error.status, error.key) == (status, key)
    assert_clean(error)
    assert len(demo.client_requests()) == 1
    if status == 400:
        assert isinstance(error, UpstreamBadRequest)
        assert error.failures == (Failure("request", "Injected validation failure."),)
        assert error.code == "BAD_USER_INPUT"


async def test_real_401_for_a_token_the_api_does_not_know(
    upstream: UpstreamClient, demo: DemoApi
) -> None:
    headers = {"authorization": "Bearer nope", "wethod-company": DEMO_COMPANY}
    with pytest.raises(Unauthenticated) as caught:
        await upstream.get(CLIENTS, 1, caller(headers))
    assert (caught.value.status, caught.value.key) == (401, "unauthorized")
    assert_clean(caught.value)
    assert [r.status for r in demo.requests] == [401]


@pytest.mark.parametrize(
    "headers",
    [
        {"authorization": f"Bearer {NO_CRM_TOKEN}", "wethod-company": DEMO_COMPANY},
        {"authorization": f"Bearer {DEMO_TOKEN}", "wethod-company": GLOBEX_COMPANY},
    ],
    ids=["no-crm-view", "other-company"],
)
async def test_real_403(
    upstream: UpstreamClient, demo: DemoApi, headers: dict[str, str]
) -> None:
    with pytest.raises(Forbidden) as caught:
        await upstream.get(CLIENTS, 1, caller(headers))
    assert (caught.value.status, caught.value.key) == (403, "forbidden")
    assert_clean(caught.value)
    assert [r.status for r in demo.requests] == [403]


@pytest.mark.parametrize(("client_id", "deleted"), [(61, "exclude"), (7, "exclude")])
async def test_real_404_for_a_missing_or_filtered_out_client(
    upstream: UpstreamClient, demo: DemoApi, client_id: int, deleted: str
) -> None:
    with pytest.raises(NotFound) as caught:
        await upstream.get(CLIENTS, client_id, caller())
    assert (caught.value.status, caught.value.key) == (404, "not_found")
    assert_clean(caught.value)
    assert [(r.query["deleted"], r.status) for r in demo.requests] == [(deleted, 404)]


async def test_400_failures_are_kept_field_and_message_only(demo: DemoApi) -> None:
    body = {
        "key": "invalid_data",
        "message": "You provided invalid data.",
        "failures": [
            {"field": "include", "message": "Unknown relation.", "code": 7},
            {"field": "deleted"},
            "not an object",
            {"message": "no field"},
        ],
        "status_code": 400,
        "content": '{"secret": "leftover"}',
    }
    async with answering(400, json.dumps(body).encode()) as (upstream, _):
        with pytest.raises(UpstreamBadRequest) as caught:
            await upstream.get(CLIENTS, 1, caller())
    assert caught.value.failures == (
        Failure("include", "Unknown relation."),
        Failure("deleted", ""),
        Failure("", "no field"),
    )
    assert caught.value.key == "invalid_data"
    assert_clean(caught.value)


@pytest.mark.parametrize(
    "body",
    [b"<html>Bad Gateway</html>", b"", b"[1, 2]", b'{"key": 42}', b"null"],
)
async def test_an_error_body_that_is_not_the_contracts_still_maps_by_status(
    body: bytes,
) -> None:
    async with answering(404, body) as (upstream, _):
        with pytest.raises(NotFound) as caught:
            await upstream.get(CLIENTS, 1, caller())
    assert (caught.value.status, caught.value.key) == (404, None)


async def test_429_after_every_attempt_is_rate_limited(demo: DemoApi) -> None:
    demo.faults.fail(1, 429, times=3)
    async with over_loopback(demo) as (upstream, _):
        with pytest.raises(RateLimited) as caught:
            await upstream.get(CLIENTS, 1, caller())
    error = caught.value
    assert (error.status, error.key, error.retry_after) == (
        429,
        "too_many_requests",
        None,
    )
    assert_clean(error)
    assert len(demo.client_requests()) == 3


async def test_500_is_unavailable_and_not_retried(
    upstream: UpstreamClient, demo: DemoApi
) -> None:
    demo.faults.fail(1, 500, times=3)
    with pytest.raises(UpstreamUnavailable) as caught:
        await upstream.get(CLIENTS, 1, caller())
    assert (caught.value.status, caught.value.key) == (500, "internal_error")
    assert caught.value.code == "UPSTREAM_UNAVAILABLE"
    assert_clean(caught.value)
    assert len(demo.client_requests()) == 1


@pytest.mark.parametrize(
    ("status", "key"),
    [(502, "bad_gateway"), (503, "service_unavailable"), (504, "gateway_timeout")],
)
async def test_502_503_504_after_every_attempt_are_unavailable(
    upstream: UpstreamClient, demo: DemoApi, status: int, key: str
) -> None:
    demo.faults.fail(1, status, times=3)
    with pytest.raises(UpstreamUnavailable) as caught:
        await upstream.get(CLIENTS, 1, caller())
    assert (caught.value.status, caught.value.key) == (status, key)
    assert_clean(caught.value)
    assert [r.status for r in demo.client_requests()] == [status] * 3


@pytest.mark.parametrize("key", ["k" * 65, "", "a b", "key\nforged", "k" * 5000])
async def test_a_key_that_is_not_one_is_dropped(key: str) -> None:
    async with answering(404, orjson.dumps({"key": key})) as (upstream, _):
        with pytest.raises(NotFound) as caught:
            await upstream.get(CLIENTS, 1, caller())
    assert caught.value.key is None


async def test_a_key_of_64_safe_characters_is_kept() -> None:
    key = "a.B-9_" + "k" * 58
    async with answering(404, orjson.dumps({"key": key})) as (upstream, _):
        with pytest.raises(NotFound) as caught:
            await upstream.get(CLIENTS, 1, caller())
    assert caught.value.key == key


async def test_failures_are_bounded_in_number_and_length() -> None:
    huge = {"field": "f" * 5000, "message": "m" * 20_000}
    body = orjson.dumps({"key": "invalid_data", "failures": [huge] * 80})
    async with answering(400, body) as (upstream, _):
        with pytest.raises(UpstreamBadRequest) as caught:
            await upstream.get(CLIENTS, 1, caller())
    failures = caught.value.failures
    assert len(failures) == MAX_FAILURES
    assert failures[0] == Failure(
        "f" * (MAX_FAILURE_CHARS - 1) + "…", "m" * (MAX_FAILURE_CHARS - 1) + "…"
    )
