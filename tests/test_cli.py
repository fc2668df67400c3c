"""The `wethod-graphql` command, run as people run it."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from uvicorn.config import STARTUP_FAILURE

from tests.conftest import DEMO_HEADERS
from tests.servers import clean_environ, run_command, run_in_thread
from wethod_graphql.cli import main, parser, serve_settings, worker_app
from wethod_graphql.demo import DemoApi

ROOT = Path(__file__).parents[1]
COMMAND = [sys.executable, "-m", "wethod_graphql"]


def test_schema_prints_the_committed_sdl(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    assert capsys.readouterr().out == (ROOT / "schema.graphql").read_text()


def test_console_script_is_installed() -> None:
    result = subprocess.run(  # noqa: S603
        [str(Path(sys.executable).parent / "wethod-graphql"), "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip()[0].isdigit()


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("WETHOD_TIMEOUT", "soon"),
        ("WETHOD_RETRIES", "0"),
        ("WETHOD_BASE_URL", "ftp://x"),
    ],
)
def test_bad_settings_stop_serve_with_the_variable_named(
    variable: str, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve"], environ={variable: value}) == 2
    assert variable in capsys.readouterr().err


def test_serve_demo_answers_over_loopback(tmp_path: Path) -> None:
    command = [*COMMAND, "serve", "--demo", "--port", "0"]
    with run_command(command, tmp_path / "err.log") as running:
        url = running.url
        response = httpx.post(
            f"{url}/graphql",
            json={
                "query": '{ client(id: "1") { corporateName externalIdentifiers { externalId } } }'
            },
        )
        page = httpx.get(f"{url}/graphql", headers={"accept": "text/html"})
    assert response.json() == {
        "data": {
            "client": {
                "corporateName": "Rossi Arredamenti S.r.l.",
                "externalIdentifiers": [
                    {"externalId": "SF-0001"},
                    {"externalId": "HS-100037"},
                ],
            }
        }
    }
    assert "query Demo" in page.text  # the demo operation is GraphiQL's default


def test_sigterm_lets_in_flight_requests_finish(tmp_path: Path) -> None:
    demo = DemoApi(faults=True)
    demo.faults.delay(1, 1.0)
    results: list[httpx.Response] = []
    with run_in_thread(demo.app) as demo_url:
        command = [*COMMAND, "serve", "--port", "0", "--upstream", demo_url]
        with run_command(command, tmp_path / "err.log") as running:
            url = running.url
            request = threading.Thread(
                target=lambda: results.append(
                    httpx.post(
                        f"{url}/graphql",
                        json={"query": '{ client(id: "1") { id } }'},
                        headers=DEMO_HEADERS,
                        timeout=10,
                    )
                )
            )
            request.start()
            while demo.max_in_flight == 0 and request.is_alive():
                threading.Event().wait(0.02)
            running.process.send_signal(signal.SIGTERM)
            request.join(10)
            exit_code = running.process.wait(10)
    assert results, "the in-flight request got no answer"
    assert results[0].json() == {"data": {"client": {"id": "1"}}}
    assert exit_code == 0  # a requested stop that went well


def test_missing_graphiql_assets_stop_serve_cleanly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    environ = {"WETHOD_GRAPHIQL_ASSETS_DIR": str(tmp_path / "nowhere")}
    assert main(["serve"], environ=environ) == 2
    assert "WETHOD_GRAPHIQL_ASSETS_DIR" in capsys.readouterr().err


def test_serve_flags_override_the_environment() -> None:
    args = parser().parse_args(
        ["serve", "--max-ids", "7", "--timeout", "2.5", "--upstream", "http://up:9/"]
    )
    environ = {"WETHOD_MAX_IDS": "50", "WETHOD_COMPANY": "acme"}
    settings = serve_settings(args, environ)
    assert (settings.max_ids, settings.timeout, settings.company) == (7, 2.5, "acme")
    assert settings.base_url == "http://up:9"


def test_no_token_flag(capsys: pytest.CaptureFixture[str]) -> None:
    # A token on a command line is visible to every user of the machine.
    with pytest.raises(SystemExit):
        parser().parse_args(["serve", "--token", "secret"])
    assert "unrecognized arguments" in capsys.readouterr().err


def test_bad_flag_values_are_named_like_their_variable(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["serve", "--max-ids", "many"], environ={}) == 2
    assert "WETHOD_MAX_IDS" in capsys.readouterr().err


def test_demo_api_serves_the_rest_api_alone(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [*COMMAND, "demo-api", "--port", str(port)]
    with (tmp_path / "err.log").open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=log)  # noqa: S603
        try:
            response = _get_when_up(
                f"http://127.0.0.1:{port}/api/clients/1",
                headers={**DEMO_HEADERS, "wethod-version": "2024-06-15"},
            )
        finally:
            process.terminate()
            process.wait(10)
    assert response.json()["corporate_name"] == "Rossi Arredamenti S.r.l."


def _get_when_up(
    url: str, headers: dict[str, str], within: float = 20.0
) -> httpx.Response:
    deadline = time.monotonic() + within
    while True:
        try:
            return httpx.get(url, headers=headers)
        except httpx.ConnectError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _worker_pids(parent: int) -> list[int]:
    """The `serve` worker processes under `parent` (not multiprocessing's helpers)."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue  # exited meanwhile
        if int(fields[1]) == parent and b"spawn_main" in cmdline:
            pids.append(int(stat.parent.name))
    return pids


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_workers_serve_with_the_flags_given_and_stop_on_sigterm(
    tmp_path: Path,
) -> None:
    many = '{ clients(ids: ["1", "2"]) { id } }'
    with run_in_thread(DemoApi().app) as demo_url:
        command = [
            *COMMAND,
            "serve",
            "--port",
            "0",
            "--upstream",
            demo_url,
            "--workers",
            "2",
            "--max-ids",  # a flag must reach every worker (checked below)
            "1",
        ]
        with run_command(command, tmp_path / "err.log") as running:
            one = _post(running.url, '{ client(id: "1") { id } }')
            refused = _post(running.url, many)
            workers = _worker_pids(running.process.pid)
            environs = [Path(f"/proc/{pid}/environ").read_bytes() for pid in workers]
            running.process.send_signal(signal.SIGTERM)
            exit_code = running.process.wait(20)
            left = [pid for pid in workers if Path(f"/proc/{pid}").exists()]
    assert one == {"data": {"client": {"id": "1"}}}
    assert refused["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert len(workers) == 2
    assert all(b"\0WETHOD_MAX_IDS=1\0" in b"\0" + env for env in environs)
    assert exit_code == 0
    assert left == []


def test_workers_and_demo_do_not_mix(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--demo", "--workers", "2"], environ={}) == 2
    assert "WETHOD_WORKERS" in capsys.readouterr().err


@pytest.mark.parametrize("value", ["0", "65", "two"])
def test_workers_are_bounded(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve"], environ={"WETHOD_WORKERS": value}) == 2
    assert "WETHOD_WORKERS" in capsys.readouterr().err


def _post(url: str, query: str, within: float = 20.0) -> Any:
    """The JSON answer. `serve` listens before its workers start, so an early
    request waits in the backlog for the first worker instead of failing."""
    response = httpx.post(
        f"{url}/graphql",
        json={"query": query},
        headers=DEMO_HEADERS,
        timeout=within,
    )
    return response.json()


def test_workers_check_what_the_app_checks_before_starting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["serve", "--workers", "2", "--graphiql-assets-dir", str(tmp_path)]
    assert main(argv, environ={}) == 2
    assert "WETHOD_GRAPHIQL_ASSETS_DIR" in capsys.readouterr().err


def test_a_worker_that_cannot_start_stops_the_supervisor(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WETHOD_WORKERS", "0")
    with pytest.raises(SystemExit) as stopped:
        worker_app()
    assert stopped.value.code == STARTUP_FAILURE
    assert "WETHOD_WORKERS" in capsys.readouterr().err


def test_serve_exempts_start_up_objects_from_the_collector() -> None:
    # In a child process: freezing in the test process would leak every app.
    code = (
        "import gc\n"
        "from wethod_graphql.cli import worker_app\n"
        "before = gc.get_freeze_count()\n"
        "worker_app()\n"
        "print(before, gc.get_freeze_count())\n"
    )
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        env=clean_environ(),
        capture_output=True,
        check=True,
    )
    before, after = map(int, out.stdout.split())
    assert before == 0
    assert after > 50_000  # the modules and the schema, at least


def test_the_request_timeout_is_a_serve_flag() -> None:
    args = parser().parse_args(["serve", "--request-timeout", "12"])
    settings = serve_settings(args, {"WETHOD_REQUEST_TIMEOUT": "40"})
    assert settings.request_timeout == 12.0
