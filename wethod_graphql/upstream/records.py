"""Typed records of the Wethod API, decoded once at the boundary.

The REST API marks no field but `id` as required, so every other field is
optional. Decoding is strict about types (a string where an integer belongs
is an error, not a value passed on) and lenient about presence (unknown
fields are ignored, absent ones are `None`).

msgspec decodes a body straight into its record dataclass, checking types
as it reads, and skips unknown fields unbuilt: measured, a client body in a
third of the instructions `orjson.loads` and a field-by-field parse in
Python took. Datetimes are RFC 3339's (`2026-05-15T17:08:59.548Z`, either
case, a space allowed for the `T`), dates ISO 8601's full dates (`2024-02-29`).
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, TypeVar

import msgspec

#: Ids are 64-bit integers upstream.
MAX_ID = 2**63 - 1


class Deleted(enum.Enum):
    """The REST `deleted` query parameter."""

    EXCLUDE = "exclude"
    INCLUDE = "include"
    ONLY = "only"


class RecordError(ValueError):
    """A response body does not match the published schema."""


@dataclass(frozen=True, slots=True)
class ExternalIdentifierRecord:
    id: int
    created_at: datetime | None = None
    updated_at: datetime | None = None
    deleted_at: datetime | None = None
    external_id: str | None = None
    type: str | None = None


@dataclass(frozen=True, slots=True)
class ClientRecord:
    """A client as `GET /api/clients/{id}` returns it.

    `external_identifiers` is `None` when the relation was not included in the
    request, and a tuple (possibly empty) when it was.
    """

    id: int
    created_at: datetime | None = None
    updated_at: datetime | None = None
    deleted_at: datetime | None = None
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
    # Served as a GraphQL `Int`: 32 bits.
    group_company: int | None = field(default=None, metadata={"max": 2**31 - 1})
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
    external_identifiers: tuple[ExternalIdentifierRecord, ...] | None = None


R = TypeVar("R")


def decode_record(cls: type[R], body: bytes) -> R:
    """The record dataclass `cls` of a JSON body, or `RecordError`.

    Any frozen dataclass whose fields are typed as above decodes: its
    decoders and rules are derived from its type hints, once per class.
    """
    codec = _codec(cls)
    try:
        record: R = codec.item.decode(body)
    except (msgspec.DecodeError, RecursionError) as error:
        raise RecordError(f"{cls.__name__}: {error}") from None
    codec.rules.check(record)
    return record


def decode_records(cls: type[R], body: bytes) -> tuple[R, ...]:
    """The records `cls` of a body that is a JSON array, or `RecordError`."""
    codec = _codec(cls)
    try:
        records: tuple[R, ...] = codec.items.decode(body)
    except (msgspec.DecodeError, RecursionError) as error:
        raise RecordError(f"{cls.__name__}: {error}") from None
    check = codec.rules.check
    for record in records:
        check(record)
    return records


@dataclass(frozen=True, slots=True)
class _Rules:
    """What msgspec cannot read from a record's type hints: the contract's
    integer ranges and UTC for a datetime sent without an offset."""

    integers: tuple[tuple[str, int], ...]  # (field, maximum); the minimum is 1
    datetimes: tuple[str, ...]
    relations: tuple[tuple[str, _Rules], ...]  # a tuple of records each

    def check(self, record: object) -> None:
        """Raise `RecordError` for an integer out of range; make naive
        datetimes UTC. `record` is fresh from the decoder, seen by no one."""
        for name, maximum in self.integers:
            value = getattr(record, name)
            if value is not None and not 1 <= value <= maximum:
                raise RecordError(
                    f"{type(record).__name__}.{name}: "
                    f"expected an integer in 1..{maximum}"
                )
        for name in self.datetimes:
            value = getattr(record, name)
            if value is not None and value.tzinfo is None:
                # The API speaks UTC; a value without an offset would go out
                # ambiguous. The record is frozen, hence object.__setattr__.
                object.__setattr__(record, name, value.replace(tzinfo=UTC))
        for name, rules in self.relations:
            for item in getattr(record, name) or ():
                rules.check(item)


@dataclass(frozen=True, slots=True)
class _Codec:
    item: msgspec.json.Decoder[Any]  # one record
    items: msgspec.json.Decoder[Any]  # a JSON array of them, as a tuple
    rules: _Rules


#: Each record class's decoders and rules, derived on its first body:
#: decoding a body does no type introspection. Record classes are few and
#: live as long as the process.
_CODECS: dict[type[Any], _Codec] = {}


def _codec(cls: type[Any]) -> _Codec:
    codec = _CODECS.get(cls)
    if codec is None:
        codec = _CODECS[cls] = _Codec(
            # Unknown fields are skipped; absent ones take the default (None).
            msgspec.json.Decoder(cls),
            msgspec.json.Decoder(tuple[cls, ...]),  # type: ignore[valid-type]
            _rules(cls),
        )
    return codec


def _rules(cls: type[Any]) -> _Rules:
    """The rules of each field, derived from the record class's hints."""
    hints = typing.get_type_hints(cls)
    integers, datetimes, relations = [], [], []
    for f in dataclasses.fields(cls):
        hint = hints[f.name]
        args = typing.get_args(hint)
        optional = isinstance(hint, types.UnionType) and type(None) in args
        inner = next(a for a in args if a is not type(None)) if optional else hint
        if inner is int:
            integers.append((f.name, f.metadata.get("max", MAX_ID)))
        elif inner is datetime:
            datetimes.append(f.name)
        elif typing.get_origin(inner) is tuple:
            relations.append((f.name, _rules(typing.get_args(inner)[0])))
        elif inner not in (str, date):  # pragma: no cover - a new field type
            raise TypeError(f"no rule for {hint!r}")
    return _Rules(tuple(integers), tuple(datetimes), tuple(relations))
