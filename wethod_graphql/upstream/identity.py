"""Whom a limit or a cache entry belongs to: a digest, never the credentials."""

from __future__ import annotations

import hashlib

from wethod_graphql.upstream.caller import Caller


def caller_digest(caller: Caller, *more: str) -> str:
    """A SHA-256 of the caller's `Authorization`, company and `more`, in hex.

    Two callers share a digest only when they send the upstream the same
    credentials for the same company: then they are the same upstream
    caller. The digest is the same on every replica (no per-process salt),
    so a shared store sees one caller as one; tokens are long random
    strings, which a digest cannot be turned back into.
    """
    parts = (
        str(caller.authorization) if caller.authorization is not None else "",
        caller.company or "",
        *more,
    )
    # NUL cannot occur in a header value, so the parts cannot run together.
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()
