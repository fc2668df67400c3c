"""Node and `node_modules` for the Apollo Client proof (see the federation tests)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.federation.conftest import NodeTools, node_tools, npm_ci

__all__ = ["node_tools"]

CLIENT_DIR = Path(__file__).resolve().parent


@pytest.fixture(scope="session")
def client_modules(
    node_tools: NodeTools, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """`tests/apollo_client/node_modules`, installed by `npm ci` when missing."""
    modules = CLIENT_DIR / "node_modules"
    # npm writes its hidden lock file last: without it the install is partial.
    if not (modules / ".package-lock.json").is_file():
        npm_ci(node_tools.npm, CLIENT_DIR, tmp_path_factory.mktemp("npm") / "ci.log")
    return modules
