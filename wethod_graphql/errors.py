"""The one exception tree of wethod-graphql.

Every failure the service expects is one of these classes; anything else that
reaches the GraphQL layer is a bug and is masked for the client.

    WethodGraphQLError
    ├── ConfigError                 a setting is invalid (start-up only)
    ├── InputError                  BAD_USER_INPUT: the caller's input, refused here
    ├── RequestError                BAD_REQUEST: not a GraphQL request we can run
    │   ├── PersistedQueryNotFound    PERSISTED_QUERY_NOT_FOUND  hash not registered
    │   └── PersistedQueryNotAllowed  PERSISTED_QUERY_NOT_ALLOWED not in the manifest
    ├── CallerRateLimited           RATE_LIMITED: the caller is over its own limit
    ├── StoreUnavailable            the shared store (Redis) failed; never shown
    └── UpstreamError               talking to the Wethod API went wrong
        ├── UpstreamBadRequest      BAD_USER_INPUT       400, with `failures`
        ├── Unauthenticated         UNAUTHENTICATED      401, or no credentials
        ├── Forbidden               FORBIDDEN            403
        ├── NotFound                NOT_FOUND            404
        ├── PreconditionFailed      PRECONDITION_FAILED  412, or no company
        ├── RateLimited             RATE_LIMITED         429 after retries
        ├── UpstreamUnavailable     UPSTREAM_UNAVAILABLE 5xx, other status, connection
        └── UpstreamTimeout         UPSTREAM_TIMEOUT     no answer in time

`code` is the stable `extensions.code` of the GraphQL error. `status` and `key`
are the upstream's HTTP status and error key when a response carried them;
they are `None` for failures decided locally (no credentials) or at the
transport level. Messages are written for people and never carry tokens,
URLs or upstream bodies.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


class WethodGraphQLError(Exception):
    """Base of every expected failure."""

    code: ClassVar[str] = "INTERNAL_SERVER_ERROR"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConfigError(WethodGraphQLError):
    """A setting has an invalid value; raised while building `Settings`."""


class InputError(WethodGraphQLError):
    """The caller's input was refused by the service itself.

    Raised before the call it concerns: a malformed id or header, too many
    ids, or an operation past its budget of upstream calls.
    """

    code = "BAD_USER_INPUT"


class RequestError(WethodGraphQLError):
    """The request is not one GraphQL can run; refused before execution."""

    code = "BAD_REQUEST"


class PersistedQueryNotFound(RequestError):
    """A persisted-query hash nobody registered (or that was evicted).

    The message is Apollo's: clients match it to resend the text.
    """

    code = "PERSISTED_QUERY_NOT_FOUND"

    def __init__(self) -> None:
        super().__init__("PersistedQueryNotFound")


class PersistedQueryNotAllowed(RequestError):
    """A document outside the trusted manifest, under `WETHOD_PERSISTED_ONLY`."""

    code = "PERSISTED_QUERY_NOT_ALLOWED"


class CallerRateLimited(WethodGraphQLError):
    """The caller spent its own budget of requests or upstream calls.

    Not the upstream's 429 (`RateLimited`): `limit` names which of the
    service's per-caller limits ran out, `retry_after` is when one more
    request or call fits, in whole seconds (as `Retry-After` counts).
    """

    code = "RATE_LIMITED"

    #: `limit` values, and how a message names them.
    LIMITS: ClassVar[dict[str, str]] = {
        "requests": "requests",
        "upstreamCalls": "upstream calls",
    }

    def __init__(self, limit: str, retry_after: int) -> None:
        super().__init__(
            f"Too many {self.LIMITS[limit]} from this caller (this service's "
            f"per-caller limit, not the Wethod API's); retry in {retry_after} s."
        )
        self.limit = limit
        self.retry_after = retry_after


class StoreUnavailable(WethodGraphQLError):
    """The store (Redis) did not answer in time or failed.

    Features degrade instead of failing the request: cache and persisted
    lookups miss, limits follow `WETHOD_RATE_LIMIT_ON_STORE_ERROR`.
    """


class UpstreamError(WethodGraphQLError):
    """A call to the Wethod API failed."""

    code = "UPSTREAM_UNAVAILABLE"

    def __init__(
        self, message: str, *, status: int | None = None, key: str | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.key = key


@dataclass(frozen=True, slots=True)
class Failure:
    """One entry of an upstream 400's `failures`: which field and why."""

    field: str
    message: str


class UpstreamBadRequest(UpstreamError):
    code = "BAD_USER_INPUT"

    def __init__(
        self,
        message: str,
        *,
        failures: tuple[Failure, ...] = (),
        status: int | None = 400,
        key: str | None = None,
    ) -> None:
        super().__init__(message, status=status, key=key)
        self.failures = failures


class Unauthenticated(UpstreamError):
    code = "UNAUTHENTICATED"


class Forbidden(UpstreamError):
    code = "FORBIDDEN"


class NotFound(UpstreamError):
    code = "NOT_FOUND"


class PreconditionFailed(UpstreamError):
    code = "PRECONDITION_FAILED"


class RateLimited(UpstreamError):
    code = "RATE_LIMITED"

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        status: int | None = 429,
        key: str | None = None,
    ) -> None:
        super().__init__(message, status=status, key=key)
        self.retry_after = retry_after


class UpstreamUnavailable(UpstreamError):
    code = "UPSTREAM_UNAVAILABLE"


class UpstreamTimeout(UpstreamError):
    code = "UPSTREAM_TIMEOUT"
