"""The reference for the typed decoder (`records.decode_record`): the
hand-written parser it replaced, a field at a time over `orjson.loads`'s
result, and the item and page checks that called it, as they were.

tests/upstream/test_decoding.py draws bodies and asserts both sides agree.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from wethod_graphql.errors import UpstreamUnavailable
from wethod_graphql.upstream.failures import decode_json
from wethod_graphql.upstream.records import MAX_ID, RecordError
from wethod_graphql.upstream.resources import Resource

R = TypeVar("R")
Parser = Callable[[object], object]


def parse_item(resource: Resource, body: bytes, *, number: int) -> Any:
    """`items.parse_item` as it was (no include checked)."""
    try:
        record = parse_record(resource.record, decode_json(body))
    except RecordError as error:
        raise UpstreamUnavailable("The Wethod API sent an unexpected body.") from error
    if record.id != number:
        raise UpstreamUnavailable(
            f"The Wethod API answered for another {resource.noun.lower()}."
        )
    return record


def parse_page(record: type[R], body: bytes, limit: int) -> tuple[R, ...]:
    """`listing.parse_page` as it was, after `decode_json`."""
    data = decode_json(body)
    if not isinstance(data, list) or len(data) > limit:
        raise UpstreamUnavailable("The Wethod API sent an unexpected list.")
    try:
        return tuple(parse_record(record, item) for item in data)
    except RecordError as error:
        raise UpstreamUnavailable("The Wethod API sent an unexpected body.") from error


def parse_record(cls: type[R], data: object) -> R:
    """Parse a body into the record dataclass `cls`, or raise `RecordError`."""
    if not isinstance(data, dict):
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
            values[name] = raw
            continue
        try:
            values[name] = parse(raw)
        except (TypeError, ValueError) as error:
            raise RecordError(f"{cls.__name__}.{name}: {error}") from None
    return cls(**values)


_PARSERS: dict[type[Any], tuple[tuple[str, Parser, bool], ...]] = {}


def _field_parsers(cls: type[Any]) -> tuple[tuple[str, Parser, bool], ...]:
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
    assert typing.get_origin(hint) is tuple, hint
    item = typing.get_args(hint)[0]
    return lambda raw: _records(item, raw)


def _integer(maximum: int) -> Parser:
    def parse(raw: object) -> int:
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
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _date(raw: object) -> date:
    return date.fromisoformat(_string(raw))


def _records(cls: type[R], raw: object) -> tuple[R, ...]:
    if not isinstance(raw, list):
        raise TypeError(f"expected a list, got {type(raw).__name__}")
    return tuple(parse_record(cls, item) for item in raw)
