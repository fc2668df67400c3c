"""`/healthz` (the process answers) and `/readyz` (the upstream answers too)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse


async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    """Ready when the upstream answers HTTP at all, within the ready timeout."""
    if await request.app.state.upstream.ping():
        return JSONResponse({"status": "ready"})
    return JSONResponse({"status": "upstream unreachable"}, status_code=503)
