"""Apollo Client's persisted-query link against the service, over loopback:
the first request by hash, the fallback with the text, then hash-only hits,
with hashes sent by POST and by GET."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.datastructures import Secret

from tests.apollo_client.conftest import CLIENT_DIR
from tests.conftest import fast_settings
from tests.federation.conftest import NodeTools, child_env
from tests.servers import run_in_thread
from wethod_graphql.demo import DEMO_COMPANY, DEMO_TOKEN, DemoApi
from wethod_graphql.server.app import create_app

pytestmark = pytest.mark.node

NODE_TIMEOUT = 60
FIRST, SECOND = (
    {
        "client": {
            "__typename": "Client",
            "id": "1",
            "corporateName": "Rossi Arredamenti S.r.l.",
        }
    },
    {
        "client": {
            "__typename": "Client",
            "id": "2",
            "corporateName": "Bianchi Impianti S.r.l.",
        }
    },
)


@pytest.fixture(scope="module")
def demo() -> DemoApi:
    return DemoApi()


@pytest.fixture(scope="module")
def service_url(demo: DemoApi) -> Iterator[str]:
    with run_in_thread(demo.app) as upstream:
        settings = fast_settings(
            base_url=upstream, token=Secret(DEMO_TOKEN), company=DEMO_COMPANY
        )
        with run_in_thread(create_app(settings)) as url:
            yield f"{url}/graphql"


def run_client(
    node_tools: NodeTools, url: str, operation: str, *, get: bool
) -> dict[str, Any]:
    argv = [node_tools.node, "persisted.mjs", "--url", url, "--operation", operation]
    done = subprocess.run(  # noqa: S603 - a fixed argv, no shell
        [*argv, "--get"] if get else argv,
        cwd=CLIENT_DIR,
        capture_output=True,
        env=child_env(),
        timeout=NODE_TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-3000:]
    result: dict[str, Any] = json.loads(done.stdout)
    return result


@pytest.mark.parametrize("get", [False, True], ids=["POST", "GET"])
def test_hash_then_text_then_hash_only_hits(
    node_tools: NodeTools,
    client_modules: Path,
    service_url: str,
    get: bool,
) -> None:
    hashed = "GET" if get else "POST"
    result = run_client(node_tools, service_url, f"Over{hashed}", get=get)
    assert result["answers"] == [FIRST, SECOND, FIRST]
    assert result["sent"] == [
        {"method": hashed, "hash": True, "text": False, "status": 404},
        {"method": "POST", "hash": True, "text": True, "status": 200},
        {"method": hashed, "hash": True, "text": False, "status": 200},
        {"method": hashed, "hash": True, "text": False, "status": 200},
    ]
    # A second client process knows nothing, yet the service remembers.
    again = run_client(node_tools, service_url, f"Over{hashed}", get=get)
    assert [s["text"] for s in again["sent"]] == [False, False, False]
    assert again["answers"] == [FIRST, SECOND, FIRST]
