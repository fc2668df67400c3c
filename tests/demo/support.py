"""Helpers shared by the demo API tests."""

from __future__ import annotations

from typing import Any

import httpx

from wethod_graphql.demo import DEMO_COMPANY, DEMO_TOKEN, DemoApi

VERSION = "2024-06-15"
LEFTOVERS: dict[str, object] = {
    "headers": {},
    "version": "1.0",
    "charset": None,
    "callback": None,
    "encoding_options": 64,
}


def auth_headers(
    token: str = DEMO_TOKEN, company: str = DEMO_COMPANY
) -> dict[str, str]:
    """The three headers every good request carries."""
    return {
        "Authorization": f"Bearer {token}",
        "Wethod-Company": company,
        "Wethod-Version": VERSION,
    }


def client_for(
    api: DemoApi, headers: dict[str, str] | None = None
) -> httpx.AsyncClient:
    """An in-process client to `api`, sending good headers unless told others."""
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=api.app),
        base_url="http://demo",
        headers=auth_headers() if headers is None else headers,
    )


def assert_error(response: httpx.Response, status: int, key: str) -> dict[str, Any]:
    """Check an error answer: status, key, message and framework leftovers."""
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert isinstance(body, dict)
    assert body["key"] == key
    assert isinstance(body["message"], str)
    assert body["message"]
    for name, value in LEFTOVERS.items():
        assert body[name] == value, name
    assert body["status_code"] == status
    assert isinstance(body["status_text"], str)
    assert isinstance(body["content"], str)
    assert ("failures" in body) == (status == 400)
    return body
