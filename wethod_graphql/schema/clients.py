"""`Client`: the federation entity of the clients resource."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import strawberry

from wethod_graphql.resolvers import items
from wethod_graphql.resolvers.context import Info
from wethod_graphql.schema.records import from_record, related
from wethod_graphql.schema.types import ExternalIdentifier
from wethod_graphql.upstream.resources import CLIENTS


@strawberry.federation.type(
    keys=["id"], description="A client (customer) of the company in the Wethod CRM."
)
class Client:
    id: strawberry.ID = strawberry.field(description="The unique identifier.")
    created_at: datetime | None = strawberry.field(
        description="When the client was created."
    )
    updated_at: datetime | None = strawberry.field(
        description="When the client was last updated."
    )
    deleted_at: datetime | None = strawberry.field(
        description="When the client was deleted; null unless deleted."
    )
    corporate_name: str | None = strawberry.field(
        description="The corporate name (at most 255 characters)."
    )
    acronym: str | None = strawberry.field(
        description="A short name (at most 50 characters)."
    )
    email: str | None = strawberry.field(description="The e-mail address.")
    notes: str | None = strawberry.field(description="Free notes.")
    website: str | None = strawberry.field(description="The website URL.")
    linkedin: str | None = strawberry.field(description="The LinkedIn page URL.")
    description: str | None = strawberry.field(description="A brief description.")
    street: str | None = strawberry.field(description="Street and number.")
    zip_code: str | None = strawberry.field(description="The postal code.")
    town: str | None = strawberry.field(description="The town or city.")
    country: str | None = strawberry.field(description="The country.")
    vat: str | None = strawberry.field(description="The VAT number.")
    payment_condition: str | None = strawberry.field(
        description="The payment terms, as free text."
    )
    group_company: int | None = strawberry.field(
        description="The group company the client belongs to (>= 1)."
    )
    sdi_code: str | None = strawberry.field(
        description="The SDI recipient code for Italian e-invoicing."
    )
    pec: str | None = strawberry.field(
        description="The certified e-mail address (PEC, at most 320 characters)."
    )
    administration_email: str | None = strawberry.field(
        description="The administration e-mail address (at most 320 characters)."
    )
    company_registration_number: str | None = strawberry.field(
        description="The company registration number (at most 255 characters)."
    )
    legal_name: str | None = strawberry.field(
        description="The legal name (at most 250 characters)."
    )
    intent_code: str | None = strawberry.field(
        description="The declaration of intent code."
    )
    intent_date: date | None = strawberry.field(
        description="The declaration of intent date."
    )
    phone: str | None = strawberry.field(description="The phone number.")
    tax_reference: str | None = strawberry.field(description="The tax reference.")
    group_id: strawberry.ID | None = strawberry.field(
        description="The id of the client's group."
    )
    bank_account_id: strawberry.ID | None = strawberry.field(
        description="The id of the client's bank account."
    )
    vat_rate_id: strawberry.ID | None = strawberry.field(
        description="The id of the client's VAT rate."
    )
    payment_term_id: strawberry.ID | None = strawberry.field(
        description="The id of the client's payment term."
    )

    record: strawberry.Private[Any]

    @strawberry.field(
        description="The client's identifiers on external systems "
        "(fetched only when selected)."
    )
    def external_identifiers(self) -> list[ExternalIdentifier]:
        return related(self.record, "external_identifiers", ExternalIdentifier.show)

    @classmethod
    def show(cls, record: Any) -> Client:
        """The client of an upstream record."""
        return from_record(cls, record)

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> Client:
        """A reference from another subgraph; archived clients resolve too."""
        return cls.show(await items.reference(info, CLIENTS, id))
