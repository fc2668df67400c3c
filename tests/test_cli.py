"""The `wethod-graphql` command, run as people run it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import DEMO_HEADERS
from tests.servers import run_command, run_in_thread
from wethod_graphql.cli import main, parser, serve_settings
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
    env = {k: v for k, v in os.environ.items() if not k.startswith("WETHOD_")}
    command = [*COMMAND, "serve", "--demo", "--port", "0"]
    with run_command(command, tmp_path / "err.log", env=env) as running:
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
    # uvicorn re-raises the signal once shut down, as a process should.
    assert exit_code in (0, -signal.SIGTERM)


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
