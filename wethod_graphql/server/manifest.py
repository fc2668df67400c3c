"""Trusted documents: the manifest `WETHOD_PERSISTED_OPERATIONS` names.

Two formats are read:
- Apollo's persisted query manifest (`generate-persisted-query-manifest`):
  `{"format": "apollo-persisted-query-manifest", "version": 1,
  "operations": [{"id": SHA256, "body": TEXT, ...}]}`;
- a map of id to text, as GraphQL Codegen's client preset writes
  (`persisted-documents.json`) and Relay too.

Every document is indexed by its given id and by the SHA-256 of its text
(what Apollo's persisted-query link sends). Every document must parse and
validate, or start-up stops naming it.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path

from wethod_graphql.errors import ConfigError

ENV = "WETHOD_PERSISTED_OPERATIONS"
#: A bigger manifest is refused: it is read into memory whole.
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
#: What an id may look like (a hash, possibly prefixed, or a name).
DOCUMENT_ID = re.compile(r"[A-Za-z0-9:_.-]{1,128}")
_SHA256_ID = re.compile(r"[0-9a-fA-F]{64}")


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def load_manifest(path: Path, problems: Callable[[str], str | None]) -> dict[str, str]:
    """Id (and SHA-256) to text; `problems(text)` is why a text is unusable."""
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_MANIFEST_BYTES + 1)
    except OSError as error:
        raise ConfigError(f"{ENV}: cannot read {path}: {error.strerror}") from None
    if len(raw) > MAX_MANIFEST_BYTES:
        raise ConfigError(f"{ENV}: {path} is over {MAX_MANIFEST_BYTES} bytes")
    try:
        data = json.loads(raw)
    except ValueError:
        raise ConfigError(f"{ENV}: {path} is not JSON") from None
    documents = _documents(data, path)
    by_id: dict[str, str] = {}
    for document_id, text in documents.items():
        problem = problems(text)
        if problem is not None:
            raise ConfigError(f"{ENV}: document {document_id!r}: {problem}")
        by_id[document_id] = text
        by_id[sha256_hex(text)] = text
    return by_id


def _documents(data: object, path: Path) -> Mapping[str, str]:
    if (
        isinstance(data, dict)
        and data.get("format") == "apollo-persisted-query-manifest"
    ):
        if data.get("version") != 1:
            raise ConfigError(f"{ENV}: {path}: only version 1 of Apollo's format")
        operations = data.get("operations")
        if not isinstance(operations, list):
            raise ConfigError(f"{ENV}: {path}: `operations` is not a list")
        pairs = [
            (op.get("id"), op.get("body")) for op in operations if isinstance(op, dict)
        ]
        if len(pairs) != len(operations):
            raise ConfigError(f"{ENV}: {path}: an operation is not an object")
    elif isinstance(data, dict):
        pairs = list(data.items())
    else:
        raise ConfigError(f"{ENV}: {path}: expected a JSON object")
    documents: dict[str, str] = {}
    for document_id, text in pairs:
        if not isinstance(document_id, str) or not DOCUMENT_ID.fullmatch(document_id):
            raise ConfigError(f"{ENV}: {path}: bad id {str(document_id)[:40]!r}")
        if not isinstance(text, str) or not text.strip():
            raise ConfigError(f"{ENV}: {path}: {document_id!r} has no text")
        # A 64-hex id is a SHA-256 claim; a wrong one would never match.
        if _SHA256_ID.fullmatch(document_id) and document_id.lower() != sha256_hex(
            text
        ):
            raise ConfigError(
                f"{ENV}: {path}: {document_id!r} is not the SHA-256 of its text"
            )
        documents[document_id] = text
    return documents
