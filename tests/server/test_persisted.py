"""Persisted-operation resolution: hashes, ids, registration, the manifest."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from wethod_graphql.errors import (
    PersistedQueryNotAllowed,
    PersistedQueryNotFound,
    RequestError,
    StoreUnavailable,
)
from wethod_graphql.server.persisted import PersistedOperations
from wethod_graphql.store.memory import MemoryStore

QUERY = '{ client(id: "1") { id } }'
TRUSTED = "{ clients(ids: []) { id } }"


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def apq(text: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha(text)}}


class BrokenStore(MemoryStore):
    async def get(self, key: str) -> bytes | None:
        raise StoreUnavailable("down")

    async def set(self, key: str, value: bytes, ttl: float) -> None:
        raise StoreUnavailable("down")


def persisted(
    *, only: bool = False, store: MemoryStore | None = None
) -> PersistedOperations:
    return PersistedOperations(
        MemoryStore(max_entries=10, max_bytes=10_000) if store is None else store,
        {sha(TRUSTED): TRUSTED, "sha1:abc": TRUSTED},
        only=only,
        is_valid=lambda text: "invalid" not in text,
    )


async def test_a_plain_request_is_left_alone() -> None:
    operations = persisted()
    assert await operations.resolve(QUERY, None) == QUERY
    assert await operations.resolve(None, {"other": 1}) is None
    assert await operations.resolve(42, None) == 42


async def test_an_unknown_hash_then_its_text_then_the_hash_alone() -> None:
    operations = persisted()
    with pytest.raises(PersistedQueryNotFound) as missing:
        await operations.resolve(None, apq(QUERY))
    assert missing.value.message == "PersistedQueryNotFound"
    assert missing.value.code == "PERSISTED_QUERY_NOT_FOUND"
    assert await operations.resolve(QUERY, apq(QUERY)) == QUERY
    assert await operations.resolve(None, apq(QUERY)) == QUERY


async def test_a_text_that_does_not_validate_is_not_registered() -> None:
    operations = persisted()
    text = "{ invalid }"
    assert await operations.resolve(text, apq(text)) == text
    with pytest.raises(PersistedQueryNotFound):
        await operations.resolve(None, apq(text))


async def test_an_unknown_id_that_is_no_sha256_misses_without_the_store() -> None:
    operations = persisted(store=BrokenStore(max_entries=1, max_bytes=1))
    unknown = {"persistedQuery": {"version": 1, "sha256Hash": "sha1:unknown"}}
    with pytest.raises(PersistedQueryNotFound):
        await operations.resolve(None, unknown)


async def test_a_query_that_is_not_text_is_a_bad_request() -> None:
    with pytest.raises(RequestError, match="must be a string"):
        await persisted().resolve(["query"], apq(QUERY))


@pytest.mark.parametrize(
    "extensions",
    [
        {"persistedQuery": {"version": 2, "sha256Hash": sha(QUERY)}},
        {"persistedQuery": {"version": 1}},
        {"persistedQuery": {"version": 1, "sha256Hash": "not a hash!"}},
        {"persistedQuery": "yes"},
        {"persistedQuery": {"version": 1, "sha256Hash": sha("another text")}},
    ],
)
async def test_a_bad_or_mismatched_hash_is_a_bad_request(
    extensions: dict[str, Any],
) -> None:
    with pytest.raises(RequestError) as refused:
        await persisted().resolve(QUERY, extensions)
    assert refused.value.code == "BAD_REQUEST"


async def test_manifest_documents_answer_by_hash_and_by_their_ids() -> None:
    operations = persisted()
    by_id = {"persistedQuery": {"version": 1, "sha256Hash": "sha1:abc"}}
    assert await operations.resolve(None, apq(TRUSTED)) == TRUSTED
    assert await operations.resolve(None, by_id) == TRUSTED
    assert await operations.resolve(TRUSTED, by_id) == TRUSTED
    assert await operations.resolve(TRUSTED, apq(TRUSTED)) == TRUSTED


async def test_only_the_manifest_runs_when_persisted_only() -> None:
    operations = persisted(only=True)
    assert await operations.resolve(TRUSTED, None) == TRUSTED
    assert await operations.resolve(None, apq(TRUSTED)) == TRUSTED
    with pytest.raises(PersistedQueryNotAllowed) as refused:
        await operations.resolve(QUERY, None)
    assert refused.value.code == "PERSISTED_QUERY_NOT_ALLOWED"
    with pytest.raises(PersistedQueryNotAllowed):
        await operations.resolve(QUERY, apq(QUERY))
    with pytest.raises(PersistedQueryNotFound):
        await operations.resolve(None, apq(QUERY))


async def test_registered_texts_are_bounded_least_recently_used_out() -> None:
    store = MemoryStore(max_entries=2, max_bytes=10_000)
    operations = persisted(store=store)
    texts = [f'{{ client(id: "{n}") {{ id }} }}' for n in (1, 2, 3)]
    for text in texts:
        await operations.resolve(text, apq(text))
    assert len(store) == 2
    with pytest.raises(PersistedQueryNotFound):
        await operations.resolve(None, apq(texts[0]))
    assert await operations.resolve(None, apq(texts[2])) == texts[2]


async def test_a_failing_store_is_a_miss_and_the_text_still_runs() -> None:
    operations = persisted(store=BrokenStore(max_entries=1, max_bytes=1))
    assert await operations.resolve(QUERY, apq(QUERY)) == QUERY
    with pytest.raises(PersistedQueryNotFound):
        await operations.resolve(None, apq(QUERY))
