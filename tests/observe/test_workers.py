"""`serve --workers 2`: any worker's `/metrics` sums what every worker counted,
and forgets the calls in flight of a worker that died."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import DEMO_HEADERS
from tests.servers import clean_environ, run_command, run_in_thread
from wethod_graphql.demo import DemoApi

COMMAND = [sys.executable, "-m", "wethod_graphql", "serve", "--port", "0"]
REQUESTS = 12
IN_FLIGHT = "wethod_graphql_upstream_in_flight"
#: Only a guard against a hung test: every wait ends on an event long before.
GUARD = 60.0


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


def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + GUARD
    while not condition():
        assert time.monotonic() < deadline, f"still waiting for {what}"
        time.sleep(0.02)


def scrape(url: str) -> float:
    """The in-flight gauge as one worker's `/metrics` sums it (a connection
    each, so the scrapes go to either worker)."""
    response = httpx.get(f"{url}/metrics", headers={"connection": "close"}, timeout=20)
    return totals(response.text)[IN_FLIGHT]


def holding(directory: Path) -> list[int]:
    """The pids whose own in-flight gauge file is above zero."""
    pids = []
    for path in directory.glob("gauge_livesum_*.db"):
        for metric in MultiProcessCollector.merge([str(path)]):  # type: ignore[no-untyped-call]
            if metric.name == IN_FLIGHT and any(s.value > 0 for s in metric.samples):
                pids.append(int(path.stem.rsplit("_", 1)[1]))
    return pids


def call_in_background(url: str, answers: list[object]) -> threading.Thread:
    """Ask for a client in a thread; its answer, or its failure, goes to `answers`."""

    def call() -> None:
        try:
            response = httpx.post(
                f"{url}/graphql",
                json={"query": '{ client(id: "1") { id } }'},
                headers={**DEMO_HEADERS, "connection": "close"},
                timeout=GUARD,
            )
        except httpx.HTTPError as error:  # its worker died
            answers.append(error)
        else:
            answers.append(response.json())

    thread = threading.Thread(target=call, daemon=True)
    thread.start()
    return thread


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_a_killed_workers_calls_in_flight_leave_the_sum(tmp_path: Path) -> None:
    demo = DemoApi()
    directory = tmp_path / "metrics"
    directory.mkdir()
    environ = {**clean_environ(), "PROMETHEUS_MULTIPROC_DIR": str(directory)}
    with run_in_thread(demo.app) as demo_url:
        command = [*COMMAND, "--upstream", demo_url, "--workers", "2"]
        with run_command(command, tmp_path / "err.log", env=environ) as running:
            # The barrier wants two calls: the first one waits at the demo.
            demo.hold(2, timeout=GUARD)
            killed: list[object] = []
            dying = call_in_background(running.url, killed)
            wait_until(lambda: demo.log.in_flight == 1, "the call at the barrier")
            (worker,) = holding(directory)
            assert worker != running.process.pid
            before = scrape(running.url)
            os.kill(worker, signal.SIGKILL)
            # Reaped by the supervisor: gone from /proc, as a zombie is not.
            wait_until(lambda: not Path(f"/proc/{worker}").exists(), "the reaping")
            after_kill = [scrape(running.url) for _ in range(4)]
            left = (directory / f"gauge_livesum_{worker}.db").exists()
            dying.join(GUARD)

            # A live worker's call still counts.
            demo.barrier.clear()  # the dead worker's call, answered to no one
            wait_until(lambda: demo.log.in_flight == 0, "the demo to be idle")
            demo.hold(2, timeout=GUARD)
            answered: list[object] = []
            held = call_in_background(running.url, answered)
            wait_until(lambda: demo.log.in_flight == 1, "the second call")
            while_held = [scrape(running.url) for _ in range(4)]
            demo.barrier.clear()
            held.join(GUARD)
            done = scrape(running.url)
    assert before == 1
    (died,) = killed  # no answer: its worker was killed
    assert isinstance(died, httpx.TransportError)
    assert after_kill == [0, 0, 0, 0]
    assert not left
    assert while_held == [1, 1, 1, 1]
    assert done == 0
    assert answered == [{"data": {"client": {"id": "1"}}}]
