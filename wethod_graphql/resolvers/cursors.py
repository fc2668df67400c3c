"""Opaque page cursors: an offset, bound to the query that produced it.

A cursor is base64url text of `v1:<offset>:<scope>`, where `scope` is a
short digest of the filter and deletion filter of its list. Clients must
treat it as opaque; the service checks it before any call: a cursor that
does not decode, or that belongs to a list with another filter, is an
`InputError`. The offset is not a secret (a caller may page to any offset),
so a cursor carries no signature that would break across processes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Iterable

from wethod_graphql.errors import InputError
from wethod_graphql.upstream.listing import MAX_OFFSET

_VERSION = "v1"
#: Longer text is refused before decoding: a cursor is some 30 characters.
_MAX_CHARS = 64
_TEXT = re.compile(r"[A-Za-z0-9_-]{1,64}")
_PLAIN = re.compile(r"v1:(0|[1-9][0-9]{0,9}):([0-9a-f]{12})")


def scope_of(parts: Iterable[str]) -> str:
    """The digest binding cursors to one list's filters."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return digest[:12]


def encode_cursor(offset: int, scope: str) -> str:
    """The cursor of the row just before `offset` (the next page starts there)."""
    plain = f"{_VERSION}:{offset}:{scope}".encode()
    return base64.urlsafe_b64encode(plain).decode().rstrip("=")


def decode_cursor(cursor: str, scope: str) -> int:
    """The offset `cursor` points at, or `InputError` if it is not one of ours
    for a list with this `scope`."""
    if len(cursor) > _MAX_CHARS or not _TEXT.fullmatch(cursor):
        raise InputError("Invalid cursor: pass an endCursor exactly as received.")
    padded = cursor + "=" * (-len(cursor) % 4)
    try:
        plain = base64.urlsafe_b64decode(padded).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InputError(
            "Invalid cursor: pass an endCursor exactly as received."
        ) from None
    match = _PLAIN.fullmatch(plain)
    if match is None or int(match.group(1)) > MAX_OFFSET:
        raise InputError("Invalid cursor: pass an endCursor exactly as received.")
    if match.group(2) != scope:
        raise InputError(
            "Invalid cursor: it belongs to a list with another filter or "
            "deletion filter."
        )
    return int(match.group(1))
