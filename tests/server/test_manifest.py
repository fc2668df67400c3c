"""Loading trusted documents: Apollo's manifest and a map of id to text."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from wethod_graphql.errors import ConfigError
from wethod_graphql.server.manifest import load_manifest

QUERY = '{ client(id: "1") { id } }'
SHA = hashlib.sha256(QUERY.encode()).hexdigest()


def write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(data))
    return path


def no_problem(text: str) -> str | None:
    return None


def test_apollo_manifest(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        {
            "format": "apollo-persisted-query-manifest",
            "version": 1,
            "operations": [{"id": SHA, "name": "One", "type": "query", "body": QUERY}],
        },
    )
    assert load_manifest(path, no_problem) == {SHA: QUERY}


def test_codegen_map_is_indexed_by_its_ids_and_by_sha256(tmp_path: Path) -> None:
    path = write(tmp_path, {"b1f2c3": QUERY})
    assert load_manifest(path, no_problem) == {"b1f2c3": QUERY, SHA: QUERY}


@pytest.mark.parametrize(
    ("data", "complaint"),
    [
        ([QUERY], "expected a JSON object"),
        ({"format": "apollo-persisted-query-manifest", "version": 2}, "version 1"),
        (
            {"format": "apollo-persisted-query-manifest", "version": 1},
            "not a list",
        ),
        (
            {
                "format": "apollo-persisted-query-manifest",
                "version": 1,
                "operations": ["x"],
            },
            "not an object",
        ),
        ({"bad id!": QUERY}, "bad id"),
        ({"id": ""}, "has no text"),
        ({"0" * 64: QUERY}, "not the SHA-256"),
    ],
)
def test_a_bad_manifest_stops_start_up(
    tmp_path: Path, data: object, complaint: str
) -> None:
    with pytest.raises(ConfigError, match=complaint) as refused:
        load_manifest(write(tmp_path, data), no_problem)
    assert "WETHOD_PERSISTED_OPERATIONS" in str(refused.value)


def test_a_document_that_does_not_validate_stops_start_up(tmp_path: Path) -> None:
    path = write(tmp_path, {"a": QUERY})
    with pytest.raises(ConfigError, match="'a': Cannot query field"):
        load_manifest(path, lambda text: "Cannot query field 'x'.")


def test_an_oversized_manifest_is_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("wethod_graphql.server.manifest.MAX_MANIFEST_BYTES", 10)
    with pytest.raises(ConfigError, match="is over 10 bytes"):
        load_manifest(write(tmp_path, {"a": QUERY}), no_problem)


def test_unreadable_or_not_json(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_manifest(tmp_path / "missing.json", no_problem)
    path = tmp_path / "junk.json"
    path.write_text("{")
    with pytest.raises(ConfigError, match="not JSON"):
        load_manifest(path, no_problem)
