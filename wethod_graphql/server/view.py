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
    assets_dir = settings.graphiql_assets_dir
    if assets_dir is None and settings.graphiql_assets_url is None:
        # `graphiql/install-assets` puts the files here; with them the page
        # works offline, without them it falls back to the CDN.
        bundled = BUNDLED_ASSETS_DIR
        assets_dir = bundled if (bundled / "graphiql.min.js").is_file() else None
    return GraphiQLOptions(
        assets_url=settings.graphiql_assets_url,
        assets_dir=assets_dir,
        default_query=DEMO_OPERATION if settings.demo else None,
        persist_headers=settings.graphiql_persist_headers,
        explain=settings.demo,
    )
