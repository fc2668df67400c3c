"""Settings: one frozen value object, built once from an explicit mapping.

Nothing in the package reads the environment; `cli.py` calls
`Settings.from_environ(os.environ)` and passes the result down. Tests build
`Settings(...)` directly. Every bad value fails at start-up with a
`ConfigError` that names the variable.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from starlette.datastructures import Secret

from wethod_graphql.environ import (
    boolean,
    number,
    origins,
    otel_tracing,
    path,
    secret,
    text,
    upper,
)
from wethod_graphql.errors import ConfigError

__all__ = ["COMPANY_SLUG", "MAX_WORKERS", "TOKEN", "Settings", "otel_tracing"]

T = TypeVar("T")

#: What a `Wethod-Company` value may look like (the subdomain of the company).
COMPANY_SLUG = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
_API_VERSION = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
#: A token goes out in a header: printable ASCII only, as a caller's must be.
TOKEN = re.compile(r"[!-~]{1,4096}")
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_LOG_FORMATS = ("text", "json")
#: Server processes one `serve` may start.
MAX_WORKERS = 64
_ON_STORE_ERROR = ("allow", "deny")
_REDIS_SCHEMES = ("redis", "rediss", "unix")
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
        _check(self.base_url, "WETHOD_BASE_URL", _is_http_url, "an http(s) URL")
        _check(
            self.api_version,
            "WETHOD_API_VERSION",
            lambda v: bool(_API_VERSION.fullmatch(v)),
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
            _check(
                getattr(self, name), _env_name(name), _positive, "a finite number > 0"
            )
        for name in (
            "retry_backoff",
            "retry_after_max",
            "cache_ttl",
            "rate_limit_requests",
            "rate_limit_upstream_calls",
        ):
            _check(
                getattr(self, name),
                _env_name(name),
                _non_negative,
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
            _check(getattr(self, name), _env_name(name), lambda v: v >= 1, ">= 1")
        if self.company is not None:
            _check(self.company, "WETHOD_COMPANY", _is_slug, "a company slug")
        if self.token is not None:
            _check(self.token, "WETHOD_TOKEN", _is_token, "printable ASCII")
        _check(
            self.workers,
            "WETHOD_WORKERS",
            lambda v: 1 <= v <= MAX_WORKERS,
            f"1 to {MAX_WORKERS}",
        )
        _check(
            self.rate_limit_burst, "WETHOD_RATE_LIMIT_BURST", _positive, "a number > 0"
        )
        _check(
            self.rate_limit_on_store_error,
            "WETHOD_RATE_LIMIT_ON_STORE_ERROR",
            _ON_STORE_ERROR.__contains__,
            "allow|deny",
        )
        if self.redis_url is not None:
            _check(self.redis_url, "WETHOD_REDIS_URL", _is_redis_url, "a redis:// URL")
        _check(self.log_level, "WETHOD_LOG_LEVEL", _LOG_LEVELS.__contains__, "a level")
        _check(
            self.log_format, "WETHOD_LOG_FORMAT", _LOG_FORMATS.__contains__, "text|json"
        )
        for origin in self.cors_origins:
            _check(origin, "WETHOD_CORS_ORIGINS", _is_http_url, "http(s) origins")

    @classmethod
    def variables(cls) -> dict[str, str]:
        """Each setting read from the environment, and its variable."""
        return {
            f.name: _env_name(f.name)
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
                values[name] = _PARSERS[name](raw, env)
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


def _env_name(name: str) -> str:
    return "WETHOD_" + name.upper()


def _check(value: T, env: str, ok: Callable[[T], bool], expected: str) -> None:
    if not ok(value):
        raise ConfigError(f"{env}: expected {expected}, got {value!r}")


def _positive(value: float) -> bool:
    return 0 < value < math.inf  # False for NaN too: an unbounded wait is a bug


def _non_negative(value: float) -> bool:
    return 0 <= value < math.inf


def _is_slug(value: str) -> bool:
    return bool(COMPANY_SLUG.fullmatch(value))


def _is_token(value: Secret) -> bool:
    return bool(TOKEN.fullmatch(str(value)))


def _is_http_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _is_redis_url(value: Secret) -> bool:
    return urlsplit(str(value)).scheme in _REDIS_SCHEMES


_PARSERS: dict[str, Callable[[str, str], Any]] = {
    "base_url": lambda raw, env: raw.rstrip("/"),
    "api_version": text,
    "company": text,
    "token": secret,
    "timeout": number(float),
    "request_timeout": number(float),
    "connect_timeout": number(float),
    "read_timeout": number(float),
    "retries": number(int),
    "retry_backoff": number(float),
    "retry_after_max": number(float),
    "max_concurrency": number(int),
    "max_ids": number(int),
    "max_calls": number(int),
    "max_depth": number(int),
    "max_aliases": number(int),
    "max_body": number(int),
    "cors_origins": origins,
    "graphiql": boolean,
    "graphiql_assets_url": text,
    "graphiql_assets_dir": path,
    "graphiql_persist_headers": boolean,
    "ready_timeout": number(float),
    "log_level": upper,
    "log_format": lambda raw, env: raw.lower(),
    "workers": number(int),
    "redis_url": lambda raw, env: Secret(raw),  # may carry a password
    "redis_timeout": number(float),
    "cache_ttl": number(float),
    "rate_limit_requests": number(float),
    "rate_limit_upstream_calls": number(float),
    "rate_limit_burst": number(float),
    "rate_limit_on_store_error": lambda raw, env: raw.lower(),
    "persisted_operations": path,
    "persisted_only": boolean,
    "metrics": boolean,
    "explain": boolean,
    "trace_document": boolean,
    "header_timeout": number(float),
    "body_timeout": number(float),
    "keep_alive_timeout": number(int),
    "max_connections": number(int),
}
