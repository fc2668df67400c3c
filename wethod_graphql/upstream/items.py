"""Records from an upstream 200 body: one item's, checked to be the item asked
for, or a page of a list's; either with every relation the call included."""

from __future__ import annotations

from typing import Any

from wethod_graphql.errors import UpstreamUnavailable
from wethod_graphql.upstream.failures import decode_json
from wethod_graphql.upstream.includes import require_included
from wethod_graphql.upstream.listing import parse_page
from wethod_graphql.upstream.records import RecordError, decode_record
from wethod_graphql.upstream.resources import Resource


def parse_item(
    resource: Resource, body: bytes, *, number: int, include: frozenset[str]
) -> Any:
    """The record of item `number` of `resource` in `body`, or
    `UpstreamUnavailable` (not JSON, not the record, another item, a relation
    of `include` left out)."""
    try:
        record = decode_record(resource.record, body)
    except RecordError as error:
        # Not JSON at all is named so: the typed decode stops at its first
        # mismatch, so the body is read again as plain JSON, on this path only.
        decode_json(body)
        raise UpstreamUnavailable("The Wethod API sent an unexpected body.") from error
    if record.id != number:
        raise UpstreamUnavailable(
            f"The Wethod API answered for another {resource.noun.lower()}."
        )
    require_included(resource, (record,), include)
    return record


def parse_page_body(
    resource: Resource, body: bytes, *, limit: int, include: frozenset[str]
) -> tuple[Any, ...]:
    """The records of a page's body (see `parse_page`), each with every
    relation of `include`."""
    records = parse_page(resource.record, body, limit)
    require_included(resource, records, include)
    return records
