"""The resources the demo API serves, each described once.

Every resource gets the same two endpoints (`GET {path}/{id}` and the list
`GET {path}`), the same checks, faults and log entries; what differs is
written here: its path, its data by company, its JSON form and the
relations `include=` may ask for. A new resource is one more `DemoResource`
in `RESOURCES`, with its data.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from .data import clients_of
from .model import SampleClient, client_json

CLIENTS_PATH = "/api/clients"


class Item(Protocol):
    """What every served item has: an id and the two filterable times."""

    @property
    def id(self) -> int: ...

    @property
    def updated_at(self) -> datetime | None: ...

    @property
    def deleted_at(self) -> datetime | None: ...


@dataclass(frozen=True, slots=True)
class DemoResource:
    """One REST resource: where it lives and how its items look."""

    path: str  # the collection, `/api/clients`
    noun: str  # for messages: "Client with id 7 not found."
    items_of: Callable[[str], Mapping[int, Any]]  # a company's items by id
    render: Callable[[Any, frozenset[str]], dict[str, Any]]  # item, includes
    relations: tuple[str, ...] = ()  # what `include=` accepts
    filters: tuple[str, ...] = ("updated_at", "deleted_at")


def _client_json(client: SampleClient, include: frozenset[str]) -> dict[str, Any]:
    return client_json(client, with_identifiers="externalIdentifiers" in include)


CLIENTS = DemoResource(
    path=CLIENTS_PATH,
    noun="Client",
    items_of=clients_of,
    render=_client_json,
    relations=("externalIdentifiers",),
)

#: Every resource the demo serves.
RESOURCES: tuple[DemoResource, ...] = (CLIENTS,)
