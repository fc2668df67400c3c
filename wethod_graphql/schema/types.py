"""`DeletionFilter` and `ExternalIdentifier`: the types around `Client`.

Descriptions come from the Wethod API reference; they are what people read
in GraphiQL.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import strawberry

from wethod_graphql.schema.records import from_record
from wethod_graphql.upstream import Deleted


@strawberry.enum(description="Which clients to return by deletion status.")
class DeletionFilter(enum.Enum):
    EXCLUDE = strawberry.enum_value(
        "exclude", description="Only clients that are not deleted (the default)."
    )
    INCLUDE = strawberry.enum_value(
        "include", description="Clients whether deleted or not."
    )
    ONLY = strawberry.enum_value("only", description="Only deleted clients.")

    @property
    def upstream(self) -> Deleted:
        return Deleted(self.value)


@strawberry.type(description="An identifier of a client on an external system.")
class ExternalIdentifier:
    id: strawberry.ID = strawberry.field(description="The unique identifier.")
    created_at: datetime | None = strawberry.field(
        description="When the identifier was created."
    )
    updated_at: datetime | None = strawberry.field(
        description="When the identifier was last updated."
    )
    deleted_at: datetime | None = strawberry.field(
        description="When the identifier was deleted; null unless deleted."
    )
    external_id: str | None = strawberry.field(
        description="The identifier of the client on the external system, "
        "e.g. `SF-0001`."
    )
    type: str | None = strawberry.field(
        description="The type or source of the external identifier."
    )

    record: strawberry.Private[Any]

    @classmethod
    def show(cls, record: Any) -> ExternalIdentifier:
        """The identifier of an upstream record."""
        return from_record(cls, record)
