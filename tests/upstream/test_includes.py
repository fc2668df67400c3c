"""A 200 body that leaves out a relation the call asked for is the upstream's fault."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from wethod_graphql.errors import UpstreamUnavailable
from wethod_graphql.upstream.includes import require_included
from wethod_graphql.upstream.listing import ListQuery
from wethod_graphql.upstream.resources import CLIENTS, Relation, Resource

from .conftest import answering, caller

INCLUDE = frozenset({"externalIdentifiers"})


@pytest.mark.parametrize(
    "body", [b'{"id": 1}', b'{"id": 1, "external_identifiers": null}']
)
async def test_an_item_without_its_include_is_unavailability(body: bytes) -> None:
    async with answering(200, body) as (upstream, recorder):
        with pytest.raises(UpstreamUnavailable, match="left out externalIdentifiers"):
            await upstream.get(CLIENTS, 1, caller(), include=INCLUDE)
    assert len(recorder.requests) == 1  # a well-formed answer: no retry


async def test_a_page_with_an_item_without_its_include_is_unavailability() -> None:
    body = b'[{"id": 1, "external_identifiers": []}, {"id": 2}]'
    async with answering(200, body) as (upstream, _):
        with pytest.raises(UpstreamUnavailable, match="left out externalIdentifiers"):
            await upstream.list(CLIENTS, ListQuery(5), caller(), include=INCLUDE)


async def test_an_empty_include_and_an_unasked_one_are_accepted() -> None:
    async with answering(200, b'{"id": 1, "external_identifiers": []}') as (up, _):
        record = await up.get(CLIENTS, 1, caller(), include=INCLUDE)
        assert record.external_identifiers == ()
    async with answering(200, b'{"id": 1}') as (up, _):
        assert (await up.get(CLIENTS, 1, caller())).external_identifiers is None


def test_a_nested_include_is_checked_on_every_item() -> None:
    leaf = Relation("tags", "tags", "Tag", object)
    parent = Relation("parts", "parts", "Part", object, relations=(leaf,))
    resource = Resource("things", "/t", "Thing", object, "Thing", "p", (parent,))
    include = frozenset({"parts", "parts.tags"})
    good = SimpleNamespace(parts=(SimpleNamespace(tags=()),))
    require_included(resource, (good,), include)
    bad = SimpleNamespace(parts=(SimpleNamespace(tags=()), SimpleNamespace(tags=None)))
    with pytest.raises(UpstreamUnavailable, match=r"left out parts\.tags"):
        require_included(resource, (bad,), include)
