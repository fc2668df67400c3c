"""Fixtures for the demo API tests: demo APIs and in-process clients to them."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from wethod_graphql.demo import DemoApi

from .support import client_for


@pytest.fixture
def api() -> DemoApi:
    return DemoApi()


@pytest.fixture
def faulty() -> DemoApi:
    return DemoApi(faults=True)


@pytest.fixture
async def http(api: DemoApi) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(api) as http:
        yield http


@pytest.fixture
async def faulty_http(faulty: DemoApi) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(faulty) as http:
        yield http
