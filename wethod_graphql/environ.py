"""Reading the environment's text: the standard OTEL_* switch and value parsers.

Each parser takes a variable's raw text and its name, and returns the value
or raises a `ConfigError` that names the variable. `config.Settings` maps its
fields to these.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

from starlette.datastructures import Secret

from wethod_graphql.errors import ConfigError

T = TypeVar("T")

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def otel_tracing(environ: Mapping[str, str]) -> bool:
    """Whether the standard OpenTelemetry variables turn tracing on.

    On with `OTEL_TRACES_EXPORTER=otlp`, or with an OTLP endpoint and no
    exporter named; off with `OTEL_SDK_DISABLED=true` or an exporter of
    `none`. Traces go out as OTLP over HTTP (protobuf), the only protocol
    the service ships; asking for another stops start-up.
    """
    if environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    exporters = {
        e.strip().lower()
        for e in environ.get("OTEL_TRACES_EXPORTER", "").split(",")
        if e.strip()
    }
    if exporters - {"otlp", "none"}:
        raise ConfigError(
            "OTEL_TRACES_EXPORTER: expected otlp or none, "
            f"got {environ['OTEL_TRACES_EXPORTER']!r}"
        )
    if exporters:
        enabled = "otlp" in exporters
    else:
        enabled = any(
            environ.get(name, "").strip()
            for name in (
                "OTEL_EXPORTER_OTLP_ENDPOINT",
                "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
            )
        )
    for name in ("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"):
        protocol = environ.get(name, "").strip()
        if enabled and protocol and protocol != "http/protobuf":
            raise ConfigError(f"{name}: expected http/protobuf, got {protocol!r}")
    return bool(enabled)


def number(kind: Callable[[str], T]) -> Callable[[str, str], T]:
    def parse(raw: str, env: str) -> T:
        try:
            return kind(raw)
        except ValueError:
            raise ConfigError(
                f"{env}: expected a number ({kind.__name__}), got {raw!r}"
            ) from None

    return parse


def boolean(raw: str, env: str) -> bool:
    if raw.lower() in _TRUE:
        return True
    if raw.lower() in _FALSE:
        return False
    raise ConfigError(f"{env}: expected true or false, got {raw!r}")


def text(raw: str, env: str) -> str:
    return raw


def upper(raw: str, env: str) -> str:
    return raw.upper()


def secret(raw: str, env: str) -> Secret:
    # The token is sent as `Bearer <token>`; a value that already carries the
    # scheme ("Bearer x", hence the space) would become `Bearer Bearer ...`
    # and fail far from its cause.
    if any(c.isspace() for c in raw):
        raise ConfigError(f"{env}: expected the bare token, without 'Bearer '")
    return Secret(raw)


def origins(raw: str, env: str) -> tuple[str, ...]:
    return tuple(o.strip().rstrip("/") for o in raw.split(",") if o.strip())


def path(raw: str, env: str) -> Path:
    return Path(raw)
