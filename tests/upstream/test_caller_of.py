"""`caller_of`: the request's caller from raw ASGI headers, as
`Caller.from_headers` resolves it, with credentials kept by exact value."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.datastructures import Secret

from wethod_graphql.upstream.caller import (
    MAX_KEPT,
    Caller,
    _resolved_kept,
    caller_of,
)

REQUEST_ID = "0123456789abcdef0123456789abcdef"
TOKEN = Secret("configured-token")
TRACEPARENT = b"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

NAMES = st.sampled_from(
    [
        b"authorization",
        b"wethod-company",
        b"traceparent",
        b"tracestate",
        b"x-request-id",
        b"host",
        b"cookie",
    ]
)
VALUES = st.one_of(
    st.sampled_from(
        [
            b"",
            b"   ",
            b"Bearer abc",
            b"bearer   abc ",
            b"Basic abc",
            b"Bearer \xa0abc\x85",
            b"acme",
            b" acme\xa0",
            b"-acme",
            b"a" * 64,
            TRACEPARENT,
            b"congo=t61rcWkgMzE",
            b"req-1",
        ]
    ),
    st.binary(max_size=40),
)


def _same(made: Caller, resolved: Caller) -> None:
    assert str(made.authorization) == str(resolved.authorization)
    assert made.company == resolved.company
    assert made.trace == resolved.trace
    assert type(made.problem) is type(resolved.problem)
    assert str(made.problem) == str(resolved.problem)


@settings(max_examples=300)
@given(
    st.lists(st.tuples(NAMES, VALUES), max_size=8),
    st.sampled_from([None, TOKEN]),
    st.sampled_from([None, "acme", "not a slug"]),
)
def test_it_resolves_as_from_headers_does(
    raw: list[tuple[bytes, bytes]], token: Secret | None, company: str | None
) -> None:
    made = caller_of(
        raw, default_token=token, default_company=company, request_id=REQUEST_ID
    )
    decoded = {name.decode("latin-1"): value.decode("latin-1") for name, value in raw}
    resolved = Caller.from_headers(
        decoded, default_token=token, default_company=company, request_id=REQUEST_ID
    )
    _same(made, resolved)


def test_the_trace_context_comes_first_and_the_request_id_last() -> None:
    raw = [
        (b"x-request-id", b"theirs"),
        (b"tracestate", b"congo=t61rcWkgMzE"),
        (b"traceparent", TRACEPARENT),
    ]
    made = caller_of(
        raw, default_token=TOKEN, default_company="acme", request_id="ours"
    )
    assert made.trace == (
        ("traceparent", TRACEPARENT.decode()),
        ("tracestate", "congo=t61rcWkgMzE"),
        ("x-request-id", "ours"),
    )
    bad = [(b"traceparent", b"00-nope"), (b"tracestate", b"\x01")]
    made = caller_of(
        bad, default_token=TOKEN, default_company="acme", request_id="ours"
    )
    assert made.trace == (("x-request-id", "ours"),)


def test_each_caller_gets_its_own_credentials_and_its_own_problem() -> None:
    def made(token: bytes, company: bytes) -> Caller:
        raw = [(b"authorization", token), (b"wethod-company", company)]
        return caller_of(raw, default_token=None, default_company=None, request_id="r")

    for _ in range(2):
        first, second = made(b"Bearer one", b"acme"), made(b"Bearer two", b"globex")
        assert (str(first.authorization), first.company) == ("Bearer one", "acme")
        assert (str(second.authorization), second.company) == ("Bearer two", "globex")
    # A problem is raised per request: never the same exception twice.
    problems = [made(b"Basic x", b"acme").problem for _ in range(2)]
    assert problems[0] is not None
    assert problems[1] is not None
    assert problems[0] is not problems[1]


def test_values_too_long_to_be_credentials_are_never_kept() -> None:
    _resolved_kept.cache_clear()
    # Spaces are allowed after `Bearer`: long, and still a token.
    token = b"Bearer" + b" " * MAX_KEPT + b"t"
    raw = [(b"authorization", token), (b"wethod-company", b"acme")]
    made = caller_of(raw, default_token=None, default_company=None, request_id="r")
    assert str(made.authorization) == "Bearer t"
    assert _resolved_kept.cache_info().currsize == 0
    # Within the bound, they are kept: the next request looks them up.
    raw = [(b"authorization", b"Bearer short"), (b"wethod-company", b"acme")]
    for _ in range(2):
        caller_of(raw, default_token=None, default_company=None, request_id="r")
    assert _resolved_kept.cache_info().currsize == 1
    assert _resolved_kept.cache_info().hits >= 1


def test_credentials_other_than_a_bearer_token_are_never_kept() -> None:
    _resolved_kept.cache_clear()
    for value in (b"Basic dXNlcjpwYXNz", b"Token t", b" Bearer t"):
        raw = [(b"authorization", value), (b"wethod-company", b"acme")]
        made = caller_of(raw, default_token=None, default_company=None, request_id="r")
        assert made.company == "acme"
    assert _resolved_kept.cache_info().currsize == 0
    # A bearer token in any case, or no Authorization at all, is kept.
    for value in (b"bearer t", b"BEARER t", b""):
        raw = [(b"authorization", value), (b"wethod-company", b"acme")]
        caller_of(raw, default_token=TOKEN, default_company=None, request_id="r")
    assert _resolved_kept.cache_info().currsize == 3
