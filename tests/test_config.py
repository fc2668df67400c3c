"""`Settings`: defaults, every `WETHOD_*` variable, and each bad value of it."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from starlette.datastructures import Secret

from wethod_graphql.config import Settings
from wethod_graphql.errors import ConfigError

TOKEN = "s3cr3t-t0ken_value"


def test_defaults_are_the_documented_ones() -> None:
    settings = Settings.from_environ({})
    assert settings == Settings()
    assert settings.base_url == "https://api.wethod.com"
    assert settings.api_version == "2024-06-15"
    assert settings.company is None
    assert settings.token is None
    assert settings.timeout == 10.0
    assert settings.connect_timeout == 3.0
    assert settings.retries == 3
    assert settings.max_concurrency == 64
    assert settings.max_ids == 100
    assert settings.max_depth == 15
    assert settings.max_aliases == 100
    assert settings.max_body == 1_048_576
    assert settings.cors_origins == ()
    assert settings.graphiql is True
    assert settings.log_level == "INFO"
    assert settings.log_format == "text"
    assert settings.demo is False
    # Sizes for retries that fit inside the default budget.
    assert 0 < settings.read_timeout < settings.timeout
    assert settings.retry_after_max < settings.timeout


GOOD: list[tuple[str, str, str, object]] = [
    ("WETHOD_BASE_URL", "http://127.0.0.1:8001/", "base_url", "http://127.0.0.1:8001"),
    ("WETHOD_BASE_URL", "https://api.wethod.com", "base_url", "https://api.wethod.com"),
    ("WETHOD_API_VERSION", "2025-01-31", "api_version", "2025-01-31"),
    ("WETHOD_COMPANY", "acme", "company", "acme"),
    ("WETHOD_COMPANY", " my-company-2 ", "company", "my-company-2"),
    ("WETHOD_TIMEOUT", "2.5", "timeout", 2.5),
    ("WETHOD_REQUEST_TIMEOUT", "12", "request_timeout", 12.0),
    ("WETHOD_CONNECT_TIMEOUT", "1", "connect_timeout", 1.0),
    ("WETHOD_READ_TIMEOUT", "0.25", "read_timeout", 0.25),
    ("WETHOD_READY_TIMEOUT", "0.5", "ready_timeout", 0.5),
    ("WETHOD_RETRIES", "1", "retries", 1),
    ("WETHOD_RETRY_BACKOFF", "0", "retry_backoff", 0.0),
    ("WETHOD_RETRY_AFTER_MAX", "0", "retry_after_max", 0.0),
    ("WETHOD_MAX_CONCURRENCY", "8", "max_concurrency", 8),
    ("WETHOD_MAX_IDS", "20", "max_ids", 20),
    ("WETHOD_MAX_CALLS", "500", "max_calls", 500),
    ("WETHOD_MAX_DEPTH", "5", "max_depth", 5),
    ("WETHOD_MAX_ALIASES", "10", "max_aliases", 10),
    ("WETHOD_MAX_BODY", "4096", "max_body", 4096),
    (
        "WETHOD_CORS_ORIGINS",
        "https://a.example.com/, http://localhost:3000,,",
        "cors_origins",
        ("https://a.example.com", "http://localhost:3000"),
    ),
    ("WETHOD_GRAPHIQL", "false", "graphiql", False),
    ("WETHOD_GRAPHIQL", "OFF", "graphiql", False),
    ("WETHOD_GRAPHIQL", "0", "graphiql", False),
    ("WETHOD_GRAPHIQL", "Yes", "graphiql", True),
    ("WETHOD_GRAPHIQL_PERSIST_HEADERS", "true", "graphiql_persist_headers", True),
    (
        "WETHOD_GRAPHIQL_ASSETS_URL",
        "https://cdn.example.com/graphiql",
        "graphiql_assets_url",
        "https://cdn.example.com/graphiql",
    ),
    (
        "WETHOD_GRAPHIQL_ASSETS_DIR",
        "/srv/graphiql",
        "graphiql_assets_dir",
        Path("/srv/graphiql"),
    ),
    ("WETHOD_LOG_LEVEL", "debug", "log_level", "DEBUG"),
    ("WETHOD_LOG_FORMAT", "JSON", "log_format", "json"),
    ("WETHOD_WORKERS", "4", "workers", 4),
    ("WETHOD_REDIS_TIMEOUT", "1.5", "redis_timeout", 1.5),
    ("WETHOD_CACHE_TTL", "30", "cache_ttl", 30.0),
    ("WETHOD_RATE_LIMIT_REQUESTS", "5.5", "rate_limit_requests", 5.5),
    ("WETHOD_RATE_LIMIT_UPSTREAM_CALLS", "100", "rate_limit_upstream_calls", 100.0),
    ("WETHOD_RATE_LIMIT_BURST", "0.5", "rate_limit_burst", 0.5),
    ("WETHOD_RATE_LIMIT_ON_STORE_ERROR", "DENY", "rate_limit_on_store_error", "deny"),
    (
        "WETHOD_PERSISTED_OPERATIONS",
        "/srv/manifest.json",
        "persisted_operations",
        Path("/srv/manifest.json"),
    ),
    ("WETHOD_PERSISTED_ONLY", "true", "persisted_only", True),
    ("WETHOD_METRICS", "false", "metrics", False),
    ("WETHOD_EXPLAIN", "true", "explain", True),
    ("WETHOD_TRACE_DOCUMENT", "yes", "trace_document", True),
    ("WETHOD_HEADER_TIMEOUT", "2.5", "header_timeout", 2.5),
    ("WETHOD_BODY_TIMEOUT", "7", "body_timeout", 7.0),
    ("WETHOD_KEEP_ALIVE_TIMEOUT", "30", "keep_alive_timeout", 30),
    ("WETHOD_MAX_CONNECTIONS", "500", "max_connections", 500),
]


@pytest.mark.parametrize(("env", "raw", "name", "value"), GOOD)
def test_each_variable_is_read(env: str, raw: str, name: str, value: object) -> None:
    settings = Settings.from_environ({env: raw})
    assert getattr(settings, name) == value
    # Nothing else moved.
    others = {f.name for f in dataclasses.fields(Settings)} - {name}
    for other in others:
        assert getattr(settings, other) == getattr(Settings(), other), other


def test_every_setting_but_demo_and_tracing_has_a_variable() -> None:
    # Each field appears in GOOD (or is the token or the Redis URL, tested on
    # their own); tracing follows the standard OTEL_* variables
    # (tests/test_otel_config.py).
    covered = {name for _, _, name, _ in GOOD} | {"token", "redis_url"}
    assert {f.name for f in dataclasses.fields(Settings)} - covered == {
        "demo",
        "tracing",
    }


def test_the_token_is_read_as_a_secret() -> None:
    settings = Settings.from_environ({"WETHOD_TOKEN": f"  {TOKEN}  "})
    assert isinstance(settings.token, Secret)
    assert str(settings.token) == TOKEN


def test_the_redis_url_is_read_as_a_secret() -> None:
    url = f"redis://:{TOKEN}@127.0.0.1:6379/0"
    settings = Settings.from_environ({"WETHOD_REDIS_URL": url})
    assert isinstance(settings.redis_url, Secret)
    assert str(settings.redis_url) == url
    assert TOKEN not in repr(settings)


def test_empty_or_blank_variables_are_unset() -> None:
    blank = {env: "  " for env, *_ in GOOD} | {"WETHOD_TOKEN": ""}
    assert Settings.from_environ(blank) == Settings()


def test_demo_and_unknown_variables_are_ignored() -> None:
    environ = {
        "WETHOD_DEMO": "true",
        "WETHOD_NOPE": "x",
        "TIMEOUT": "-1",
        "wethod_timeout": "-1",
        "PATH": "/usr/bin",
    }
    assert Settings.from_environ(environ) == Settings()


def test_unknown_variables_are_named_for_a_warning() -> None:
    environ = {
        "WETHOD_TIMEOUT": "3",
        "WETHOD_TIMOUT": "3",  # misspelt
        "WETHOD_DEMO": "true",  # no variable: --demo is a flag
        "wethod_timeout": "3",
        "PATH": "/usr/bin",
    }
    assert Settings.unknown_variables(environ) == ["WETHOD_DEMO", "WETHOD_TIMOUT"]


BAD: list[tuple[str, str]] = [
    ("WETHOD_BASE_URL", "api.wethod.com"),
    ("WETHOD_BASE_URL", "ftp://api.wethod.com"),
    ("WETHOD_BASE_URL", "http://"),
    ("WETHOD_BASE_URL", "not a url"),
    ("WETHOD_API_VERSION", "latest"),
    ("WETHOD_API_VERSION", "2024-6-15"),
    ("WETHOD_API_VERSION", "2024-06-15T00:00:00"),
    ("WETHOD_API_VERSION", "\u0662\u0660\u0662\u0664-\u0660\u0666-\u0661\u0665"),
    ("WETHOD_COMPANY", "acme corp"),
    ("WETHOD_COMPANY", "acme.wethod.com"),
    ("WETHOD_COMPANY", "-acme"),
    ("WETHOD_COMPANY", "acme-"),
    ("WETHOD_COMPANY", "a" * 64),
    ("WETHOD_COMPANY", "\u00e1cme"),
    ("WETHOD_TOKEN", f"Bearer {TOKEN}"),
    ("WETHOD_TOKEN", f"bearer {TOKEN}"),
    ("WETHOD_TOKEN", f"{TOKEN} {TOKEN}"),
    ("WETHOD_TOKEN", f"{TOKEN}\u200b"),
    ("WETHOD_TOKEN", f"t\u00f6{TOKEN}"),
    *[
        (env, raw)
        for env in (
            "WETHOD_TIMEOUT",
            "WETHOD_REQUEST_TIMEOUT",
            "WETHOD_CONNECT_TIMEOUT",
            "WETHOD_READ_TIMEOUT",
            "WETHOD_READY_TIMEOUT",
            "WETHOD_HEADER_TIMEOUT",
            "WETHOD_BODY_TIMEOUT",
        )
        for raw in ("abc", "0", "-1", "nan", "10s")
    ],
    *[
        (env, raw)
        for env in ("WETHOD_RETRY_BACKOFF", "WETHOD_RETRY_AFTER_MAX")
        for raw in ("abc", "-0.1", "nan")
    ],
    *[
        (env, raw)
        for env in (
            "WETHOD_RETRIES",
            "WETHOD_MAX_CONCURRENCY",
            "WETHOD_MAX_IDS",
            "WETHOD_MAX_CALLS",
            "WETHOD_MAX_DEPTH",
            "WETHOD_MAX_ALIASES",
            "WETHOD_MAX_BODY",
            "WETHOD_KEEP_ALIVE_TIMEOUT",
            "WETHOD_MAX_CONNECTIONS",
        )
        for raw in ("abc", "0", "-1", "1.5", "1e3")
    ],
    ("WETHOD_CORS_ORIGINS", "example.com"),
    ("WETHOD_CORS_ORIGINS", "https://ok.example.com,ftp://bad.example.com"),
    ("WETHOD_CORS_ORIGINS", "*"),
    *[
        (env, raw)
        for env in ("WETHOD_GRAPHIQL", "WETHOD_GRAPHIQL_PERSIST_HEADERS")
        for raw in ("maybe", "2", "enabled")
    ],
    ("WETHOD_LOG_LEVEL", "verbose"),
    ("WETHOD_LOG_LEVEL", "TRACE"),
    ("WETHOD_LOG_FORMAT", "xml"),
    ("WETHOD_REDIS_URL", "http://127.0.0.1:6379"),
    ("WETHOD_REDIS_TIMEOUT", "0"),
    ("WETHOD_CACHE_TTL", "-1"),
    ("WETHOD_CACHE_TTL", "inf"),
    ("WETHOD_RATE_LIMIT_REQUESTS", "-1"),
    ("WETHOD_RATE_LIMIT_UPSTREAM_CALLS", "many"),
    ("WETHOD_RATE_LIMIT_BURST", "0"),
    ("WETHOD_RATE_LIMIT_ON_STORE_ERROR", "maybe"),
    ("WETHOD_PERSISTED_ONLY", "sometimes"),
]


@pytest.mark.parametrize(("env", "raw"), BAD)
def test_each_bad_value_is_a_config_error_naming_the_variable(
    env: str, raw: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_environ({env: raw})
    assert caught.value.message.startswith(f"{env}:")
    # A bad value of one variable is reported even when the rest are fine.
    with pytest.raises(ConfigError, match=env):
        Settings.from_environ(
            {"WETHOD_COMPANY": "acme", "WETHOD_RETRIES": "2", env: raw}
        )


@pytest.mark.parametrize(
    "raw", [f"Bearer {TOKEN}", f"{TOKEN} {TOKEN}", f"{TOKEN}\u200b", f"t\u00f6{TOKEN}"]
)
def test_a_bad_token_is_never_echoed(raw: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_environ({"WETHOD_TOKEN": raw})
    assert TOKEN not in str(caught.value)
    assert "WETHOD_TOKEN" in str(caught.value)


@pytest.mark.parametrize(
    ("name", "value", "env"),
    [
        ("timeout", 0.0, "WETHOD_TIMEOUT"),
        ("read_timeout", -1.0, "WETHOD_READ_TIMEOUT"),
        ("retries", 0, "WETHOD_RETRIES"),
        ("max_concurrency", 0, "WETHOD_MAX_CONCURRENCY"),
        ("company", "acme\n", "WETHOD_COMPANY"),
        ("api_version", "2024-06-15\n", "WETHOD_API_VERSION"),
        ("token", Secret(f"{TOKEN}\n"), "WETHOD_TOKEN"),
        ("token", Secret(""), "WETHOD_TOKEN"),
        ("base_url", "file:///etc/passwd", "WETHOD_BASE_URL"),
    ],
)
def test_settings_built_directly_are_checked_too(
    name: str, value: object, env: str
) -> None:
    with pytest.raises(ConfigError, match=env) as caught:
        Settings(**{name: value})  # type: ignore[arg-type]
    assert TOKEN not in str(caught.value)


def test_the_token_is_printed_masked() -> None:
    settings = Settings.from_environ({"WETHOD_TOKEN": TOKEN, "WETHOD_COMPANY": "acme"})
    for text in (repr(settings), str(settings), f"{settings}", repr(settings.token)):
        assert TOKEN not in text
    assert "token=Secret('**********')" in repr(settings)
    assert str(settings.token) == TOKEN


def test_settings_are_frozen_and_replace_checks_again() -> None:
    settings = Settings()
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.timeout = 1.0  # type: ignore[misc]
    assert settings.replace(timeout=1.0).timeout == 1.0
    with pytest.raises(ConfigError, match="WETHOD_MAX_IDS"):
        settings.replace(max_ids=0)


@pytest.mark.parametrize("value", ["inf", "nan", "-inf"])
@pytest.mark.parametrize(
    "variable", ["WETHOD_TIMEOUT", "WETHOD_READ_TIMEOUT", "WETHOD_RETRY_BACKOFF"]
)
def test_unbounded_durations_are_refused(variable: str, value: str) -> None:
    with pytest.raises(ConfigError, match=variable):
        Settings.from_environ({variable: value})
