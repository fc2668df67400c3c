"""Two `wethod-graphql serve` processes on one real redis-server: what one
learns the other knows, one caller's budget is shared, and a Redis outage
never becomes a failed request."""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.redis_server import RedisServer, running_redis
from tests.servers import clean_environ, run_command, run_in_thread
from wethod_graphql.demo import (
    DEMO_COMPANY,
    DEMO_TOKEN,
    GLOBEX_COMPANY,
    GLOBEX_TOKEN,
    DemoApi,
)

COMMAND = [sys.executable, "-m", "wethod_graphql", "serve", "--port", "0"]
ACME = {"authorization": f"Bearer {DEMO_TOKEN}", "wethod-company": DEMO_COMPANY}
GLOBEX = {"authorization": f"Bearer {GLOBEX_TOKEN}", "wethod-company": GLOBEX_COMPANY}
QUERY = 'query Shared { client(id: "1") { id corporateName } }'
ANSWER = {"data": {"client": {"id": "1", "corporateName": "Rossi Arredamenti S.r.l."}}}
PERSISTED = {
    "persistedQuery": {
        "version": 1,
        "sha256Hash": hashlib.sha256(QUERY.encode()).hexdigest(),
    }
}
#: Requests each caller may make before its bucket is empty (0.01/s refill).
BUDGET = 5


class Replicas:
    def __init__(self, redis: RedisServer, demo: DemoApi, urls: list[str]) -> None:
        self.redis = redis
        self.demo = demo
        self.urls = urls

    def post(
        self, replica: int, body: dict[str, Any], headers: dict[str, str]
    ) -> httpx.Response:
        return httpx.post(
            f"{self.urls[replica]}/graphql", json=body, headers=headers, timeout=30
        )


@pytest.fixture
def replicas(tmp_path: Path) -> Iterator[Replicas]:
    demo = DemoApi()
    with ExitStack() as stack:
        redis = stack.enter_context(running_redis(tmp_path / "redis.log"))
        upstream = stack.enter_context(run_in_thread(demo.app))
        env = clean_environ() | {
            "WETHOD_BASE_URL": upstream,
            "WETHOD_REDIS_URL": redis.url,
            # Generous: a busy test machine must not turn a hit into a miss.
            "WETHOD_REDIS_TIMEOUT": "5",
            "WETHOD_RATE_LIMIT_REQUESTS": "0.01",
            "WETHOD_RATE_LIMIT_BURST": str(BUDGET * 100),
            "WETHOD_RETRIES": "1",
            "WETHOD_CACHE_TTL": "60",
        }
        urls = [
            stack.enter_context(
                run_command(COMMAND, tmp_path / f"replica-{n}.log", env=env)
            ).url
            for n in range(2)
        ]
        yield Replicas(redis, demo, urls)


def test_a_hash_and_a_record_one_replica_learnt_serve_the_other(
    replicas: Replicas,
) -> None:
    missed = replicas.post(1, {"extensions": PERSISTED}, ACME)
    assert missed.status_code == 404
    assert missed.json()["errors"][0]["message"] == "PersistedQueryNotFound"
    registered = replicas.post(0, {"query": QUERY, "extensions": PERSISTED}, ACME)
    assert registered.json() == ANSWER
    answered = replicas.post(1, {"extensions": PERSISTED}, ACME)
    assert answered.json() == ANSWER
    # The record came from the shared cache: one upstream call in all.
    assert [r.client_id for r in replicas.demo.client_requests()] == [1]


def test_one_callers_limit_is_shared_by_both_replicas(replicas: Replicas) -> None:
    statuses = [
        replicas.post(n % 2, {"query": QUERY}, GLOBEX).status_code
        for n in range(BUDGET + 2)
    ]
    assert statuses == [200] * BUDGET + [429, 429]
    # Another caller still has its whole budget, on either replica.
    assert replicas.post(1, {"query": QUERY}, ACME).json() == ANSWER


def test_with_redis_stopped_both_replicas_still_answer(replicas: Replicas) -> None:
    assert replicas.post(0, {"query": QUERY, "extensions": PERSISTED}, ACME).json() == (
        ANSWER
    )
    replicas.redis.stop()
    for replica in (0, 1):
        # Limits let requests through (allow), a plain query runs as ever...
        assert replicas.post(replica, {"query": QUERY}, ACME).json() == ANSWER
        # ...a hash-only request misses, and the text with it still runs.
        missed = replicas.post(replica, {"extensions": PERSISTED}, ACME)
        assert missed.status_code == 404
        fallback = replicas.post(
            replica, {"query": QUERY, "extensions": PERSISTED}, ACME
        )
        assert fallback.json() == ANSWER
    for _ in range(BUDGET + 1):
        assert replicas.post(0, {"query": QUERY}, GLOBEX).status_code == 200
    # Without the cache, every one of those reads went upstream.
    assert len(replicas.demo.client_requests()) == 1 + 2 * 2 + BUDGET + 1
