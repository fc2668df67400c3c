"""Serving the demo API over HTTP with uvicorn."""

from __future__ import annotations

from .app import DemoApi

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8081


def serve(
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    faults: bool = False,
    latency: float = 0.0,
) -> None:
    """Serve a fresh `DemoApi` on host:port until interrupted (blocks)."""
    # Imported here: the package itself needs only Starlette, so the in-process
    # uses (tests, `serve --demo`) never load a server.
    import uvicorn

    api = DemoApi(faults=faults, latency=latency)
    uvicorn.run(api.app, host=host, port=port, log_level="info")
