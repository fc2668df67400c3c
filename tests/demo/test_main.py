"""The entry point: `python -m wethod_graphql.demo` and `serve()`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import uvicorn

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
    monkeypatch.setattr(
        entry, "serve", lambda *args, **kwargs: calls.append((args, kwargs))
    )
    entry.main(["--host", "10.0.0.1", "--port", "9000", "--faults", "--latency", "0.2"])
    assert calls == [(("10.0.0.1", 9000), {"faults": True, "latency": 0.2})]


def test_negative_latency_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        entry.parse_args(["--latency", "-1"])
    assert exited.value.code == 2
    assert "--latency" in capsys.readouterr().err


def test_serve_runs_a_fresh_demo_api_under_uvicorn(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: dict[str, Any] = {}

    def fake_run(app: Any, **kwargs: Any) -> None:
        seen.update(kwargs, app=app)

    monkeypatch.setattr(uvicorn, "run", fake_run)
    serve("127.0.0.2", 1234, faults=True, latency=0.5)
    assert (seen["host"], seen["port"]) == ("127.0.0.2", 1234)
    routes = {getattr(route, "path", None) for route in seen["app"].routes}
    assert "/_demo/faults" in routes
    assert {"/api/clients", "/api/clients/{id:int}"} <= routes


def test_demo_package_needs_only_starlette() -> None:
    # A fresh interpreter: importing the package must not load the facade,
    # httpx or uvicorn.
    code = (
        "import sys, wethod_graphql.demo as d; d.DemoApi(faults=True);"
        "bad = [m for m in sys.modules if m.split('.')[0] in"
        " ('httpx', 'uvicorn', 'strawberry', 'graphql')"
        " or (m.startswith('wethod_graphql.') and not m.startswith('wethod_graphql.demo'))];"
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
