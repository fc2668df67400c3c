"""Persisted operations: Apollo's automatic persisted queries and a manifest.

A request names its document by hash (`extensions.persistedQuery
{version: 1, sha256Hash}`, Apollo's protocol; a manifest's own ids work
there too), or sends its text. `resolve` turns it into
the text to run:
- a hash in the manifest, or registered before, runs its text;
- an unknown hash without text is `PersistedQueryNotFound` (the client then
  resends it with the text);
- a hash with text registers the text, once it parses and validates, if the
  hash is the text's SHA-256 (else `BAD_REQUEST`);
- with `only` (`WETHOD_PERSISTED_ONLY`), any text outside the manifest is
  `PersistedQueryNotAllowed`, and nothing is registered.

Registered texts live in the persisted store for `REGISTERED_TTL` seconds
after their last registration, bounded by count and bytes in process and by
Redis's memory policy there; a store failure is a miss.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from wethod_graphql.errors import (
    PersistedQueryNotAllowed,
    PersistedQueryNotFound,
    RequestError,
    StoreUnavailable,
)
from wethod_graphql.server.manifest import DOCUMENT_ID, sha256_hex
from wethod_graphql.store.base import Store

#: How long a registered text is kept after its registration.
REGISTERED_TTL = 24 * 3600.0
_SHA256 = re.compile(r"[0-9a-f]{64}")


class PersistedOperations:
    """Resolves persisted-operation requests to the text they run."""

    def __init__(
        self,
        store: Store,
        manifest: Mapping[str, str],
        *,
        only: bool,
        is_valid: Callable[[str], bool],
    ) -> None:
        """`is_valid(text)`: whether a text parses and validates."""
        self._store = store
        self._manifest = dict(manifest)
        self._trusted = frozenset(manifest.values())
        self._only = only
        self._is_valid = is_valid

    async def resolve(self, query: object, extensions: object) -> object:
        """The text to run: `query` itself when nothing is persisted.

        Returns `query` unchanged (whatever it is) for a plain request, so
        the endpoint's own checks still speak about a missing or bad query.
        """
        persisted = (
            extensions.get("persistedQuery") if isinstance(extensions, dict) else None
        )
        if persisted is not None:
            return await self._by_hash(query, _hash_of(persisted))
        if self._only and isinstance(query, str) and query not in self._trusted:
            raise _not_allowed()
        return query

    async def _by_hash(self, query: object, sha: str) -> str:
        known = self._manifest.get(sha)
        if query is None:
            if known is not None:
                return known
            # Under `only`, a text another replica registered is no better.
            text = None if self._only else await self._registered(sha)
            if text is None:
                raise PersistedQueryNotFound
            return text
        if not isinstance(query, str):
            raise RequestError("`query` must be a string.")
        if known == query:
            return query
        if sha256_hex(query) != sha:
            raise RequestError("The persisted query's hash does not match its text.")
        if self._only:
            raise _not_allowed()
        if self._is_valid(query):
            await self._register(sha, query)
        return query

    async def _registered(self, sha: str) -> str | None:
        if not _SHA256.fullmatch(sha):
            return None
        try:
            raw = await self._store.get(f"apq:{sha}")
        except StoreUnavailable:
            return None
        return raw.decode() if raw is not None else None

    async def _register(self, sha: str, text: str) -> None:
        try:
            await self._store.set(f"apq:{sha}", text.encode(), REGISTERED_TTL)
        except StoreUnavailable:
            return  # the client sends the text again on its next miss


def _hash_of(persisted: object) -> str:
    if not isinstance(persisted, dict) or persisted.get("version") != 1:
        raise RequestError("Only version 1 of persisted queries is supported.")
    sha = persisted.get("sha256Hash")
    if not isinstance(sha, str) or not DOCUMENT_ID.fullmatch(sha):
        raise RequestError("`persistedQuery.sha256Hash` is not a hash.")
    return sha


def _not_allowed() -> PersistedQueryNotAllowed:
    return PersistedQueryNotAllowed(
        "Only the service's persisted operations may run here; "
        "this document is not one of them."
    )
