"""`serve --workers 2`: any worker's `/metrics` sums what every worker counted."""

from __future__ import annotations

import sys
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import DEMO_HEADERS
from tests.servers import clean_environ, run_command, run_in_thread
from wethod_graphql.demo import DemoApi

COMMAND = [sys.executable, "-m", "wethod_graphql", "serve", "--port", "0"]
REQUESTS = 12


def totals(text: str) -> dict[str, float]:
    """Each metric's samples summed over their labels."""
    summed: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            summed[sample.name] = summed.get(sample.name, 0.0) + sample.value
    return summed


def test_metrics_of_all_workers_in_one_scrape(tmp_path: Path) -> None:
    demo = DemoApi()
    environ = clean_environ()
    environ.pop("PROMETHEUS_MULTIPROC_DIR", None)
    with run_in_thread(demo.app) as demo_url:
        command = [*COMMAND, "--upstream", demo_url, "--workers", "2"]
        with run_command(command, tmp_path / "err.log", env=environ) as running:
            for n in range(REQUESTS):
                # A connection each, so the kernel spreads them over the workers.
                response = httpx.post(
                    f"{running.url}/graphql",
                    json={"query": f'{{ client(id: "{n % 5 + 1}") {{ id }} }}'},
                    headers={**DEMO_HEADERS, "connection": "close"},
                    timeout=20,
                )
                assert response.status_code == 200
            scrapes = [
                totals(
                    httpx.get(
                        f"{running.url}/metrics",
                        headers={"connection": "close"},
                        timeout=20,
                    ).text
                )
                for _ in range(6)
            ]
    calls = len(demo.client_requests())
    assert calls == REQUESTS
    for scraped in scrapes:
        assert scraped["wethod_graphql_requests_total"] == REQUESTS
        assert scraped["wethod_graphql_upstream_requests_total"] == calls
        assert scraped["wethod_graphql_upstream_calls_per_operation_count"] == REQUESTS
        assert scraped["wethod_graphql_upstream_in_flight"] == 0
