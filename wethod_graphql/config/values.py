"""What each setting's value may be, and how it is read from its variable's text.

Every check and parser names the variable in its `ConfigError`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from starlette.datastructures import Secret

from wethod_graphql.errors import ConfigError

T = TypeVar("T")

#: What a `Wethod-Company` value may look like (the subdomain of the company).
COMPANY_SLUG = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
API_VERSION = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
#: A token goes out in a header: printable ASCII only, as a caller's must be.
TOKEN = re.compile(r"[!-~]{1,4096}")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOG_FORMATS = ("text", "json")
REDIS_SCHEMES = ("redis", "rediss", "unix")
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def env_name(name: str) -> str:
    """The variable a setting is read from."""
    return "WETHOD_" + name.upper()


def check(value: T, env: str, ok: Callable[[T], bool], expected: str) -> None:
    """Stop start-up, naming `env`, unless `ok(value)`."""
    if not ok(value):
        raise ConfigError(f"{env}: expected {expected}, got {value!r}")


def positive(value: float) -> bool:
    return 0 < value < math.inf  # False for NaN too: an unbounded wait is a bug


def non_negative(value: float) -> bool:
    return 0 <= value < math.inf


def is_slug(value: str) -> bool:
    return bool(COMPANY_SLUG.fullmatch(value))


def is_token(value: Secret) -> bool:
    return bool(TOKEN.fullmatch(str(value)))


def is_http_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def is_redis_url(value: Secret) -> bool:
    return urlsplit(str(value)).scheme in REDIS_SCHEMES


def _number(kind: Callable[[str], T]) -> Callable[[str, str], T]:
    def parse(raw: str, env: str) -> T:
        try:
            return kind(raw)
        except ValueError:
            raise ConfigError(
                f"{env}: expected a number ({kind.__name__}), got {raw!r}"
            ) from None

    return parse


def _boolean(raw: str, env: str) -> bool:
    if raw.lower() in _TRUE:
        return True
    if raw.lower() in _FALSE:
        return False
    raise ConfigError(f"{env}: expected true or false, got {raw!r}")


def _text(raw: str, env: str) -> str:
    return raw


def _upper(raw: str, env: str) -> str:
    return raw.upper()


def _secret(raw: str, env: str) -> Secret:
    # The token is sent as `Bearer <token>`; a value that already carries the
    # scheme ("Bearer x", hence the space) would become `Bearer Bearer ...`
    # and fail far from its cause.
    if any(c.isspace() for c in raw):
        raise ConfigError(f"{env}: expected the bare token, without 'Bearer '")
    return Secret(raw)


def _origins(raw: str, env: str) -> tuple[str, ...]:
    return tuple(o.strip().rstrip("/") for o in raw.split(",") if o.strip())


def _path(raw: str, env: str) -> Path:
    return Path(raw)


PARSERS: dict[str, Callable[[str, str], Any]] = {
    "base_url": lambda raw, env: raw.rstrip("/"),
    "api_version": _text,
    "company": _text,
    "token": _secret,
    "timeout": _number(float),
    "request_timeout": _number(float),
    "connect_timeout": _number(float),
    "read_timeout": _number(float),
    "retries": _number(int),
    "retry_backoff": _number(float),
    "retry_after_max": _number(float),
    "max_concurrency": _number(int),
    "max_ids": _number(int),
    "max_calls": _number(int),
    "max_depth": _number(int),
    "max_aliases": _number(int),
    "max_body": _number(int),
    "cors_origins": _origins,
    "graphiql": _boolean,
    "graphiql_assets_url": _text,
    "graphiql_assets_dir": _path,
    "graphiql_persist_headers": _boolean,
    "ready_timeout": _number(float),
    "log_level": _upper,
    "log_format": lambda raw, env: raw.lower(),
    "workers": _number(int),
    "redis_url": lambda raw, env: Secret(raw),  # may carry a password
    "redis_timeout": _number(float),
    "cache_ttl": _number(float),
    "rate_limit_requests": _number(float),
    "rate_limit_upstream_calls": _number(float),
    "rate_limit_burst": _number(float),
    "rate_limit_on_store_error": lambda raw, env: raw.lower(),
    "persisted_operations": _path,
    "persisted_only": _boolean,
    "metrics": _boolean,
    "explain": _boolean,
    "trace_document": _boolean,
    "header_timeout": _number(float),
    "body_timeout": _number(float),
    "keep_alive_timeout": _number(int),
    "max_connections": _number(int),
}
