"""The GraphiQL page: pinned assets shipped in the package, no header kept.

Its options come from the settings (`graphiql_options`).

Strawberry's own page loads its scripts from unpkg (blank with no internet)
and keeps typed request headers, tokens included, in localStorage. This page:

- loads exactly six files (react, react-dom, graphiql and its CSS, the
  explorer plugin and its CSS) from ``assets_url`` when one is set, else from
  ``/graphiql/assets``, where ``assets_dir`` is served, and from no other
  host. The package ships those files in ``BUNDLED_ASSETS_DIR`` at the
  versions pinned in ``graphiql/package-lock.json``, with their licences and
  a ``SHA256SUMS`` manifest; ``graphiql/install-assets`` re-creates them;
- carries a Content-Security-Policy that lets the browser load scripts and
  styles only from there and send requests only to the GraphQL endpoint;
- unless ``persist_headers``, hands GraphiQL a storage that drops every
  header value: GraphiQL 3 stores headers under ``graphiql:headers`` and
  also inside ``graphiql:tabState``, ``graphiql:queries`` (history) and
  ``graphiql:favorites``, the last two even with ``shouldPersistHeaders`` off.

Every injected value is escaped: attributes with ``html.escape``, the page's
settings as JSON in a data block with ``<``, ``>`` and ``&`` as ``\\u`` escapes,
so a default query containing ``</script>`` stays text.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from wethod_graphql.config import Settings
from wethod_graphql.errors import ConfigError

ASSETS_PATH = "/graphiql/assets"
#: The files the package ships (``graphiql/install-assets`` re-creates them).
BUNDLED_ASSETS_DIR = Path(__file__).parent / "graphiql_assets"
INSTALL_SCRIPT = "graphiql/install-assets"
#: Beside the bundles: the licences of the npm packages they come from, and
#: the sha256 of every shipped file (``sha256sum -c`` reads it).
LICENSES_FILE = "THIRD_PARTY_LICENSES.txt"
MANIFEST_FILE = "SHA256SUMS"


@dataclass(frozen=True)
class Asset:
    """One browser file: its name in the assets directory and its npm origin."""

    name: str
    package: str
    version: str
    path: str  # inside the npm package

    @property
    def is_script(self) -> bool:
        return self.name.endswith(".js")


# Versions pinned in graphiql/package-lock.json (a test checks they agree).
ASSETS: tuple[Asset, ...] = (
    Asset("react.production.min.js", "react", "18.3.1", "umd/react.production.min.js"),
    Asset(
        "react-dom.production.min.js", "react-dom", "18.3.1",
        "umd/react-dom.production.min.js",
    ),
    Asset("graphiql.min.css", "graphiql", "3.9.0", "graphiql.min.css"),
    Asset("graphiql.min.js", "graphiql", "3.9.0", "graphiql.min.js"),
    Asset(
        "plugin-explorer.css", "@graphiql/plugin-explorer", "3.2.6", "dist/style.css"
    ),
    Asset(
        "plugin-explorer.umd.js", "@graphiql/plugin-explorer", "3.2.6",
        "dist/index.umd.js",
    ),
)  # fmt: skip
ASSET_FILES: tuple[str, ...] = tuple(asset.name for asset in ASSETS)

_HERE = Path(__file__).parent
_TEMPLATE = (_HERE / "graphiql.html").read_text(encoding="utf-8")
_BOOT = (_HERE / "graphiql_boot.js").read_text(encoding="utf-8")
_BOOT_HASH = "sha256-" + base64.b64encode(
    hashlib.sha256(_BOOT.encode("utf-8")).digest()
).decode("ascii")
_PLACEHOLDER = re.compile(r"\{\{ (\w+) \}\}")


@dataclass(frozen=True)
class GraphiQLOptions:
    """How the GraphiQL page is built and where its assets come from.

    ``assets_dir`` is served at ``ASSETS_PATH``; ``assets_url``, when set, wins
    for the page's links.
    """

    assets_url: str | None = None
    assets_dir: Path = BUNDLED_ASSETS_DIR
    default_query: str | None = None
    persist_headers: bool = False
    #: Send `Wethod-Explain: 1` with every request, so each response shows
    #: its upstream calls under `extensions` (demo mode).
    explain: bool = False


def _asset_base(options: GraphiQLOptions) -> str:
    if options.assets_url is not None:
        return options.assets_url.rstrip("/")
    return ASSETS_PATH


def assets_source(options: GraphiQLOptions) -> str:
    """Where the page's files come from, in words, for the start-up line."""
    if options.assets_url is not None:
        return options.assets_url
    if options.assets_dir == BUNDLED_ASSETS_DIR:
        return "bundled"
    return str(options.assets_dir)


def _origin(url: str) -> str:
    """The CSP source for a URL: its origin, or 'self' when it is relative."""
    parts = urlsplit(url)
    if parts.scheme and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    return "'self'"


def _json_for_script(value: object) -> str:
    text = json.dumps(value, ensure_ascii=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_graphiql(options: GraphiQLOptions, endpoint: str = "/graphql") -> str:
    """The whole GraphiQL page, talking to ``endpoint``."""
    base = _asset_base(options)
    styles: list[str] = []
    scripts: list[str] = []
    for asset in ASSETS:
        url = html.escape(f"{base}/{asset.name}")
        if asset.is_script:
            scripts.append(f'    <script src="{url}"></script>')
        else:
            styles.append(f'    <link rel="stylesheet" href="{url}" />')
    source = _origin(base)
    csp = "; ".join(
        (
            "default-src 'none'",
            f"script-src {source} '{_BOOT_HASH}'",
            f"style-src {source} 'unsafe-inline'",
            f"font-src {source} data:",
            f"img-src {source} data:",
            f"connect-src {_origin(endpoint)}",
            "base-uri 'none'",
            "form-action 'none'",
        )
    )
    config = {
        "endpoint": endpoint,
        "defaultQuery": options.default_query,
        "persistHeaders": options.persist_headers,
        "explain": options.explain,
    }
    values = {
        "csp": html.escape(csp),
        "styles": "\n".join(styles),
        "scripts": "\n".join(scripts),
        "config": _json_for_script(config),
        "boot": _BOOT,
    }
    return _PLACEHOLDER.sub(lambda match: values[match[1]], _TEMPLATE)


def graphiql_routes(options: GraphiQLOptions) -> list[BaseRoute]:
    """The static route for ``assets_dir``; fails early if files are missing."""
    directory = options.assets_dir
    missing = [name for name in ASSET_FILES if not (directory / name).is_file()]
    if missing:
        raise ConfigError(
            f"WETHOD_GRAPHIQL_ASSETS_DIR: GraphiQL assets missing in {directory}: "
            f"{', '.join(missing)}; run {INSTALL_SCRIPT} {directory} "
            "(needs Node.js and npm)"
        )
    static = StaticFiles(directory=directory)
    return [Mount(ASSETS_PATH, static, name="graphiql-assets")]


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
    """The page's options for `/graphql`, from the settings."""
    return GraphiQLOptions(
        assets_url=settings.graphiql_assets_url,
        # The package ships the files, so the page works offline by default.
        assets_dir=settings.graphiql_assets_dir or BUNDLED_ASSETS_DIR,
        default_query=DEMO_OPERATION if settings.demo else None,
        persist_headers=settings.graphiql_persist_headers,
        explain=settings.demo,
    )
