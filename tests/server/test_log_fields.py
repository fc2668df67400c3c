"""Log lines as fields: JSON objects, `key=value` in text; never a secret."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import Service
from wethod_graphql.server.logs import JsonFormatter, RequestIdFilter, TextFormatter

#: Credentials and a variable value the lines must never carry.
TOKEN = "demo-token"
COMPANY = "acme"
SECRET_VARIABLE = "variable-value-4417"
HEADERS = {"authorization": f"Bearer {TOKEN}", "wethod-company": COMPANY}


class Captured:
    """Every log line while a test runs, in the formatter the test sets."""

    def __init__(self) -> None:
        self.stream = io.StringIO()
        self.handler = logging.StreamHandler(self.stream)
        self.handler.addFilter(RequestIdFilter())

    def use(self, formatter: logging.Formatter) -> None:
        self.handler.setFormatter(formatter)

    def getvalue(self) -> str:
        return self.stream.getvalue()


@pytest.fixture
def captured() -> Iterator[Captured]:
    capture = Captured()
    root = logging.getLogger()
    root.addHandler(capture.handler)
    level = root.level
    root.setLevel(logging.DEBUG)
    try:
        yield capture
    finally:
        root.removeHandler(capture.handler)
        root.setLevel(level)


async def run_failing_operation(service: Service) -> None:
    service.demo.faults.fail(1, 503, times=10)
    await service.http.post(
        "/graphql",
        json={
            "query": "query Failing($id: ID!, $other: ID!) { "
            "a: client(id: $id) { id } b: client(id: $other) { id } "
            'c: client(id: "9999") { id } }',
            "variables": {"id": "1", "other": SECRET_VARIABLE},
            "operationName": "Failing",
        },
        headers={**HEADERS, "x-request-id": "req-fields"},
    )


def assert_no_secret(text: str) -> None:
    assert TOKEN not in text
    assert COMPANY not in text
    assert SECRET_VARIABLE not in text


async def test_json_lines_are_objects_with_fields(
    service: Service, captured: Captured
) -> None:
    captured.use(JsonFormatter())
    await run_failing_operation(service)
    entries: list[dict[str, Any]] = [
        json.loads(line) for line in captured.getvalue().splitlines()
    ]
    ours = [e for e in entries if e["logger"].startswith("wethod_graphql")]
    for entry in ours:
        assert {"time", "level", "logger", "message", "request_id"} <= entry.keys()
        assert entry["request_id"] == "req-fields"
    (access,) = [e for e in ours if e["logger"] == "wethod_graphql.access"]
    assert access["operation_type"] == "query"
    assert access["operation_name"] == "Failing"
    assert access["status"] == 200
    assert access["upstream_calls"] == 2
    assert access["error_codes"] == [
        "BAD_USER_INPUT",
        "NOT_FOUND",
        "UPSTREAM_UNAVAILABLE",
    ]
    assert access["duration_ms"] >= 0
    failures = [e for e in ours if e["logger"] == "wethod_graphql.upstream"]
    assert [e["attempt"] for e in failures] == [1, 2, 3]
    for failure in failures:
        assert failure["status"] == 503
        assert failure["host"] == service.demo.requests[0].headers["host"]
        assert failure["path"] == "/api/clients/1"
        assert failure["query"] == "deleted=exclude"
    assert_no_secret(captured.getvalue())


async def test_text_access_line_carries_the_fields(
    service: Service, captured: Captured
) -> None:
    captured.use(TextFormatter("%(levelname)s %(name)s [%(request_id)s] %(message)s"))
    await run_failing_operation(service)
    lines = captured.getvalue().splitlines()
    (access,) = [line for line in lines if "wethod_graphql.access" in line]
    assert access.startswith(
        'INFO wethod_graphql.access [req-fields] "POST /graphql" 200 '
    )
    for field in (
        "status=200",
        "operation_type=query",
        "operation_name=Failing",
        "upstream_calls=2",
        "error_codes=BAD_USER_INPUT,NOT_FOUND,UPSTREAM_UNAVAILABLE",
    ):
        assert f" {field}" in access
    assert_no_secret(captured.getvalue())


async def test_a_failure_without_an_answer_names_its_cause(
    service: Service, captured: Captured
) -> None:
    captured.use(JsonFormatter())
    service.demo.faults.drop(None, times=10)
    await service.query('{ client(id: "1") { id } }')
    entries = [json.loads(line) for line in captured.getvalue().splitlines()]
    failures = [e for e in entries if e["logger"] == "wethod_graphql.upstream"]
    assert [(e["cause"], e["attempt"]) for e in failures] == [
        ("dropped", 1),
        ("dropped", 2),
        ("dropped", 3),
    ]
    assert all("status" not in e for e in failures)
