"""How the commands end, run as people run them: exit status and one line.

A requested stop (SIGTERM, SIGINT) exits 0 after a graceful shutdown, with
one worker or several; an address that cannot be listened on, or a port
that is no port, exits non-zero with one line and no traceback.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import HOST, clean_environ, run_command

COMMAND = [sys.executable, "-m", "wethod_graphql"]
DEMO_API = [*COMMAND, "demo-api", "--port", "0"]
SERVE_DEMO = [*COMMAND, "serve", "--demo", "--port", "0"]
SERVE_WORKERS = [*COMMAND, "serve", "--port", "0", "--workers", "2"]


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=lambda s: s.name)
@pytest.mark.parametrize(
    ("command", "suffix"),
    [(SERVE_DEMO, "/graphql"), (SERVE_WORKERS, "/graphql"), (DEMO_API, "/api")],
    ids=["serve", "serve-workers", "demo-api"],
)
def test_a_requested_stop_exits_0_without_a_traceback(
    command: list[str], suffix: str, stop: signal.Signals, tmp_path: Path
) -> None:
    log = tmp_path / "err.log"
    with run_command(command, log, url_suffix=suffix) as running:
        running.process.send_signal(stop)
        exit_code = running.process.wait(30)
    assert exit_code == 0
    assert "Traceback" not in log.read_text()


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A port something else listens on."""
    with socket.socket() as other:
        other.bind((HOST, 0))
        other.listen()
        yield other.getsockname()[1]


def _run(command: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own command
        command,
        capture_output=True,
        text=True,
        env=clean_environ(),
        timeout=60,
        check=False,
    )


def _one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    """The error the command printed, asserting it is all it printed there."""
    lines = [
        line
        for line in result.stderr.splitlines()
        # Log records of a normal start-up may come first; they are not errors.
        if not line[:4].isdigit()
    ]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


@pytest.mark.parametrize(
    "command",
    [
        [*COMMAND, "serve", "--demo"],
        [*COMMAND, "serve", "--workers", "2"],
        [*COMMAND, "demo-api"],
    ],
    ids=["serve", "serve-workers", "demo-api"],
)
def test_a_busy_port_is_one_line_and_exit_1(
    command: list[str], taken_port: int
) -> None:
    result = _run([*command, "--port", str(taken_port)])
    assert result.returncode == 1
    line = _one_error_line(result)
    assert line.endswith(
        f"cannot listen on {HOST}:{taken_port}: address already in use"
    )


@pytest.mark.parametrize(
    "command",
    [[*COMMAND, "serve", "--demo"], [*COMMAND, "demo-api"]],
    ids=["serve", "demo-api"],
)
def test_a_bad_host_is_one_line_and_exit_1(command: list[str]) -> None:
    result = _run([*command, "--host", "300.1.1.1", "--port", "0"])
    assert result.returncode == 1
    assert "cannot listen on 300.1.1.1:0: " in _one_error_line(result)


@pytest.mark.parametrize("port", ["99999", "-1", "65536", "http"])
@pytest.mark.parametrize("command", ["serve", "demo-api"])
def test_a_port_out_of_range_is_refused_in_one_line(command: str, port: str) -> None:
    result = _run([*COMMAND, command, "--port", port])
    assert result.returncode == 2
    line = _one_error_line(result)
    assert line.startswith(f"wethod-graphql {command}: argument --port: ")
    assert "port" in line.removeprefix(f"wethod-graphql {command}: argument --port: ")


def test_the_demo_module_behaves_like_demo_api(taken_port: int) -> None:
    result = _run(
        [sys.executable, "-m", "wethod_graphql.demo", "--port", str(taken_port)]
    )
    assert result.returncode == 1
    assert "address already in use" in _one_error_line(result)
