"""The record cache's keys, freshness rules and degradation."""

from __future__ import annotations

import pytest
from starlette.datastructures import Secret

from wethod_graphql.errors import StoreUnavailable
from wethod_graphql.store.memory import MemoryStore
from wethod_graphql.upstream import Caller
from wethod_graphql.upstream.cache import RecordCache, freshness


class BrokenStore(MemoryStore):
    async def get(self, key: str) -> bytes | None:
        raise StoreUnavailable("down")

    async def set(self, key: str, value: bytes, ttl: float) -> None:
        raise StoreUnavailable("down")


def cache(store: MemoryStore | None = None, version: str = "2024-06-15") -> RecordCache:
    return RecordCache(
        MemoryStore(max_entries=10, max_bytes=10_000) if store is None else store,
        ttl=30,
        api_version=version,
    )


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        (None, 30),
        ("", 30),
        ("max-age=10", 10),
        ("private, max-age=60", 30),
        ("Private, Max-Age=5", 5),
        ("private, max-age=0", 0),
        ("no-store", 0),
        ("public, no-cache", 0),
        ("max-age=junk", 30),
    ],
)
def test_freshness_honours_cache_control(header: str | None, seconds: float) -> None:
    assert freshness(header, 30) == seconds


def test_a_key_covers_everything_that_changes_the_answer() -> None:
    records = cache()
    base = Caller(Secret("Bearer a"), "acme")
    key = records.key(base, "client", 1, "exclude", {"externalIdentifiers"})
    variants = {
        records.key(Caller(Secret("Bearer b"), "acme"), "client", 1, "exclude", set()),
        records.key(
            Caller(Secret("Bearer a"), "globex"), "client", 1, "exclude", set()
        ),
        cache(version="2025-01-01").key(base, "client", 1, "exclude", set()),
        records.key(base, "client", 2, "exclude", set()),
        records.key(base, "client", 1, "include", set()),
        records.key(base, "client", 1, "exclude", set()),
    }
    assert key not in variants
    assert len(variants) == 6
    assert "Bearer" not in key
    assert key.endswith(":client:1:exclude:externalIdentifiers")


async def test_a_body_is_kept_unless_the_upstream_forbids_it() -> None:
    records = cache()
    await records.put("k1", b"{}", None)
    await records.put("k2", b"{}", "no-store")
    assert await records.get("k1") == b"{}"
    assert await records.get("k2") is None


async def test_a_failing_store_is_a_miss_and_a_forgotten_write() -> None:
    records = cache(BrokenStore(max_entries=1, max_bytes=1))
    await records.put("k", b"{}", None)
    assert await records.get("k") is None
