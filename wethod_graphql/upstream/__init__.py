"""The REST boundary: aiohttp in, typed records and `errors` out; knows no GraphQL."""

from wethod_graphql.upstream.caller import Caller
from wethod_graphql.upstream.client import UpstreamClient
from wethod_graphql.upstream.http import create_session
from wethod_graphql.upstream.records import (
    ClientRecord,
    Deleted,
    ExternalIdentifierRecord,
)
from wethod_graphql.upstream.resources import parse_client_id

__all__ = [
    "Caller",
    "ClientRecord",
    "Deleted",
    "ExternalIdentifierRecord",
    "UpstreamClient",
    "create_session",
    "parse_client_id",
]
