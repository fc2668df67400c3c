"""The GraphiQL page and its asset route, without a browser."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount

from tests.servers import unavailable
from wethod_graphql.errors import ConfigError
from wethod_graphql.server.graphiql import (
    ASSET_FILES,
    ASSETS,
    ASSETS_PATH,
    BUNDLED_ASSETS_DIR,
    LICENSES_FILE,
    MANIFEST_FILE,
    GraphiQLOptions,
    assets_source,
    graphiql_routes,
    render_graphiql,
)

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = '</script><script>alert("x")</script><!-- & \u2028 "quoted" ${x}'


class Page(HTMLParser):
    """The parts of a page these tests look at."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.csp = ""
        self._open: dict[str, str | None] | None = None
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.urls += [v for k, v in attrs if k in ("src", "href") and v is not None]
        if tag == "meta" and found.get("http-equiv") == "Content-Security-Policy":
            self.csp = found["content"] or ""
        if tag == "script":
            self._open = found
            self.scripts.append((found, ""))

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._open = None

    def config(self) -> dict[str, object]:
        (text,) = [t for a, t in self.scripts if a.get("id") == "graphiql-config"]
        loaded = json.loads(text)
        assert isinstance(loaded, dict)
        return loaded

    def csp_sources(self) -> set[str]:
        return {s for d in self.csp.split(";") for s in d.split()[1:]}


def _write_assets(directory: Path) -> None:
    directory.mkdir(exist_ok=True)
    for name in ASSET_FILES:
        (directory / name).write_text(f"/* {name} */", encoding="utf-8")


@pytest.mark.parametrize(
    ("options", "prefix"),
    [
        (GraphiQLOptions(assets_dir=Path("/srv/assets")), ASSETS_PATH + "/"),
        (GraphiQLOptions(assets_url="/static/gq/"), "/static/gq/"),
    ],
)
def test_local_assets_reference_no_other_host(
    options: GraphiQLOptions, prefix: str
) -> None:
    text = render_graphiql(options)
    page = Page(text)
    assert sorted(u.rsplit("/", 1)[1] for u in page.urls if u != "data:,") == sorted(
        ASSET_FILES
    )
    assert all(u == "data:," or u.startswith(prefix) for u in page.urls)
    assert re.findall(r"[a-z][a-z0-9+.-]*://", text) == []
    assert re.findall(r"[\"'(=]//\w", text) == []
    assert page.csp_sources() <= {"'self'", "'none'", "'unsafe-inline'", "data:"} | {
        s for s in page.csp_sources() if s.startswith("'sha256-")
    }
    assert "integrity=" not in text


def test_assets_url_on_another_host_is_the_only_host() -> None:
    page = Page(render_graphiql(GraphiQLOptions(assets_url="https://a.example/gq")))
    hosts = {urlsplit(u).netloc for u in page.urls if u != "data:,"}
    assert hosts == {"a.example"}
    assert "https://a.example" in page.csp_sources()
    assert "connect-src 'self'" in page.csp


def test_hostile_default_query_stays_text() -> None:
    options = GraphiQLOptions(assets_url="/a", default_query=HOSTILE)
    text = render_graphiql(options)
    page = Page(text)
    assert len(page.scripts) == 6  # config, 4 bundles, boot: nothing injected
    assert page.config()["defaultQuery"] == HOSTILE
    assert "</script><script>alert" not in text


def test_endpoint_is_escaped_and_allowed() -> None:
    page = Page(render_graphiql(GraphiQLOptions(assets_url="/a"), "https://x.test/g"))
    assert page.config()["endpoint"] == "https://x.test/g"
    assert "connect-src https://x.test" in page.csp


def test_inline_boot_script_is_allowed_by_its_hash() -> None:
    page = Page(render_graphiql(GraphiQLOptions(assets_url="/a")))
    (boot,) = [t for a, t in page.scripts if not a]
    digest = base64.b64encode(hashlib.sha256(boot.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in page.csp_sources()


@pytest.mark.parametrize("persist", [False, True])
def test_persist_headers_flag_reaches_the_page(persist: bool) -> None:
    options = GraphiQLOptions(assets_url="/a", persist_headers=persist)
    config = Page(render_graphiql(options)).config()
    assert config["persistHeaders"] is persist
    assert config["defaultQuery"] is None


def test_boot_script_strips_headers_from_every_key_graphiql_writes() -> None:
    boot = (ROOT / "wethod_graphql/server/graphiql_boot.js").read_text("utf-8")
    for key in ("headers", "tabState", "queries", "favorites"):
        assert f'"graphiql:{key}"' in boot
    assert "if (!config.persistHeaders) props.storage = headerlessStorage();" in boot


def test_default_page_loads_the_locked_versions_from_the_service() -> None:
    lock = json.loads((ROOT / "graphiql/package-lock.json").read_text("utf-8"))
    manifest = json.loads((ROOT / "graphiql/package.json").read_text("utf-8"))
    for asset in ASSETS:
        locked = lock["packages"][f"node_modules/{asset.package}"]["version"]
        assert asset.version == locked == manifest["dependencies"][asset.package]
    page = Page(render_graphiql(GraphiQLOptions()))
    assert sorted(u for u in page.urls if u != "data:,") == sorted(
        f"{ASSETS_PATH}/{name}" for name in ASSET_FILES
    )
    assert "://" not in page.csp  # no other host, not even a CDN


def _manifest(directory: Path) -> dict[str, str]:
    """File name -> sha256, as `sha256sum` wrote them."""
    lines = (directory / MANIFEST_FILE).read_text("utf-8").splitlines()
    return {name: digest for digest, name in (line.split("  ", 1) for line in lines)}


def test_shipped_files_match_their_manifest() -> None:
    manifest = _manifest(BUNDLED_ASSETS_DIR)
    assert sorted(manifest) == sorted([*ASSET_FILES, LICENSES_FILE])
    on_disk = sorted(p.name for p in BUNDLED_ASSETS_DIR.iterdir())
    assert on_disk == sorted([*manifest, MANIFEST_FILE])
    for name, digest in manifest.items():
        actual = hashlib.sha256((BUNDLED_ASSETS_DIR / name).read_bytes()).hexdigest()
        assert actual == digest, f"{name} differs from {MANIFEST_FILE}"


def test_shipped_licences_cover_each_bundle() -> None:
    licences = (BUNDLED_ASSETS_DIR / LICENSES_FILE).read_text("utf-8")
    for asset in ASSETS:
        assert f"\n{asset.package}@{asset.version} (MIT)\n" in licences
    assert "Copyright (c) Facebook, Inc. and its affiliates." in licences  # react


def test_install_script_copies_the_files_the_page_loads() -> None:
    script = (ROOT / "graphiql/install-assets").read_text("utf-8")
    copied = re.findall(r'^\s+"(\S+)\s+(\S+)"$', script, flags=re.MULTILINE)
    assert sorted(name for _, name in copied) == sorted(ASSET_FILES)
    for asset in ASSETS:
        assert (f"{asset.package}/{asset.path}", asset.name) in copied
    assert os.access(ROOT / "graphiql/install-assets", os.X_OK)


async def test_static_route_serves_the_asset_directory(tmp_path: Path) -> None:
    _write_assets(tmp_path / "assets")
    (tmp_path / "secret.txt").write_text("not an asset", encoding="utf-8")
    options = GraphiQLOptions(assets_dir=tmp_path / "assets")
    app = Starlette(routes=graphiql_routes(options))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.get(f"{ASSETS_PATH}/graphiql.min.js")
        assert response.status_code == 200
        assert response.text == "/* graphiql.min.js */"
        assert "javascript" in response.headers["content-type"]
        escape = await client.get(f"{ASSETS_PATH}/%2e%2e/secret.txt")
        assert escape.status_code == 404


def test_by_default_the_bundled_files_are_served_and_named() -> None:
    (route,) = graphiql_routes(GraphiQLOptions())
    assert isinstance(route, Mount)
    assert route.path == ASSETS_PATH
    assert assets_source(GraphiQLOptions()) == "bundled"
    assert assets_source(GraphiQLOptions(assets_dir=Path("/srv/g"))) == "/srv/g"
    elsewhere = GraphiQLOptions(assets_url="https://a.example/g")
    assert assets_source(elsewhere) == "https://a.example/g"


def test_missing_assets_fail_at_start_up_naming_the_script(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="graphiql/install-assets"):
        graphiql_routes(GraphiQLOptions(assets_dir=tmp_path / "absent"))
    _write_assets(tmp_path)
    (tmp_path / "graphiql.min.css").unlink()
    with pytest.raises(ConfigError, match=r"missing in .*: graphiql\.min\.css;"):
        graphiql_routes(GraphiQLOptions(assets_dir=tmp_path))


@pytest.mark.node
def test_install_script_recreates_the_shipped_files(tmp_path: Path) -> None:
    if shutil.which("npm") is None:
        unavailable("npm not installed")
    subprocess.run(  # noqa: S603 - our own script, fixed arguments
        [str(ROOT / "graphiql/install-assets"), str(tmp_path)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    created = sorted(p.name for p in tmp_path.iterdir())
    assert created == sorted(p.name for p in BUNDLED_ASSETS_DIR.iterdir())
    for name in created:
        shipped = (BUNDLED_ASSETS_DIR / name).read_bytes()
        assert (tmp_path / name).read_bytes() == shipped, f"{name} differs"
