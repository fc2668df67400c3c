"""The one exception tree of wethod-graphql.

Every failure the service expects is one of these classes; anything else that
reaches the GraphQL layer is a bug and is masked for the client.

    WethodGraphQLError
    ├── ConfigError                 a setting is invalid (start-up only)
    ├── InputError                  BAD_USER_INPUT: the caller's input, refused here
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
