"""Whether tracing is on: read from the standard OpenTelemetry variables."""

from __future__ import annotations

from collections.abc import Mapping

from wethod_graphql.errors import ConfigError


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
