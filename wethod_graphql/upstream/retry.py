"""When and how long to wait before trying an idempotent GET again.

Exponential backoff with full jitter (the delay is drawn uniformly between 0
and the exponential ceiling), so that many callers failing together do not
come back together. An upstream `Retry-After` replaces the drawn delay when
it is within `max_retry_after`; a longer one is respected by not retrying.
"""

from __future__ import annotations

import asyncio
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

#: Statuses worth another attempt: the upstream may answer differently soon.
RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})

_MAX_BACKOFF = 2.0
# ASCII digits only (`str.isdigit` takes "²"), and few enough to stay finite.
_SECONDS = re.compile(r"[0-9]{1,9}")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int
    base_delay: float
    max_retry_after: float
    random: Callable[[], float] = random.random

    def delay(self, attempt: int, retry_after: float | None) -> float | None:
        """Seconds to wait after failed `attempt` (1-based); `None`: stop."""
        if attempt >= self.attempts:
            return None
        if retry_after is not None:
            return retry_after if retry_after <= self.max_retry_after else None
        ceiling = min(_MAX_BACKOFF, self.base_delay * 2.0 ** (attempt - 1))
        return self.random() * ceiling


def retry_delay(
    policy: RetryPolicy, attempt: int, retry_after: float | None, deadline: float
) -> float | None:
    """Seconds to wait after failed `attempt` of a call that ends by
    `deadline` (the loop's clock); `None`: no attempt follows, for the policy
    or because waiting would spend the whole budget (a long Retry-After): the
    caller hears what the upstream said now, not a timeout later."""
    delay = policy.delay(attempt, retry_after)
    if delay is None or asyncio.get_running_loop().time() + delay >= deadline:
        return None
    return delay


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds from a `Retry-After` header (delta-seconds or HTTP-date)."""
    if not value:
        return None
    value = value.strip()
    if _SECONDS.fullmatch(value):
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
