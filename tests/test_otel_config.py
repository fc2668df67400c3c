"""Tracing is on exactly when the standard OpenTelemetry variables say so."""

from __future__ import annotations

import pytest

from wethod_graphql.config import Settings, otel_tracing
from wethod_graphql.errors import ConfigError

ENDPOINT = "http://collector:4318"

CASES = {
    "nothing set": ({}, False),
    "an endpoint": ({"OTEL_EXPORTER_OTLP_ENDPOINT": ENDPOINT}, True),
    "a traces endpoint": (
        {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": ENDPOINT + "/v1/traces"},
        True,
    ),
    "the exporter named": ({"OTEL_TRACES_EXPORTER": "otlp"}, True),
    "exporter none wins over an endpoint": (
        {"OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": ENDPOINT},
        False,
    ),
    "the SDK disabled": (
        {"OTEL_SDK_DISABLED": "true", "OTEL_TRACES_EXPORTER": "otlp"},
        False,
    ),
    "http/protobuf asked for": (
        {
            "OTEL_EXPORTER_OTLP_ENDPOINT": ENDPOINT,
            "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
        },
        True,
    ),
}


@pytest.mark.parametrize(("environ", "enabled"), CASES.values(), ids=CASES)
def test_tracing_follows_the_otel_variables(
    environ: dict[str, str], enabled: bool
) -> None:
    assert otel_tracing(environ) is enabled
    assert Settings.from_environ(environ).tracing is enabled


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"OTEL_TRACES_EXPORTER": "zipkin"}, "OTEL_TRACES_EXPORTER"),
        (
            {"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"},
            "OTEL_EXPORTER_OTLP_PROTOCOL",
        ),
    ],
)
def test_what_cannot_be_exported_stops_start_up(
    environ: dict[str, str], named: str
) -> None:
    with pytest.raises(ConfigError, match=named):
        otel_tracing(environ)
