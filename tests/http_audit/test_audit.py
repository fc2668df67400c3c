"""The GraphQL over HTTP audit: graphql-http's `serverAudits`, 61 of 61.

`audit.mjs` runs every audit of the pinned `graphql-http` (package-lock.json)
against the service under uvicorn on loopback and prints the results; every
one must be "ok", warnings and notices included.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import fast_settings
from tests.demo_host import serving
from tests.federation.conftest import NodeTools, child_env
from tests.http_audit.conftest import AUDIT_DIR
from tests.servers import run_in_thread
from wethod_graphql.demo import DemoApi
from wethod_graphql.server.app import create_app

pytestmark = pytest.mark.node

AUDITS = 61
AUDIT_TIMEOUT = 120


def test_every_graphql_over_http_audit_passes(
    node_tools: NodeTools, audit_node_modules: Path
) -> None:
    demo = DemoApi()
    with (
        serving(demo) as demo_url,
        run_in_thread(create_app(fast_settings(base_url=demo_url))) as url,
    ):
        done = subprocess.run(  # noqa: S603 - a fixed argv, no shell
            [node_tools.node, "audit.mjs", "--url", f"{url}/graphql"],
            cwd=AUDIT_DIR,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            env=child_env(),
            timeout=AUDIT_TIMEOUT,
            check=False,
        )
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    results = json.loads(done.stdout)
    failed = [
        f"{r['id']} {r['status']}: {r['name']}: {r['reason']}"
        for r in results
        if r["status"] != "ok"
    ]
    assert failed == []
    assert len(results) == AUDITS
    # The audits ask `{ __typename }` and alike: nothing reaches the upstream.
    assert demo.requests == []
