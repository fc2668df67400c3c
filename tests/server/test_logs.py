"""Log output: text and JSON, each line with its request id."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

from wethod_graphql.server.logs import configure_logging, request_id_var


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """`configure_logging` changes process-wide loggers; put them back."""
    names = ("", "httpx", "uvicorn", "uvicorn.error", "uvicorn.access")
    saved = {
        name: (lg.handlers[:], lg.level, lg.propagate, lg.disabled)
        for name in names
        for lg in [logging.getLogger(name)]
    }
    yield
    for name, (handlers, level, propagate, disabled) in saved.items():
        lg = logging.getLogger(name)
        lg.handlers[:] = handlers
        lg.setLevel(level)
        lg.propagate = propagate
        lg.disabled = disabled


@pytest.mark.usefixtures("restore_logging")
def test_json_lines_carry_the_request_id(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO", "json")
    token = request_id_var.set("req-42")
    try:
        logging.getLogger("wethod_graphql.test").warning("hello %s", "world")
        try:
            raise ValueError("boom")
        except ValueError:
            logging.getLogger("wethod_graphql.test").exception("failed")
    finally:
        request_id_var.reset(token)
    first, second = (json.loads(line) for line in capsys.readouterr().err.splitlines())
    assert first["request_id"] == "req-42"
    assert first["message"] == "hello world"
    assert first["level"] == "WARNING"
    assert "ValueError: boom" in second["exception"]


@pytest.mark.usefixtures("restore_logging")
def test_text_lines_and_quiet_libraries(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO", "text")
    logging.getLogger("httpx").info("GET http://upstream/api/clients/1")
    logging.getLogger("uvicorn.access").info("access line")
    logging.getLogger("wethod_graphql.test").info("kept")
    err = capsys.readouterr().err
    assert "kept" in err
    assert "[-]" in err
    assert "upstream" not in err
    assert "access line" not in err


@pytest.mark.usefixtures("restore_logging")
def test_text_lines_cannot_be_forged(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO", "text")
    logging.getLogger("wethod_graphql.access").info(
        '"GET %s" 404', "/x\n2026-01-01 ERROR wethod_graphql.errors [forged]\r"
    )
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1
    assert "\\n2026-01-01 ERROR" in lines[0]
