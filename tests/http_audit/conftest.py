"""Node tooling for the audit: the federation tests' `node_tools`, and `npm ci`
of this directory's lock when no complete install is there."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.federation.conftest import NodeTools, node_tools, npm_ci

__all__ = ["audit_node_modules", "node_tools"]

AUDIT_DIR = Path(__file__).resolve().parent


@pytest.fixture(scope="session")
def audit_node_modules(
    node_tools: NodeTools, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    # npm writes its hidden lock file last: without it the install is partial.
    if not (AUDIT_DIR / "node_modules" / ".package-lock.json").is_file():
        log = tmp_path_factory.mktemp("npm") / "npm-ci.log"
        npm_ci(node_tools.npm, AUDIT_DIR, log)
    return AUDIT_DIR / "node_modules"
