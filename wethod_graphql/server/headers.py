"""A request's headers, read in one pass for the names a step needs.

Starlette's `Headers.get` scans every header, lower-casing and encoding the
name asked for, once per name; the hot path asks for a few names, each once.
"""

from __future__ import annotations

from collections.abc import Iterable


def first_values(
    raw: Iterable[tuple[bytes, bytes]], names: frozenset[bytes]
) -> dict[bytes, bytes]:
    """The first value of each of `names` (lower case, as ASGI names them)
    among an ASGI scope's raw `headers`, as `Headers.get` would find it."""
    seen: dict[bytes, bytes] = {}
    for name, value in raw:
        if name in names and name not in seen:
            seen[name] = value
    return seen


def text(value: bytes | None) -> str | None:
    """A header's value as text (HTTP's latin-1), None when absent."""
    return None if value is None else value.decode("latin-1")
