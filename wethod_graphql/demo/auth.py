"""Demo tokens and the header checks that come before any validation.

Contract of `check_headers`, in the order a real API runs them:
1. no `Authorization: Bearer <token>`, or an unknown token -> 401 `unauthorized`;
2. no (or empty) `Wethod-Company` or `Wethod-Version` -> 412
   `precondition_failure`; any non-empty version is accepted;
3. a company the token does not belong to, or a token without `crm.view`
   -> 403 `forbidden`.
It returns the company when the request may go on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from starlette.datastructures import Headers

from .data import ACME, GLOBEX
from .responses import ApiError

DEMO_TOKEN = "demo-token"
DEMO_COMPANY = ACME
GLOBEX_TOKEN = "globex-token"
GLOBEX_COMPANY = GLOBEX
NO_CRM_TOKEN = "no-crm-token"
CRM_VIEW = "crm.view"


@dataclass(frozen=True, slots=True)
class Grant:
    """What a token allows: one company, some permissions."""

    company: str
    permissions: frozenset[str]


TOKENS: Mapping[str, Grant] = MappingProxyType(
    {
        DEMO_TOKEN: Grant(DEMO_COMPANY, frozenset({CRM_VIEW})),
        GLOBEX_TOKEN: Grant(GLOBEX_COMPANY, frozenset({CRM_VIEW})),
        NO_CRM_TOKEN: Grant(DEMO_COMPANY, frozenset()),
    }
)


def bearer_token(headers: Headers) -> str | None:
    """The token of an `Authorization: Bearer <token>` header (scheme any case)."""
    scheme, _, token = headers.get("authorization", "").strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    return token


def check_headers(headers: Headers) -> ApiError | str:
    """The error to answer, or the company whose data the request may read."""
    token = bearer_token(headers)
    if token is None:
        return ApiError(401, "unauthorized", "Missing bearer token.")
    grant = TOKENS.get(token)
    if grant is None:
        return ApiError(401, "unauthorized", "Invalid or expired token.")
    company = headers.get("wethod-company", "").strip()
    if not company:
        return ApiError(
            412, "precondition_failure", "The Wethod-Company header is required."
        )
    if not headers.get("wethod-version", "").strip():
        return ApiError(
            412, "precondition_failure", "The Wethod-Version header is required."
        )
    if company != grant.company:
        return ApiError(
            403, "forbidden", f"You do not have access to company '{company}'."
        )
    if CRM_VIEW not in grant.permissions:
        return ApiError(403, "forbidden", f"Missing required permission: {CRM_VIEW}.")
    return company
