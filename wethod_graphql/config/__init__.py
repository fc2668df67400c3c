"""Settings: one frozen value object, built once from an explicit mapping.

Nothing in the package reads the environment; `cli.py` calls
`Settings.from_environ(os.environ)` and passes the result down. Tests build
`Settings(...)` directly. Every bad value fails at start-up with a
`ConfigError` that names the variable.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.datastructures import Secret

from wethod_graphql.config.otel import otel_tracing
from wethod_graphql.config.values import (
    API_VERSION,
    COMPANY_SLUG,
    LOG_FORMATS,
    LOG_LEVELS,
    PARSERS,
    TOKEN,
    check,
    env_name,
    is_http_url,
    is_redis_url,
    is_slug,
    is_token,
    non_negative,
    positive,
)

__all__ = ["COMPANY_SLUG", "MAX_WORKERS", "TOKEN", "Settings", "otel_tracing"]

#: Server processes one `serve` may start.
MAX_WORKERS = 64
_ON_STORE_ERROR = ("allow", "deny")
#: Defaults that read better in words than as values.
_DEFAULT_WORDS = {"graphiql_assets_dir": "the files the package ships"}


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the service can be told; defaults are production defaults."""

    base_url: str = "https://api.wethod.com"
    api_version: str = "2024-06-15"
    company: str | None = None
    token: Secret | None = None
    timeout: float = 10.0
    request_timeout: float = 30.0
    connect_timeout: float = 3.0
    read_timeout: float = 5.0
    retries: int = 3
    retry_backoff: float = 0.1
    retry_after_max: float = 5.0
    max_concurrency: int = 64
    max_ids: int = 100
    max_calls: int = 1000
    max_depth: int = 15
    max_aliases: int = 100
    max_body: int = 1_048_576
    cors_origins: tuple[str, ...] = ()
    graphiql: bool = True
    graphiql_assets_url: str | None = None
    graphiql_assets_dir: Path | None = None
    graphiql_persist_headers: bool = False
    ready_timeout: float = 2.0
    log_level: str = "INFO"
    log_format: str = "text"
    workers: int = 1
    # The store and what uses it (see `wethod_graphql.store`).
    redis_url: Secret | None = None
    redis_timeout: float = 0.25
    cache_ttl: float = 0.0
    rate_limit_requests: float = 0.0
    rate_limit_upstream_calls: float = 0.0
    rate_limit_burst: float = 2.0
    rate_limit_on_store_error: str = "allow"
    persisted_operations: Path | None = None
    persisted_only: bool = False
    metrics: bool = True
    explain: bool = False
    trace_document: bool = False
    #: On when the standard `OTEL_*` variables ask for traces (`otel_tracing`).
    tracing: bool = field(default=False, metadata={"env": None})
    header_timeout: float = 10.0
    body_timeout: float = 20.0
    keep_alive_timeout: int = 5
    max_connections: int = 2048
    demo: bool = field(default=False, metadata={"env": None})

    def __post_init__(self) -> None:
        check(self.base_url, "WETHOD_BASE_URL", is_http_url, "an http(s) URL")
        check(
            self.api_version,
            "WETHOD_API_VERSION",
            lambda v: bool(API_VERSION.fullmatch(v)),
            "a date like 2024-06-15",
        )
        for name in (
            "timeout",
            "request_timeout",
            "connect_timeout",
            "read_timeout",
            "ready_timeout",
            "redis_timeout",
            "header_timeout",
            "body_timeout",
        ):
            check(getattr(self, name), env_name(name), positive, "a finite number > 0")
        for name in (
            "retry_backoff",
            "retry_after_max",
            "cache_ttl",
            "rate_limit_requests",
            "rate_limit_upstream_calls",
        ):
            check(
                getattr(self, name),
                env_name(name),
                non_negative,
                "a finite number >= 0",
            )
        for name in (
            "retries",
            "max_concurrency",
            "max_ids",
            "max_calls",
            "max_depth",
            "max_aliases",
            "max_body",
            "keep_alive_timeout",
            "max_connections",
        ):
            check(getattr(self, name), env_name(name), lambda v: v >= 1, ">= 1")
        if self.company is not None:
            check(self.company, "WETHOD_COMPANY", is_slug, "a company slug")
        if self.token is not None:
            check(self.token, "WETHOD_TOKEN", is_token, "printable ASCII")
        check(
            self.workers,
            "WETHOD_WORKERS",
            lambda v: 1 <= v <= MAX_WORKERS,
            f"1 to {MAX_WORKERS}",
        )
        check(
            self.rate_limit_burst, "WETHOD_RATE_LIMIT_BURST", positive, "a number > 0"
        )
        check(
            self.rate_limit_on_store_error,
            "WETHOD_RATE_LIMIT_ON_STORE_ERROR",
            _ON_STORE_ERROR.__contains__,
            "allow|deny",
        )
        if self.redis_url is not None:
            check(self.redis_url, "WETHOD_REDIS_URL", is_redis_url, "a redis:// URL")
        check(self.log_level, "WETHOD_LOG_LEVEL", LOG_LEVELS.__contains__, "a level")
        check(
            self.log_format, "WETHOD_LOG_FORMAT", LOG_FORMATS.__contains__, "text|json"
        )
        for origin in self.cors_origins:
            check(origin, "WETHOD_CORS_ORIGINS", is_http_url, "http(s) origins")

    @classmethod
    def variables(cls) -> dict[str, str]:
        """Each setting read from the environment, and its variable."""
        return {
            f.name: env_name(f.name)
            for f in dataclasses.fields(cls)
            if f.metadata.get("env", True) is not None
        }

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> Settings:
        """Read every `WETHOD_*` variable that is set and non-empty."""
        values: dict[str, Any] = {}
        for name, env in cls.variables().items():
            raw = environ.get(env, "").strip()
            if raw:
                values[name] = PARSERS[name](raw, env)
        return cls(**values, tracing=otel_tracing(environ))

    @classmethod
    def defaults_in_words(cls) -> dict[str, str]:
        """Each setting's default as `--help` shows it."""
        words = {}
        for f in dataclasses.fields(cls):
            if f.name in _DEFAULT_WORDS:
                words[f.name] = _DEFAULT_WORDS[f.name]
            elif f.default is None or f.default == ():
                words[f.name] = "unset"
            elif isinstance(f.default, bool):
                words[f.name] = str(f.default).lower()
            else:
                words[f.name] = str(f.default)
        return words

    @classmethod
    def unknown_variables(cls, environ: Mapping[str, str]) -> list[str]:
        """The `WETHOD_*` names in `environ` that no setting reads (misspellings)."""
        known = set(cls.variables().values())
        return sorted(n for n in environ if n.startswith("WETHOD_") and n not in known)

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)
