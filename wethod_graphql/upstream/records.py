"""Typed records of the Wethod API, parsed once at the boundary.

The REST API marks no field but `id` as required, so every other field is
optional. Parsing is strict about types (a string where an integer belongs is
an error, not a value passed on) and lenient about presence (unknown fields
are ignored, absent ones are `None`).
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, TypeVar

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
Parser = Callable[[object], object]


def parse_record(cls: type[R], data: object) -> R:
    """Parse a body into the record dataclass `cls`, or raise `RecordError`.

    Any frozen dataclass whose fields are typed as above parses: the parsers
    are derived from its type hints, once per class.
    """
    if not isinstance(data, dict):  # what JSON decodes an object into
        raise RecordError(f"{cls.__name__}: expected an object")
    values: dict[str, object] = {}
    parsers = _PARSERS.get(cls)
    if parsers is None:
        parsers = _PARSERS[cls] = _field_parsers(cls)
    for name, parse, required in parsers:
        raw = data.get(name)
        if raw is None:
            if required:
                raise RecordError(f"{cls.__name__}.{name}: missing")
            continue
        if parse is _string and isinstance(raw, str):
            # Most fields are strings: checked here, without a call.
            values[name] = raw
            continue
        try:
            values[name] = parse(raw)
        except (TypeError, ValueError) as error:
            raise RecordError(f"{cls.__name__}.{name}: {error}") from None
    return cls(**values)


#: Each record class's field parsers, derived on its first body: parsing
#: a body does no type introspection. Record classes are few and live as
#: long as the process.
_PARSERS: dict[type[Any], tuple[tuple[str, Parser, bool], ...]] = {}


def _field_parsers(cls: type[Any]) -> tuple[tuple[str, Parser, bool], ...]:
    """The parser of each field, derived from the record class's hints."""
    hints = typing.get_type_hints(cls)
    parsers = []
    for f in dataclasses.fields(cls):
        hint = hints[f.name]
        args = typing.get_args(hint)
        optional = isinstance(hint, types.UnionType) and type(None) in args
        inner = next(a for a in args if a is not type(None)) if optional else hint
        required = f.default is dataclasses.MISSING
        parser = (
            _integer(f.metadata.get("max", MAX_ID))
            if inner is int
            else _parser_for(inner)
        )
        parsers.append((f.name, parser, required))
    return tuple(parsers)


def _parser_for(hint: object) -> Parser:
    if hint is str:
        return _string
    if hint is datetime:
        return _datetime
    if hint is date:
        return _date
    if typing.get_origin(hint) is tuple:
        item = typing.get_args(hint)[0]
        return lambda raw: _records(item, raw)
    raise TypeError(f"no parser for {hint!r}")  # pragma: no cover - a new field type


def _integer(maximum: int) -> Parser:
    """Every integer of the contract is >= 1 (ids, the group company)."""

    def parse(raw: object) -> int:
        # bool is an int subclass; `true` is never a valid id or count.
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise TypeError(f"expected an integer, got {type(raw).__name__}")
        if not 1 <= raw <= maximum:
            raise ValueError(f"expected an integer in 1..{maximum}")
        return raw

    return parse


def _string(raw: object) -> str:
    if not isinstance(raw, str):
        raise TypeError(f"expected a string, got {type(raw).__name__}")
    return raw


def _datetime(raw: object) -> datetime:
    value = datetime.fromisoformat(_string(raw))
    # The API speaks UTC; a value without an offset would go out ambiguous.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _date(raw: object) -> date:
    return date.fromisoformat(_string(raw))


def _records(cls: type[R], raw: object) -> tuple[R, ...]:
    if not isinstance(raw, list):
        raise TypeError(f"expected a list, got {type(raw).__name__}")
    return tuple(parse_record(cls, item) for item in raw)
