"""Operations and upstream faults for the plans' differential test.

`cases()` draws an operation over the whole schema (aliases, merged and
duplicated fields, named and inline fragments, `@skip`/`@include` with
literals and variables, `client`, `clients`, `_entities`, `__typename`,
`_service`), its variables (sometimes of the wrong type or missing), and
faults for the demo API to inject (each upstream status, dropped
connections, broken bodies) on ids that exist, are deleted, are missing or
are malformed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

#: Present (1-4, 12, 45: sparse), deleted (7), missing (61, 9999), malformed.
IDS = ("1", "2", "3", "4", "7", "12", "45", "61", "9999", "0", "abc")
CLIENT_LEAVES = (
    "id",
    "corporateName",
    "deletedAt",
    "createdAt",
    "intentDate",
    "groupCompany",
    "groupId",
    "vat",
    "town",
    "zipCode",
)
IDENTIFIER_LEAVES = ("id", "type", "externalId", "deletedAt", "createdAt")
#: Fragments on Client, and the fragments each spreads.
FRAGMENTS = {
    "Names": ("fragment Names on Client { id corporateName }", ()),
    "Links": (
        "fragment Links on Client { externalIdentifiers { type externalId } }",
        (),
    ),
    "Both": ("fragment Both on Client { ...Names town ...Links }", ("Names", "Links")),
    "Kind": ("fragment Kind on _Entity { __typename }", ()),
}
#: A fault that outlasts every retry of every call of one run.
PERSISTENT = 1000
STATUSES = (400, 401, 403, 404, 412, 429, 500, 502, 503, 504)


@dataclass
class Fault:
    client_id: int | None
    kind: str  # fail, drop, invalid_body
    status: int = 500
    times: int = 1


@dataclass
class Case:
    query: str
    variables: dict[str, Any]
    faults: list[Fault]
    max_calls: int


@dataclass
class _Draft:
    """An operation being drawn: its variables and fragments as they are used."""

    definitions: dict[str, str] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)
    fragments: set[str] = field(default_factory=set)

    def variable(self, name: str, type_: str, value: Any, present: bool) -> str:
        self.definitions[name] = type_
        if present:
            self.values[name] = value
        return f"${name}"

    def spread(self, name: str) -> str:
        self.fragments.add(name)
        self.fragments.update(FRAGMENTS[name][1])
        return f"...{name}"


def _rarely(draw: st.DrawFn) -> bool:
    """True about once in 20 draws (not at either end: hypothesis favours those)."""
    return draw(st.integers(0, 19)) == 7


def _directive(draw: st.DrawFn, draft: _Draft) -> str:
    choice = draw(st.integers(0, 9))
    if choice < 6:
        return ""
    if choice == 6:
        return f" @include(if: {draw(st.sampled_from(['true', 'false']))})"
    name = draw(st.sampled_from(["s", "i"]))
    if name in draft.definitions:  # one value per variable, drawn at its first use
        reference = f"${name}"
    else:
        bad = _rarely(draw)
        value = draw(st.sampled_from(["yes", None] if bad else [True, False]))
        reference = draft.variable(name, "Boolean!", value, not _rarely(draw))
    return f" @skip(if: {reference})" if name == "s" else f" @include(if: {reference})"


def _identifiers(draw: st.DrawFn, draft: _Draft) -> str:
    leaves = draw(st.lists(st.sampled_from(IDENTIFIER_LEAVES), min_size=1, max_size=4))
    if draw(st.booleans()):
        leaves.append("__typename")
    alias = draw(st.sampled_from(["", "", "links: "]))
    return (
        f"{alias}externalIdentifiers{_directive(draw, draft)} {{ {' '.join(leaves)} }}"
    )


def _selection(draw: st.DrawFn, draft: _Draft, entity: bool, depth: int) -> str:
    """A selection on `Client`; `Kind` (on `_Entity`) applies to it too."""
    items: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.integers(0, 9 if depth < 1 else 5))
        if kind <= 2:
            leaf = draw(st.sampled_from(CLIENT_LEAVES))
            alias = draw(st.sampled_from(["", "", "", f"my_{leaf}: "]))
            items.append(f"{alias}{leaf}{_directive(draw, draft)}")
        elif kind == 3:
            items.append("__typename")
        elif kind <= 5:
            items.append(_identifiers(draw, draft))
        elif kind <= 7:
            condition = draw(st.sampled_from(["on Client ", ""]))
            inner = _selection(draw, draft, False, depth + 1)
            items.append(
                f"... {condition}{_directive(draw, draft).strip()} {{ {inner} }}"
            )
        else:
            name = draw(st.sampled_from(["Names", "Links", "Both", "Kind"]))
            items.append(draft.spread(name) + _directive(draw, draft))
    return " ".join(items)


def _entity_selection(draw: st.DrawFn, draft: _Draft) -> str:
    """What `_Entity` (a union) allows: fragments and `__typename`."""
    items: list[str] = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.integers(0, 5))
        if kind <= 2:
            inner = _selection(draw, draft, False, 0)
            items.append(f"... on Client{_directive(draw, draft)} {{ {inner} }}")
        elif kind == 3:
            items.append("__typename")
        elif kind == 4:
            items.append("... on _Entity { __typename }")
        else:
            name = draw(st.sampled_from(["Names", "Links", "Both", "Kind"]))
            items.append(draft.spread(name) + _directive(draw, draft))
    return " ".join(items)


def _id(draw: st.DrawFn, draft: _Draft, index: int) -> str:
    value = draw(st.sampled_from(IDS))
    if draw(st.booleans()):
        return f'"{value}"'
    number = int(value) if value.isdigit() else value
    given = draw(st.sampled_from([number, 1.5, None])) if _rarely(draw) else value
    return draft.variable(f"id{index}", "ID!", given, not _rarely(draw))


def _deleted(draw: st.DrawFn, draft: _Draft, index: int) -> str:
    choice = draw(st.sampled_from(["", "EXCLUDE", "INCLUDE", "ONLY", "$"]))
    if choice != "$":
        return f", deleted: {choice}" if choice else ""
    value = draw(st.sampled_from(["EXCLUDE", "INCLUDE", "ONLY"] * 4 + ["NOPE"]))
    return f", deleted: {draft.variable(f'd{index}', 'DeletionFilter!', value, True)}"


def _representation(draw: st.DrawFn) -> Any:
    choice = draw(st.integers(0, 9))
    if choice == 0:
        return {"__typename": "Nope", "id": "1"}
    if choice == 1:
        return {"__typename": "Client"}
    if choice == 2:
        return "not an object"
    if choice == 3:
        return {"__typename": "Client", "id": draw(st.sampled_from([3, 2.5, True]))}
    return {"__typename": "Client", "id": draw(st.sampled_from(IDS)), "extra": 1}


def _root(draw: st.DrawFn, draft: _Draft, index: int) -> str:
    kinds = ["client"] * 6 + ["clients"] * 4 + ["_entities"] * 3 + ["__typename"]
    kind = (
        "_service" if _rarely(draw) and _rarely(draw) else draw(st.sampled_from(kinds))
    )
    alias = draw(st.sampled_from([f"r{index}: "] * 8 + ["", "same: "]))
    if kind == "__typename":
        return f"{alias}__typename"
    if kind == "_service":
        return "_service { sdl }"
    if kind == "_entities":
        selection = _entity_selection(draw, draft)
    else:
        selection = _selection(draw, draft, False, 0)
    if kind == "client":
        arguments = f"id: {_id(draw, draft, index)}{_deleted(draw, draft, index)}"
    elif kind == "clients":
        ids = draw(st.lists(st.sampled_from(IDS), max_size=5))
        if draw(st.booleans()):
            listed = ", ".join(f'"{i}"' for i in ids)
            arguments = f"ids: [{listed}]"
        else:
            value: Any = ids if draw(st.integers(0, 9)) else (ids[0] if ids else "3")
            arguments = f"ids: {draft.variable(f'ids{index}', '[ID!]!', value, True)}"
        arguments += _deleted(draw, draft, index)
    else:
        representations = [
            _representation(draw) for _ in range(draw(st.integers(0, 4)))
        ]
        arguments = f"representations: {draft.variable(f'r{index}', '[_Any!]!', representations, True)}"
    directive = _directive(draw, draft)
    return f"{alias}{kind}({arguments}){directive} {{ {selection} }}"


@st.composite
def cases(draw: st.DrawFn) -> Case:
    draft = _Draft()
    roots = [_root(draw, draft, index) for index in range(draw(st.integers(1, 4)))]
    if draw(st.integers(0, 9)) == 0:
        roots.append(roots[0])  # the very same field twice: merged
    header = ", ".join(f"${name}: {type_}" for name, type_ in draft.definitions.items())
    fragments = " ".join(FRAGMENTS[name][0] for name in sorted(draft.fragments))
    query = (
        f"query Q{f'({header})' if header else ''} {{ {' '.join(roots)} }} {fragments}"
    )
    faults = [
        Fault(
            client_id=draw(st.sampled_from([1, 2, 3, 4, 7, 12, 61, None])),
            kind=draw(
                st.sampled_from(["fail", "fail", "fail", "drop", "invalid_body"])
            ),
            status=draw(st.sampled_from(STATUSES)),
            # Every call the fault matches fails, never "the first N": over
            # loopback, concurrent calls (a client under two filters, or any
            # client for a fault without one) reach the demo in any order.
            times=PERSISTENT,
        )
        for _ in range(draw(st.integers(0, 3)))
    ]
    return Case(query, draft.values, faults, draw(st.sampled_from([1000, 1000, 3])))
