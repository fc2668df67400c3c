"""Filters of a list call: `op:value` on a date-time field, as the API reads them.

`GET /api/clients` filters `updated_at` and `deleted_at` by one condition each,
written `op:value` with `op` one of `OPERATORS`: `in:a,b,c` and `nin:a,b,c`
take a list, `bt:min,max` an inclusive range, the others one value. A
condition is checked when it is built, so a bad one is an `InputError`
before any call.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime

from wethod_graphql.errors import InputError

#: The upstream's operators, in the contract's order.
OPERATORS = ("eq", "neq", "gt", "gte", "lt", "lte", "in", "nin", "bt")
_SINGLE = frozenset({"eq", "neq", "gt", "gte", "lt", "lte"})
_LISTS = frozenset({"in", "nin"})

#: Most values of one `in`/`nin` condition: each costs some 30 characters of
#: URL, and proxies commonly refuse URLs past 8 KiB.
MAX_VALUES = 100


@dataclass(frozen=True, slots=True)
class Condition:
    """One `op:value` filter on one field (its REST name, `updated_at`).

    `label` names the condition in messages (the caller's name for the
    field); it defaults to `field`.
    """

    field: str
    operator: str
    values: tuple[datetime, ...]
    label: str = dataclasses.field(default="", compare=False)

    def __post_init__(self) -> None:
        name = self.label or self.field
        if self.operator not in OPERATORS:
            raise InputError(f"{name}: unknown operator {self.operator!r}.")
        count = len(self.values)
        if self.operator in _SINGLE and count != 1:
            raise InputError(f"{name}: {self.operator} takes one value.")
        if self.operator in _LISTS and not 1 <= count <= MAX_VALUES:
            raise InputError(f"{name}: {self.operator} takes 1 to {MAX_VALUES} values.")
        if self.operator == "bt":
            if count != 2:
                raise InputError(f"{name}: between takes from and to.")
            if _utc(self.values[0]) > _utc(self.values[1]):
                raise InputError(f"{name}: between's from is after its to.")

    @property
    def param(self) -> str:
        """The query parameter's value, `gte:2026-05-15T17:08:59.548000Z`."""
        return f"{self.operator}:{','.join(format_utc(v) for v in self.values)}"


def format_utc(value: datetime) -> str:
    """ISO 8601 in UTC with `Z`; a value without an offset is taken as UTC."""
    return _utc(value).isoformat().replace("+00:00", "Z")


def _utc(value: datetime) -> datetime:
    # The API speaks UTC; a naive value cannot mean anything else here.
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
