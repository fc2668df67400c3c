"""The entry point: `python -m wethod_graphql.demo` and `serve()`."""

from __future__ import annotations

import os
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

from wethod_graphql.demo import DemoApi, serve
from wethod_graphql.demo import __main__ as entry

ROOT = Path(__file__).resolve().parents[2]


def test_defaults() -> None:
    args = entry.parse_args([])
    assert (args.host, args.port, args.faults, args.latency) == (
        "127.0.0.1",
        8081,
        False,
        0.0,
    )


def test_main_passes_every_option_to_serve(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[Any, ...]] = []

    def fake_serve(*args: Any, **kwargs: Any) -> int:
        calls.append((args, kwargs))
        return 0

    monkeypatch.setattr(entry, "serve", fake_serve)
    argv = ["--host", "10.0.0.1", "--port", "9000", "--faults", "--latency", "0.2"]
    assert entry.main(argv) == 0
    assert calls == [(("10.0.0.1", 9000), {"faults": True, "latency": 0.2})]


def test_negative_latency_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        entry.parse_args(["--latency", "-1"])
    assert exited.value.code == 2
    assert "--latency" in capsys.readouterr().err


def test_serve_runs_a_fresh_demo_api_until_sigterm(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    answers: list[int] = []

    def stop_once_serving() -> None:
        # Connections are accepted only once uvicorn handles SIGTERM itself.
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/_demo/faults")
                break
            except httpx.ConnectError:
                time.sleep(0.02)
        answers.append(response.status_code)
        os.kill(os.getpid(), signal.SIGTERM)

    stopper = threading.Thread(target=stop_once_serving, daemon=True)
    stopper.start()
    assert serve("127.0.0.1", port, faults=True) == 0
    stopper.join(10)
    assert answers == [200]  # a fresh API, with its fault endpoints
    assert capsys.readouterr().out.startswith(
        f"Demo API: http://127.0.0.1:{port}/api\n"
    )


def test_demo_package_needs_only_starlette() -> None:
    # A fresh interpreter: importing the package must not load the facade,
    # httpx or uvicorn (only the port check of the shared process layer).
    code = (
        "import sys, wethod_graphql.demo as d; d.DemoApi(faults=True);"
        "bad = [m for m in sys.modules if m.split('.')[0] in"
        " ('httpx', 'uvicorn', 'strawberry', 'graphql')"
        " or (m.startswith('wethod_graphql.')"
        " and not m.startswith(('wethod_graphql.demo', 'wethod_graphql.process'))"
        ")];"
        "print(bad)"
    )
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "[]"


def test_module_help_runs() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "wethod_graphql.demo", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "--faults" in result.stdout
    assert "--latency" in result.stdout


def test_demo_api_type() -> None:
    assert DemoApi().faults.enabled is False
