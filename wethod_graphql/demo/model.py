"""Client records of the demo API and their JSON form, as the REST contract has it.

Contract of the JSON form (`client_json`):
- every field of the published client schema is present, `null` when unknown;
- `external_identifiers` is present only when asked for;
- datetimes are UTC ISO 8601 with milliseconds and `Z`
  (`2026-05-15T17:08:59.548Z`); `intent_date` is `YYYY-MM-DD`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class SampleIdentifier:
    """The id of a client on another system (a CRM, an invoicing tool)."""

    id: int
    created_at: datetime | None
    updated_at: datetime | None
    external_id: str | None
    type: str | None
    deleted_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class SampleClient:
    """One client of a company; every field but `id` may be None."""

    id: int
    created_at: datetime | None = None
    updated_at: datetime | None = None
    corporate_name: str | None = None
    acronym: str | None = None
    email: str | None = None
    notes: str | None = None
    website: str | None = None
    linkedin: str | None = None
    description: str | None = None
    street: str | None = None
    zip_code: str | None = None
    town: str | None = None
    country: str | None = None
    vat: str | None = None
    payment_condition: str | None = None
    group_company: int | None = None
    sdi_code: str | None = None
    pec: str | None = None
    administration_email: str | None = None
    company_registration_number: str | None = None
    legal_name: str | None = None
    intent_code: str | None = None
    intent_date: date | None = None
    phone: str | None = None
    tax_reference: str | None = None
    group_id: int | None = None
    bank_account_id: int | None = None
    vat_rate_id: int | None = None
    payment_term_id: int | None = None
    deleted_at: datetime | None = None
    external_identifiers: tuple[SampleIdentifier, ...] = ()

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None


# The dataclasses declare their fields in the contract's order, so a body
# reads like the published example.
CLIENT_FIELDS: tuple[str, ...] = tuple(
    f.name for f in fields(SampleClient) if f.name != "external_identifiers"
)
IDENTIFIER_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(SampleIdentifier))


def format_datetime(value: datetime) -> str:
    """`2026-05-15T17:08:59.548Z`: the value must be UTC (naive counts as UTC)."""
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def _json_value(value: object) -> Any:
    # datetime is a subclass of date, so it must be tested first.
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def identifier_json(identifier: SampleIdentifier) -> dict[str, Any]:
    """The JSON object of one external identifier, every field present."""
    return {name: _json_value(getattr(identifier, name)) for name in IDENTIFIER_FIELDS}


def client_json(client: SampleClient, *, with_identifiers: bool) -> dict[str, Any]:
    """The JSON object of a client; `external_identifiers` only if asked for."""
    body = {name: _json_value(getattr(client, name)) for name in CLIENT_FIELDS}
    if with_identifiers:
        # Inserted before deleted_at, where the published example puts it.
        deleted_at = body.pop("deleted_at")
        body["external_identifiers"] = [
            identifier_json(identifier) for identifier in client.external_identifiers
        ]
        body["deleted_at"] = deleted_at
    return body
