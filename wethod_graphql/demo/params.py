"""Query parameters of the REST endpoints, checked as the real API does.

Every bad parameter becomes one `FieldError`, so a 400 lists them all.
Contract:
- `include`: comma-separated relation names, blanks ignored, each known;
- `deleted`: exclude (default) | include | only;
- `limit`: an integer 1..100 (default 100); `offset`: an integer >= 0;
- a filter (`updated_at`, `deleted_at`) is `op:value`, op one of
  `FILTER_OPERATORS`: `in`/`nin` take a comma-separated list, `bt` exactly
  `min,max` (inclusive), the others one value; values are ISO 8601
  date-times (no offset means UTC). A null field matches no condition, as
  in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from .responses import FieldError

DELETION_FILTERS = ("exclude", "include", "only")
FILTER_OPERATORS = ("eq", "neq", "gt", "gte", "lt", "lte", "in", "nin", "bt")
MAX_LIMIT = 100
_SINGLE = ("eq", "neq", "gt", "gte", "lt", "lte")


def parse_include(
    raw: str | None, relations: tuple[str, ...], failures: list[FieldError]
) -> frozenset[str]:
    """The relations asked for; unknown names go to `failures`."""
    names = [name.strip() for name in (raw or "").split(",") if name.strip()]
    unknown = [name for name in names if name not in relations]
    if unknown:
        possible = ", ".join(relations) or "none"
        failures.append(
            FieldError(
                "include",
                f"Unknown relation(s): {', '.join(unknown)}. "
                f"Possible values: {possible}.",
            )
        )
    return frozenset(names) & frozenset(relations)


def parse_deleted(raw: str | None, failures: list[FieldError]) -> str:
    if raw is None:
        return "exclude"
    if raw not in DELETION_FILTERS:
        failures.append(
            FieldError("deleted", f"Must be one of: {', '.join(DELETION_FILTERS)}.")
        )
    return raw


def parse_int(
    raw: str | None,
    name: str,
    default: int,
    bounds: tuple[int, int | None],
    failures: list[FieldError],
) -> int:
    if raw is None:
        return default
    low, high = bounds
    wanted = f"between {low} and {high}" if high is not None else f">= {low}"
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if value < low or (high is not None and value > high):
        failures.append(FieldError(name, f"Must be an integer {wanted}."))
        return default
    return value


@dataclass(frozen=True, slots=True)
class Condition:
    """One `op:value` filter on one date-time field."""

    field: str
    operator: str
    values: tuple[datetime, ...]

    def matches(self, value: datetime | None) -> bool:
        if value is None:
            return False
        op, values = self.operator, self.values
        if op == "in":
            return value in values
        if op == "nin":
            return value not in values
        if op == "bt":
            return values[0] <= value <= values[1]
        other = values[0]
        return {
            "eq": value == other,
            "neq": value != other,
            "gt": value > other,
            "gte": value >= other,
            "lt": value < other,
            "lte": value <= other,
        }[op]


def parse_condition(
    field: str, raw: str | None, failures: list[FieldError]
) -> Condition | None:
    """The condition of a filter parameter; None when absent or bad."""
    if raw is None:
        return None
    operator, _, text = raw.partition(":")
    if operator not in FILTER_OPERATORS:
        failures.append(
            FieldError(
                field,
                f"Must be op:value, op one of: {', '.join(FILTER_OPERATORS)}.",
            )
        )
        return None
    try:
        values = tuple(_datetime(part) for part in text.split(","))
    except ValueError:
        failures.append(FieldError(field, "Values must be ISO 8601 date-times."))
        return None
    count = len(values)
    if (operator in _SINGLE and count != 1) or (operator == "bt" and count != 2):
        wanted = "two values (min,max)" if operator == "bt" else "one value"
        failures.append(FieldError(field, f"{operator} takes {wanted}."))
        return None
    return Condition(field, operator, values)


def _datetime(text: str) -> datetime:
    value = datetime.fromisoformat(text.strip())
    return value if value.tzinfo else value.replace(tzinfo=UTC)
