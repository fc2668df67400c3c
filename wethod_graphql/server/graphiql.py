"""The GraphiQL page: pinned assets, served locally or from a CDN, no header kept.

Strawberry's own page loads its scripts from unpkg (blank with no internet)
and keeps typed request headers, tokens included, in localStorage. This page:

- loads exactly six files (react, react-dom, graphiql and its CSS, the
  explorer plugin and its CSS) from ``assets_url``, or from ``/graphiql/assets``
  when ``assets_dir`` is served, and from no other host; ``graphiql/install-assets``
  puts those files in a directory. With neither set it falls back to
  ``CDN_BASE`` at the versions pinned in ``graphiql/package-lock.json``, with
  subresource integrity: that page needs internet and fails offline;
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

from wethod_graphql.errors import ConfigError

ASSETS_PATH = "/graphiql/assets"
#: Where ``graphiql/install-assets`` puts the files by default (gitignored).
BUNDLED_ASSETS_DIR = Path(__file__).parent / "graphiql_assets"
INSTALL_SCRIPT = "graphiql/install-assets"
CDN_BASE = "https://cdn.jsdelivr.net/npm"


@dataclass(frozen=True)
class Asset:
    """One browser file: its name in the assets directory and its CDN origin."""

    name: str
    package: str
    version: str
    path: str  # inside the npm package
    integrity: str  # SRI of the published file, used for the CDN only

    @property
    def is_script(self) -> bool:
        return self.name.endswith(".js")


# Versions pinned in graphiql/package-lock.json (a test checks they agree).
ASSETS: tuple[Asset, ...] = (
    Asset(
        "react.production.min.js", "react", "18.3.1",
        "umd/react.production.min.js",
        "sha384-DGyLxAyjq0f9SPpVevD6IgztCFlnMF6oW/XQGmfe+IsZ8TqEiDrcHkMLKI6fiB/Z",
    ),
    Asset(
        "react-dom.production.min.js", "react-dom", "18.3.1",
        "umd/react-dom.production.min.js",
        "sha384-gTGxhz21lVGYNMcdJOyq01Edg0jhn/c22nsx0kyqP0TxaV5WVdsSH1fSDUf5YJj1",
    ),
    Asset(
        "graphiql.min.css", "graphiql", "3.9.0", "graphiql.min.css",
        "sha384-QMux00XgRtwRLSYIY3kw2rj1ovk5AuuliAchk+HSQbqdbGFnz9GYuqIlOqxhwCE2",
    ),
    Asset(
        "graphiql.min.js", "graphiql", "3.9.0", "graphiql.min.js",
        "sha384-8NGfVj4CVlqHajlZj+bPJT4thxPMHMJYn7DWK2CvtopLd02E7qsPHazniBYvVjOO",
    ),
    Asset(
        "plugin-explorer.css", "@graphiql/plugin-explorer", "3.2.6",
        "dist/style.css",
        "sha384-YN9MumWidbWKuNj8VfH5ggrFvm9YqAoIOMnKYpeGL3dr7Eg1qnQ+SAqSthdNZCjz",
    ),
    Asset(
        "plugin-explorer.umd.js", "@graphiql/plugin-explorer", "3.2.6",
        "dist/index.umd.js",
        "sha384-5p6hGdlOTvUy6Wf0GauxCz+xM9YB/YYvcGG+bf9msr2eyd+KVIxgRkepHgUijedJ",
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

    ``assets_url`` wins over ``assets_dir`` for the page's links; ``assets_dir``
    alone is served at ``ASSETS_PATH``.
    """

    assets_url: str | None = None
    assets_dir: Path | None = None
    default_query: str | None = None
    persist_headers: bool = False
    #: Send `Wethod-Explain: 1` with every request, so each response shows
    #: its upstream calls under `extensions` (demo mode).
    explain: bool = False


def _asset_base(options: GraphiQLOptions) -> str | None:
    if options.assets_url is not None:
        return options.assets_url.rstrip("/")
    if options.assets_dir is not None:
        return ASSETS_PATH
    return None


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
        if base is None:
            url = f"{CDN_BASE}/{asset.package}@{asset.version}/{asset.path}"
            extra = f' integrity="{asset.integrity}" crossorigin="anonymous"'
        else:
            url, extra = f"{base}/{asset.name}", ""
        if asset.is_script:
            scripts.append(f'    <script src="{html.escape(url)}"{extra}></script>')
        else:
            styles.append(
                f'    <link rel="stylesheet" href="{html.escape(url)}"{extra} />'
            )
    source = _origin(CDN_BASE if base is None else base)
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
    """The static route for local assets, or none; fails early if files are missing."""
    if options.assets_dir is None:
        return []
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
