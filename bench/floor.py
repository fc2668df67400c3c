"""The least a Python facade on this stack does per request: `bench/run --floor`.

    UPSTREAM_URL=http://127.0.0.1:P python -m uvicorn --app-dir bench floor:app \
        --loop uvloop --http httptools --no-access-log

An ASGI app under the service's own server stack (uvicorn, httptools, uvloop)
that reads the request body, makes the one upstream GET of the single-client
query through one `aiohttp.ClientSession` (the service's client library),
decodes the record with orjson and answers the query's ten fields. No GraphQL,
no validation, no retries, budgets, metrics, logs or errors: whatever a
request costs here, wethod-graphql cannot cost less, so this row's CPU per
request is the floor under the service's own.
"""

from __future__ import annotations

import os
from typing import Any

import aiohttp
import orjson
from yarl import URL

UPSTREAM = os.environ.get("UPSTREAM_URL", "http://127.0.0.1:8080").rstrip("/")
#: The single-client query's call, as the service sends it.
CALL = URL(f"{UPSTREAM}/api/clients/1?deleted=exclude", encoded=True)
HEADERS = {
    "authorization": "Bearer bench-token",
    "wethod-company": "acme",
    "wethod-version": "2024-06-15",
    "accept": "application/json",
}
#: GraphQL field -> REST field, as bench/queries/single.graphql selects them.
FIELDS = {
    "id": "id",
    "corporateName": "corporate_name",
    "acronym": "acronym",
    "email": "email",
    "website": "website",
    "town": "town",
    "country": "country",
    "vat": "vat",
    "groupCompany": "group_company",
    "updatedAt": "updated_at",
}
_session: aiohttp.ClientSession | None = None


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    global _session  # one session per process, made in its loop
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        if _session is not None:
            await _session.close()
        await send({"type": "lifespan.shutdown.complete"})
        return
    if _session is None:
        _session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=64),
            cookie_jar=aiohttp.DummyCookieJar(),
        )
    more = True
    while more:
        message = await receive()
        more = message.get("more_body", False)
    async with _session.get(CALL, headers=HEADERS, allow_redirects=False) as response:
        record = orjson.loads(await response.read())
    client = {name: record.get(rest) for name, rest in FIELDS.items()}
    client["id"] = str(client["id"])
    body = orjson.dumps({"data": {"client": client}})
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
