"""Cursors: opaque, round-tripping, bound to their list, refused when not ours."""

from __future__ import annotations

import base64

import pytest

from wethod_graphql.errors import InputError
from wethod_graphql.resolvers.cursors import decode_cursor, encode_cursor, scope_of
from wethod_graphql.upstream.listing import MAX_OFFSET

SCOPE = scope_of(["exclude", "updated_at=gte:2024-01-01T00:00:00Z"])


@pytest.mark.parametrize("offset", [0, 1, 20, 99_999, MAX_OFFSET])
def test_a_cursor_round_trips(offset: int) -> None:
    cursor = encode_cursor(offset, SCOPE)
    assert decode_cursor(cursor, SCOPE) == offset
    assert str(offset) not in cursor  # opaque, if not secret
    assert "=" not in cursor


def test_scopes_differ_by_filter_and_deletion() -> None:
    scopes = {
        scope_of(["exclude"]),
        scope_of(["include"]),
        scope_of(["exclude", "updated_at=gte:2024-01-01T00:00:00Z"]),
        scope_of(["exclude", "deleted_at=gte:2024-01-01T00:00:00Z"]),
    }
    assert len(scopes) == 4
    with pytest.raises(InputError, match="another filter"):
        decode_cursor(encode_cursor(3, scope_of(["include"])), SCOPE)


def _raw(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode("latin-1")).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "a b",
        "x" * 65,
        "A",  # not base64 at all
        _raw("\xff\xfe"),
        _raw(f"v1:05:{SCOPE}"),
        _raw(f"v1:+5:{SCOPE}"),
        _raw(f"v1:{MAX_OFFSET + 1}:{SCOPE}"),
        _raw(f"v1:5:{SCOPE}:extra"),
        _raw(f"v0:5:{SCOPE}"),
        _raw("v1:5"),
    ],
)
def test_a_cursor_that_is_not_ours_is_refused(cursor: str) -> None:
    with pytest.raises(InputError, match="Invalid cursor"):
        decode_cursor(cursor, SCOPE)
