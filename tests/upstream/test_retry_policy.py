"""`RetryPolicy.delay`, `retry_delay` and `parse_retry_after`, without any HTTP."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from wethod_graphql.upstream.retry import (
    RETRYABLE_STATUSES,
    RetryPolicy,
    parse_retry_after,
    retry_delay,
)

NOW = datetime(2026, 5, 15, 17, 8, 59, tzinfo=UTC)


def test_the_retryable_statuses() -> None:
    assert frozenset({429, 502, 503, 504}) == RETRYABLE_STATUSES


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("0", 0.0), ("1", 1.0), ("120", 120.0), (" 7 ", 7.0), ("007", 7.0)],
)
def test_retry_after_in_seconds(value: str, seconds: float) -> None:
    assert parse_retry_after(value, NOW) == seconds


@pytest.mark.parametrize("ahead", [0, 1, 30, 3600])
def test_retry_after_as_an_http_date(ahead: int) -> None:
    value = format_datetime(NOW + timedelta(seconds=ahead), usegmt=True)
    assert parse_retry_after(value, NOW) == float(ahead)


def test_retry_after_as_an_http_date_with_an_offset() -> None:
    # RFC 2822 style with a numeric zone: the same instant.
    assert parse_retry_after("Fri, 15 May 2026 19:09:29 +0200", NOW) == 30.0


def test_retry_after_as_a_date_in_the_past_is_zero() -> None:
    value = format_datetime(NOW - timedelta(minutes=5), usegmt=True)
    assert parse_retry_after(value, NOW) == 0.0


def test_retry_after_as_a_date_defaults_to_the_current_time() -> None:
    value = format_datetime(datetime.now(UTC) + timedelta(seconds=100), usegmt=True)
    seconds = parse_retry_after(value)
    assert seconds is not None
    assert 98 <= seconds <= 100


@pytest.mark.parametrize(
    "value", [None, "", "   ", "-1", "1.5", "soon", "Fri, 99 Foo 2026", "1e3"]
)
def test_unusable_retry_after_is_none(value: str | None) -> None:
    assert parse_retry_after(value, NOW) is None


@pytest.mark.parametrize(
    ("attempt", "ceiling"), [(1, 0.1), (2, 0.2), (3, 0.4), (4, 0.8), (5, 1.6), (6, 2.0)]
)
def test_full_jitter_stays_within_the_exponential_ceiling(
    attempt: int, ceiling: float
) -> None:
    draws = random.Random(attempt)
    policy = RetryPolicy(
        attempts=10, base_delay=0.1, max_retry_after=5.0, random=draws.random
    )
    delays = [policy.delay(attempt, None) for _ in range(500)]
    assert all(d is not None and 0.0 <= d <= ceiling for d in delays)
    # Full jitter: spread over the whole range, not bunched at the top.
    values = [d for d in delays if d is not None]
    assert min(values) < ceiling * 0.1
    assert max(values) > ceiling * 0.9


@pytest.mark.parametrize(("draw", "expected"), [(0.0, 0.0), (0.5, 0.2), (1.0, 0.4)])
def test_the_delay_is_the_draw_times_the_ceiling(draw: float, expected: float) -> None:
    policy = RetryPolicy(
        attempts=5, base_delay=0.1, max_retry_after=5.0, random=lambda: draw
    )
    assert policy.delay(3, None) == pytest.approx(expected)


def test_the_ceiling_is_capped() -> None:
    policy = RetryPolicy(
        attempts=20, base_delay=1.0, max_retry_after=5.0, random=lambda: 1.0
    )
    assert [policy.delay(n, None) for n in range(1, 6)] == [1.0, 2.0, 2.0, 2.0, 2.0]


@pytest.mark.parametrize("attempts", [1, 2, 3, 5])
def test_none_after_the_last_attempt(attempts: int) -> None:
    policy = RetryPolicy(
        attempts=attempts, base_delay=0.1, max_retry_after=5.0, random=lambda: 1.0
    )
    for attempt in range(1, attempts):
        assert policy.delay(attempt, None) is not None
        assert policy.delay(attempt, 1.0) == 1.0
    assert policy.delay(attempts, None) is None
    assert policy.delay(attempts, 1.0) is None
    assert policy.delay(attempts + 1, None) is None


def test_retry_after_replaces_the_backoff_up_to_the_cap() -> None:
    policy = RetryPolicy(
        attempts=3, base_delay=0.1, max_retry_after=5.0, random=lambda: 1.0
    )
    assert policy.delay(1, 0.0) == 0.0
    assert policy.delay(1, 3.0) == 3.0
    assert policy.delay(1, 5.0) == 5.0
    assert policy.delay(1, 5.5) is None
    assert policy.delay(2, 60.0) is None


@pytest.mark.parametrize("value", ["²", "9" * 400, "1.5", "-3", "٣"])
def test_retry_after_takes_only_plain_ascii_seconds(value: str) -> None:
    assert parse_retry_after(value) is None


async def test_retry_delay_is_the_policys_while_the_call_has_time() -> None:
    policy = RetryPolicy(
        attempts=3, base_delay=1.0, max_retry_after=5.0, random=lambda: 0.5
    )
    later = asyncio.get_running_loop().time() + 60.0
    assert retry_delay(policy, 1, None, later) == 0.5
    assert retry_delay(policy, 1, 4.0, later) == 4.0
    assert retry_delay(policy, 3, None, later) is None  # no attempts left


async def test_retry_delay_waits_for_nothing_past_the_deadline() -> None:
    policy = RetryPolicy(attempts=3, base_delay=1.0, max_retry_after=5.0)
    soon = asyncio.get_running_loop().time() + 1.0
    assert retry_delay(policy, 1, 4.0, soon) is None
