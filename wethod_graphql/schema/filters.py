"""`ClientFilter`, `DateTimeFilter` and `DateTimeRange`: the list's filters.

Each upstream operator has its field. The upstream takes one condition per
field, so a filter sets one operator, or `gte` with `lte`, which is sent as
the inclusive `between`; any other combination is refused (BAD_USER_INPUT)
before a call. A date-time without an offset is taken as UTC.

Optional fields default to `UNSET`, not null, so the SDL shows no `= null`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from wethod_graphql.errors import InputError
from wethod_graphql.upstream.filters import MAX_VALUES, Condition


def _optional(description: str, name: str | None = None) -> Any:
    return strawberry.field(
        default=strawberry.UNSET, name=name, description=description
    )


def _given(value: object) -> bool:
    """Whether an input field was set to a value (not left out, not null)."""
    return value is not None and value is not strawberry.UNSET


@strawberry.input(description="An inclusive range of date-times.")
class DateTimeRange:
    from_: datetime = strawberry.field(
        name="from", description="The earliest date-time matched (inclusive)."
    )
    to: datetime = strawberry.field(
        description="The latest date-time matched (inclusive)."
    )


@strawberry.input(
    description="Conditions on a date-time field: set one operator, or `gte` "
    "with `lte` (the same as `between`). A null field matches no condition."
)
class DateTimeFilter:
    eq: datetime | None = _optional("Equal to.")
    neq: datetime | None = _optional("Not equal to.")
    gt: datetime | None = _optional("Later than.")
    gte: datetime | None = _optional("At or later than.")
    lt: datetime | None = _optional("Earlier than.")
    lte: datetime | None = _optional("At or earlier than.")
    in_: list[datetime] | None = _optional(
        f"Equal to one of these (1 to {MAX_VALUES}).", name="in"
    )
    nin: list[datetime] | None = _optional(
        f"Equal to none of these (1 to {MAX_VALUES})."
    )
    between: DateTimeRange | None = _optional("Within this range, both ends included.")

    def condition(self, field: str, label: str) -> Condition | None:
        """The upstream condition on `field`; None when nothing is set.

        `label` names the filter in messages (`filter.updatedAt`).
        """
        given: dict[str, tuple[datetime, ...]] = {}
        for op in ("eq", "neq", "gt", "gte", "lt", "lte"):
            value = getattr(self, op)
            if _given(value):
                given[op] = (value,)
        for op, many in (("in", self.in_), ("nin", self.nin)):
            if many is not None and _given(many):
                given[op] = tuple(many)
        if self.between is not None and _given(self.between):
            given["bt"] = (self.between.from_, self.between.to)
        if set(given) == {"gte", "lte"}:
            given = {"bt": given["gte"] + given["lte"]}
        if not given:
            return None
        if len(given) > 1:
            names = ", ".join("between" if op == "bt" else op for op in given)
            raise InputError(
                f"{label}: set one operator (or gte with lte); got {names}."
            )
        [(operator, chosen)] = given.items()
        return Condition(field, operator, chosen, label=label)


@strawberry.input(description="Which clients a list returns; conditions combine.")
class ClientFilter:
    updated_at: DateTimeFilter | None = _optional(
        "Conditions on when the client was last updated."
    )
    deleted_at: DateTimeFilter | None = _optional(
        "Conditions on when the client was deleted."
    )

    def conditions(self) -> tuple[Condition, ...]:
        """The upstream conditions; `InputError` for a bad one."""
        found = [
            value.condition(field, f"filter.{name}")
            for field, name, value in (
                ("updated_at", "updatedAt", self.updated_at),
                ("deleted_at", "deletedAt", self.deleted_at),
            )
            if value is not None and _given(value)
        ]
        return tuple(condition for condition in found if condition)
