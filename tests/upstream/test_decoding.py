"""The typed decoder answers as the parser it replaced (`tests.upstream.reference`).

Drawn bodies: records valid or not field by field (wrong types, integers at
and past the contract's bounds, booleans, datetimes with and without an
offset or out of range, nulls, unknown fields, nested records), other JSON
values, and broken JSON. On the item path and the page path both sides must
end alike: the same record (each datetime with the same offset) or the same
`UpstreamUnavailable` message. Where they differ by decision, the cases are
pinned one by one below the property tests.
"""

from __future__ import annotations

import dataclasses
import json
import typing
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wethod_graphql.errors import UpstreamUnavailable
from wethod_graphql.upstream.items import parse_item
from wethod_graphql.upstream.listing import parse_page
from wethod_graphql.upstream.records import MAX_ID, ClientRecord
from wethod_graphql.upstream.resources import CLIENTS

from . import reference

Strategy = st.SearchStrategy[Any]
EXAMPLES = settings(
    max_examples=500,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# A record class of another resource, typed like ClientRecord: the decoder
# is derived from any such class.
@dataclass(frozen=True, slots=True)
class TaskRecord:
    id: int
    name: str | None = None
    due: date | None = None


@dataclass(frozen=True, slots=True)
class ProjectRecord:
    id: int
    name: str | None = None
    client_id: int | None = None
    updated_at: datetime | None = None
    tasks: tuple[TaskRecord, ...] | None = None


# Lone surrogates would not encode: escaped ones are pinned below.
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=8)
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | TEXT,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3)
    ),
    max_leaves=8,
)


def integers(maximum: int) -> st.SearchStrategy[int]:
    return st.integers(1, maximum) | st.sampled_from([1, maximum])


def odd_integers(maximum: int) -> st.SearchStrategy[object]:
    """Integers past the contract's range, and what JSON has that is not one."""
    return st.one_of(
        st.sampled_from([maximum + 1, 0]),
        st.sampled_from([-1, 2**63, 2**64, 10**30, -(2**63)]),
        st.integers(-(2**70), 2**70),
        st.booleans(),
        st.floats(allow_nan=False, allow_infinity=False),
        st.just(1.0),
    )


DATES = st.dates().map(date.isoformat)
#: Dates in ISO form with a month or a day out of range.
ODD_DATES = st.builds(
    "{:04d}-{:02d}-{:02d}".format,
    st.integers(0, 9999),
    st.integers(0, 13),
    st.integers(0, 32),
)


@st.composite
def datetimes(draw: st.DrawFn, day: st.SearchStrategy[str], most: int) -> str:
    """RFC 3339 datetimes, naive or with an offset, up to microseconds; any
    part up to `most` (60 for valid ones: 23 hours, 59 minutes and seconds)."""
    hour, minute, second = (draw(st.integers(0, n)) for n in (most - 37, most, most))
    digits = draw(st.text("0123456789", min_size=1, max_size=6))
    fraction = draw(st.sampled_from(["", f".{digits}"]))
    sign = draw(st.sampled_from("+-"))
    hours, minutes = draw(st.integers(0, most - 37)), draw(st.integers(0, 59))
    offset = draw(
        st.sampled_from(
            [
                "",
                "Z",
                f"{sign}{hours:02d}:{minutes:02d}",
                f"{sign}{hours:02d}{minutes:02d}",
            ]
        )
    )
    separator = draw(st.sampled_from("T t"))
    time = f"{hour:02d}:{minute:02d}:{second:02d}"
    return f"{draw(day)}{separator}{time}{fraction}{offset}"


def kinds(field: dataclasses.Field[Any], hint: object) -> tuple[Strategy, Strategy]:
    """What a field typed `hint` holds when valid, and odd values for it."""
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    inner = args[0] if args else hint
    if typing.get_origin(inner) is tuple:
        items = records(typing.get_args(inner)[0])
        return st.lists(items, max_size=3), st.lists(items | JSON, min_size=1)
    if inner is int:
        maximum = field.metadata.get("max", MAX_ID)
        return integers(maximum), odd_integers(maximum)
    if inner is datetime:
        odd = datetimes(DATES | ODD_DATES, 61)
        return datetimes(DATES, 59), odd | TEXT
    if inner is date:
        return DATES, ODD_DATES | TEXT
    return TEXT, st.nothing()


PRESENCE = st.sampled_from(["valid", "valid", "valid", "absent", "null"])


def records(cls: type[Any], *, ids: Strategy | None = None) -> Strategy:
    """A JSON object for `cls`: its fields valid, null or absent, none to two
    of them odd (or of another JSON type), and fields it does not have."""
    hints = typing.get_type_hints(cls)
    fields = {f.name: kinds(f, hints[f.name]) for f in dataclasses.fields(cls)}
    if ids is not None:
        fields["id"] = (ids, fields["id"][1])
    unknown = st.dictionaries(TEXT.filter(lambda k: k not in fields), JSON, max_size=2)

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, object]:
        body: dict[str, object] = dict(draw(unknown))
        for name, (valid, _) in fields.items():
            presence = draw(PRESENCE)
            if name == "id" or presence == "valid":
                body[name] = draw(valid)
            elif presence == "null":
                body[name] = None
        for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2]))):
            name = draw(st.sampled_from(sorted(fields)))
            body[name] = draw(fields[name][1] | JSON | st.none())
        return body

    return build()


@st.composite
def bodies(draw: st.DrawFn, values: Strategy) -> bytes:
    """`values` as JSON, now and then broken (cut short, or a character
    replaced). Always UTF-8: bytes that are not are pinned below."""
    text = json.dumps(draw(values), ensure_ascii=draw(st.booleans()))
    broken = draw(st.sampled_from(["no"] * 10 + ["cut", "replaced"]))
    if broken == "cut" and len(text) > 1:
        text = text[: draw(st.integers(1, len(text) - 1))]
    elif broken == "replaced":
        at = draw(st.integers(0, len(text) - 1))
        text = (
            text[:at] + draw(st.characters(exclude_categories=["Cs"])) + text[at + 1 :]
        )
    return text.encode()


def plain(value: object) -> object:
    """`value` with every datetime as its ISO form: the same instant in
    another offset, or naive, is a difference."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)
        return type(value), tuple(plain(getattr(value, f.name)) for f in fields)
    if isinstance(value, tuple):
        return tuple(plain(item) for item in value)
    if isinstance(value, date):  # datetimes too
        return type(value), value.isoformat()
    return type(value), value


def outcome(parse: Callable[[], object]) -> object:
    try:
        return plain(parse())
    except UpstreamUnavailable as error:
        return UpstreamUnavailable, str(error)


CLIENT_BODIES = bodies(records(ClientRecord, ids=st.sampled_from([9, 9, 9, 10])) | JSON)


@EXAMPLES
@given(body=CLIENT_BODIES)
def test_an_item_decodes_as_the_reference_parses(body: bytes) -> None:
    new = outcome(lambda: parse_item(CLIENTS, body, number=9, include=frozenset()))
    assert new == outcome(lambda: reference.parse_item(CLIENTS, body, number=9))


HINTS = typing.get_type_hints(ClientRecord)
FIELDS = {f.name: kinds(f, HINTS[f.name]) for f in dataclasses.fields(ClientRecord)}


@pytest.mark.parametrize("name", sorted(FIELDS))
@settings(EXAMPLES, max_examples=50)
@given(data=st.data())
def test_each_field_alone_decodes_as_the_reference_parses(
    name: str, data: st.DataObject
) -> None:
    valid, odd = FIELDS[name]
    body = json.dumps({"id": 9, name: data.draw(valid | odd)}).encode()
    new = outcome(lambda: parse_item(CLIENTS, body, number=9, include=frozenset()))
    assert new == outcome(lambda: reference.parse_item(CLIENTS, body, number=9))


BOUNDS = [0, 1, 2**31 - 1, 2**31, 2**63 - 1, 2**63, True, 1.0]
#: Where an integer goes: the id, the 32-bit group company, another key, a
#: nested record's id.
PLACES: dict[str, Callable[[object], object]] = {
    "id": lambda value: {"id": value},
    "group_company": lambda value: {"id": 9, "group_company": value},
    "group_id": lambda value: {"id": 9, "group_id": value},
    "nested id": lambda value: {"id": 9, "external_identifiers": [{"id": value}]},
}


@pytest.mark.parametrize("value", BOUNDS)
@pytest.mark.parametrize("place", PLACES)
def test_integers_at_the_contracts_bounds(place: str, value: object) -> None:
    body = json.dumps(PLACES[place](value)).encode()
    new = outcome(lambda: parse_item(CLIENTS, body, number=9, include=frozenset()))
    assert new == outcome(lambda: reference.parse_item(CLIENTS, body, number=9))


def pages(cls: type[Any]) -> st.SearchStrategy[bytes]:
    pages = st.lists(records(cls), max_size=5)
    return bodies(st.one_of(pages, pages, st.lists(JSON, max_size=2), JSON))


LIMITS = st.sampled_from([4, 100, 2, 1])


@EXAMPLES
@given(body=pages(ClientRecord), limit=LIMITS)
def test_a_page_of_clients_decodes_as_the_reference_parses(
    body: bytes, limit: int
) -> None:
    new = outcome(lambda: parse_page(ClientRecord, body, limit))
    assert new == outcome(lambda: reference.parse_page(ClientRecord, body, limit))


@EXAMPLES
@given(body=pages(ProjectRecord), limit=LIMITS)
def test_a_page_of_another_record_decodes_as_the_reference_parses(
    body: bytes, limit: int
) -> None:
    new = outcome(lambda: parse_page(ProjectRecord, body, limit))
    assert new == outcome(lambda: reference.parse_page(ProjectRecord, body, limit))


# Differences by decision. The contract's datetimes are RFC 3339's (format
# date-time, as the API sends them: 2026-05-15T17:08:59.548Z) and its dates
# ISO 8601's full dates; the reference took whatever datetime.fromisoformat
# of Python 3.11 took, which is more.

BEYOND_RFC_3339 = [
    "2021-03-10",  # a date
    "2021-03-10T08:37",  # no seconds
    "2021-03-10T08",
    "20210310T083700Z",  # ISO 8601's basic format
    "2021-03-10T0837",
    "2021-W10-3T08:37:00",  # a week date
    "2021-03-10X08:37:00Z",  # another separator than T, t or a space
    "2021-03-10T08:37:00,5Z",  # a decimal comma
    "2021-03-10T08:37:00.Z",  # a point without digits
    "2021-03-10T08:37:00+02",  # an offset without minutes
    "2021-03-10T08:37:00+02:00:30",  # or with seconds
    "2021-03-10T08:37:00+02:60",  # or 60 minutes
]


def _client(**fields: object) -> bytes:
    return json.dumps({"id": 9, **fields}).encode()


@pytest.mark.parametrize("value", BEYOND_RFC_3339)
def test_a_datetime_beyond_rfc_3339_is_refused(value: str) -> None:
    body = _client(updated_at=value)
    assert reference.parse_item(CLIENTS, body, number=9).updated_at is not None
    with pytest.raises(UpstreamUnavailable, match="unexpected body"):
        parse_item(CLIENTS, body, number=9, include=frozenset())


@pytest.mark.parametrize("value", ["20240229", "2024-W09-4"])
def test_a_date_beyond_iso_full_dates_is_refused(value: str) -> None:
    body = _client(intent_date=value)
    assert reference.parse_item(CLIENTS, body, number=9).intent_date is not None
    with pytest.raises(UpstreamUnavailable, match="unexpected body"):
        parse_item(CLIENTS, body, number=9, include=frozenset())


def test_a_lowercase_z_is_utc() -> None:
    # RFC 3339 allows it; fromisoformat did not.
    body = _client(updated_at="2021-03-10T08:37:00z")
    with pytest.raises(UpstreamUnavailable):
        reference.parse_item(CLIENTS, body, number=9)
    record = parse_item(CLIENTS, body, number=9, include=frozenset())
    assert record.updated_at == datetime(2021, 3, 10, 8, 37, tzinfo=UTC)


def test_past_microseconds_a_fraction_is_rounded_not_cut() -> None:
    body = _client(updated_at="2021-03-10T08:37:00.1234567Z")
    old = reference.parse_item(CLIENTS, body, number=9)
    assert old.updated_at.microsecond == 123456
    record = parse_item(CLIENTS, body, number=9, include=frozenset())
    assert record.updated_at.microsecond == 123457


@pytest.mark.parametrize(
    "body",
    [
        b'{"id": 9, "surprise": "\xff"}',  # not UTF-8
        b'{"id": 9, "\xffsurprise": 1}',
        b'{"id": 9, "surprise": 1e400}',  # past a double
    ],
)
def test_an_ignored_field_is_only_checked_to_be_json(body: bytes) -> None:
    # The reference read the whole body into Python first; ignored fields
    # are now skipped, their syntax checked and their values never built.
    # Checking their encoding too would cost a pass over every body.
    with pytest.raises(UpstreamUnavailable, match="invalid JSON"):
        reference.parse_item(CLIENTS, body, number=9)
    assert parse_item(CLIENTS, body, number=9, include=frozenset()).id == 9


@pytest.mark.parametrize(
    "body",
    [
        b'{"id": 9, "corporate_name": "\xff"}',  # not UTF-8
        b'{"id": 9, "corporate_name": "\xed\xa0\x80"}',  # an encoded surrogate
        b'{"id": 9, "corporate_name": "\\ud800"}',  # lone surrogates, escaped
        b'{"id": 9, "surprise": "\\udc00"}',
        b'{"id": 9, "corporate_name": "\\ud800\\udc00"}',  # a pair: fine
        b'\xef\xbb\xbf{"id": 9}',  # a byte order mark
    ],
)
def test_encodings_as_the_reference(body: bytes) -> None:
    new = outcome(lambda: parse_item(CLIENTS, body, number=9, include=frozenset()))
    assert new == outcome(lambda: reference.parse_item(CLIENTS, body, number=9))


def test_a_repeated_key_must_be_valid_each_time() -> None:
    # RFC 8259 leaves repeated names to the parser; the reference kept the last.
    body = b'{"id": "9", "id": 9}'
    assert reference.parse_item(CLIENTS, body, number=9).id == 9
    with pytest.raises(UpstreamUnavailable, match="unexpected body"):
        parse_item(CLIENTS, body, number=9, include=frozenset())
    last = parse_item(CLIENTS, b'{"id": 1, "id": 9}', number=9, include=frozenset())
    assert last.id == 9


DEEP = b'{"id": 9, "surprise": ' + b"[" * 5000 + b"]" * 5000 + b"}"


def test_json_nested_too_deep_is_invalid_on_both_paths() -> None:
    # msgspec's limit is the interpreter's recursion limit (RecursionError),
    # orjson's 1024 levels: between the two, a body is now unexpected.
    for body, limit in ((DEEP, 1), (b"[" + DEEP + b"]", 1)):
        with pytest.raises(UpstreamUnavailable, match="invalid JSON"):
            parse_item(CLIENTS, body, number=9, include=frozenset())
        with pytest.raises(UpstreamUnavailable, match="invalid JSON"):
            parse_page(ClientRecord, body, limit)
