"""GraphiQL's options for `/graphql`, from the settings."""

from __future__ import annotations

from wethod_graphql.config import Settings
from wethod_graphql.server.graphiql import (
    BUNDLED_ASSETS_DIR,
    GraphiQLOptions,
)

#: What GraphiQL opens with in demo mode: the product at a glance.
DEMO_OPERATION = """\
# One client with its external identifiers, then a list with
# a deleted client (7) and a missing one (9999).
query Demo {
  client(id: "1") {
    id
    corporateName
    vat
    town
    externalIdentifiers { type externalId }
  }
  clients(ids: ["2", "7", "9999"], deleted: INCLUDE) {
    id
    corporateName
    deletedAt
  }
}
"""


def graphiql_options(settings: Settings) -> GraphiQLOptions:
    return GraphiQLOptions(
        assets_url=settings.graphiql_assets_url,
        # The package ships the files, so the page works offline by default.
        assets_dir=settings.graphiql_assets_dir or BUNDLED_ASSETS_DIR,
        default_query=DEMO_OPERATION if settings.demo else None,
        persist_headers=settings.graphiql_persist_headers,
        explain=settings.demo,
    )
