"""A list call (`GET /api/clients`): one page of items, offset-paginated.

The API answers a JSON array of at most `limit` items (1..100), skipping
`offset`, ordered by id, with the same `include` and `deleted` as a single
item and the conditions of `filters`. It has no filter by id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from wethod_graphql.errors import InputError, UpstreamUnavailable
from wethod_graphql.upstream.failures import decode_json
from wethod_graphql.upstream.filters import Condition
from wethod_graphql.upstream.records import Deleted, RecordError, decode_records

R = TypeVar("R")

#: The most rows one call may ask for.
MAX_LIMIT = 100
#: An offset past this is refused: the API pages 100 at a time, so reaching
#: it would take ten million calls.
MAX_OFFSET = 10**9


@dataclass(frozen=True, slots=True)
class ListQuery:
    """Which page of which items; checked when built (`InputError`).

    Hashable, so that equal pages of one operation can share one call.
    """

    limit: int
    offset: int = 0
    conditions: tuple[Condition, ...] = ()

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= MAX_LIMIT:
            raise InputError(f"limit must be 1..{MAX_LIMIT}, not {self.limit}.")
        if not 0 <= self.offset <= MAX_OFFSET:
            raise InputError(f"offset must be 0..{MAX_OFFSET}, not {self.offset}.")
        fields = [c.field for c in self.conditions]
        if len(set(fields)) != len(fields):
            # One query parameter per field: a second would replace the first.
            raise InputError("One condition per field.")

    def params(self, include: frozenset[str], deleted: Deleted) -> dict[str, str]:
        """The query string of the call, `include` embedded."""
        params = {
            "limit": str(self.limit),
            "offset": str(self.offset),
            "deleted": deleted.value,
        }
        params.update((c.field, c.param) for c in self.conditions)
        if include:
            params["include"] = ",".join(sorted(include))
        return params


def parse_page(record: type[R], body: bytes, limit: int) -> tuple[R, ...]:
    """The `record`s of a list body, or `UpstreamUnavailable`: not JSON, not
    an array of at most `limit` items, or an item that is not a `record`."""
    try:
        records = decode_records(record, body)
    except RecordError as error:
        # Which of the three: the typed decode stops at its first mismatch,
        # so the body is read again as plain JSON, on this path only.
        value = decode_json(body)
        if not isinstance(value, list) or len(value) > limit:
            raise UpstreamUnavailable(_UNEXPECTED_LIST) from error
        raise UpstreamUnavailable("The Wethod API sent an unexpected body.") from error
    if len(records) > limit:
        raise UpstreamUnavailable(_UNEXPECTED_LIST)
    return records


_UNEXPECTED_LIST = "The Wethod API sent an unexpected list."
