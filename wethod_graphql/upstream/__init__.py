"""The REST boundary: aiohttp in, typed records and `errors` out; knows no GraphQL."""

from wethod_graphql.upstream.caller import Caller
from wethod_graphql.upstream.client import (
    CLIENT_INCLUDES,
    UpstreamClient,
    parse_client_id,
)
from wethod_graphql.upstream.http import create_session
from wethod_graphql.upstream.records import (
    ClientRecord,
    DeletionFilter,
    ExternalIdentifierRecord,
)

__all__ = [
    "CLIENT_INCLUDES",
    "Caller",
    "ClientRecord",
    "DeletionFilter",
    "ExternalIdentifierRecord",
    "UpstreamClient",
    "create_session",
    "parse_client_id",
]
