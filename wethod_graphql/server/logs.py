"""Logging: one line per event, text or JSON, each with its request id.

The request id lives in a context variable set by `server.front`, so
every line logged while serving a request carries it, from any module; the
trace and span ids come the same way from the request's record.

A line's fields (`FIELDS`, passed as `extra=`) are JSON members in `json`
format and `key=value` pairs after the message in `text` format. No line
carries a header value, a token or a variable: callers of the loggers pass
only what `FIELDS` names.
"""

from __future__ import annotations

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime

from wethod_graphql.observe.record import current_request

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")

_TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"

#: Fields a line may carry besides time, level, logger, message and request id.
FIELDS = (
    "trace_id",
    "span_id",
    "operation_type",
    "operation_name",
    "status",
    "duration_ms",
    "upstream_calls",
    "error_codes",
    # Upstream failures.
    "host",
    "path",
    "query",
    "cause",
    "attempt",
)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        current = current_request.get()
        if current is not None and current.trace_id is not None:
            record.trace_id = current.trace_id
            record.span_id = current.span_id
        return True


#: Control characters as escapes, so no logged value can start a new line.
_CONTROL = {i: f"\\x{i:02x}" for i in (*range(32), 127)} | {10: "\\n", 13: "\\r"}


def _fields(record: logging.LogRecord) -> dict[str, object]:
    return {name: getattr(record, name) for name in FIELDS if hasattr(record, name)}


def _text(value: object) -> str:
    if isinstance(value, list | tuple):
        return ",".join(map(str, value))
    return str(value)


class TextFormatter(logging.Formatter):
    """One physical line per record, whatever a message carries."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        message = record.message
        fields = _fields(record)
        if fields:
            message += "".join(f" {k}={_text(v)}" for k, v in fields.items())
        record.message = message.translate(_CONTROL)
        return super().formatMessage(record)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
            **_fields(record),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_logging(level: str, fmt: str) -> None:
    """Route the service's, Strawberry's and uvicorn's loggers to stderr."""
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(
        JsonFormatter() if fmt == "json" else TextFormatter(_TEXT_FORMAT)
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # The access log is ours (`wethod_graphql.access`): it never prints query
    # strings or headers, where tokens and personal data could travel.
    logging.getLogger("uvicorn.access").disabled = True
    # httpx logs every request at INFO; the access log already tells the story.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
