"""What the wheel and the sdist ship: GraphiQL's files, licences, typing.

Both are built the ordinary way (`pip wheel .`, hatchling's sdist) with the
installed backend, so no network is needed, and their contents are compared
with the files the repository holds.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from wethod_graphql.server.graphiql import (
    ASSET_FILES,
    BUNDLED_ASSETS_DIR,
    LICENSES_FILE,
    MANIFEST_FILE,
)

ROOT = Path(__file__).parents[1]
ASSETS_IN_PACKAGE = "wethod_graphql/server/graphiql_assets"
SHIPPED = sorted([*ASSET_FILES, LICENSES_FILE, MANIFEST_FILE])


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _expected() -> dict[str, str]:
    return {name: _digest((BUNDLED_ASSETS_DIR / name).read_bytes()) for name in SHIPPED}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(  # noqa: S603 - pip on this repository, fixed arguments
        [
            *(sys.executable, "-m", "pip", "wheel", str(ROOT)),
            *("--no-deps", "--no-build-isolation", "--quiet", "--wheel-dir", str(out)),
        ],
        check=True,
        capture_output=True,
    )
    (path,) = out.glob("wethod_graphql-*.whl")
    return zipfile.ZipFile(path)


@pytest.fixture(scope="module")
def sdist(tmp_path_factory: pytest.TempPathFactory) -> tarfile.TarFile:
    out = tmp_path_factory.mktemp("sdist")
    subprocess.run(  # noqa: S603 - hatchling on this repository, fixed arguments
        [sys.executable, "-m", "hatchling", "build", "-t", "sdist", "-d", str(out)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    (path,) = out.glob("wethod_graphql-*.tar.gz")
    return tarfile.open(path)


def test_wheel_ships_graphiql_files_as_committed(wheel: zipfile.ZipFile) -> None:
    shipped = {
        name.removeprefix(ASSETS_IN_PACKAGE + "/"): _digest(wheel.read(name))
        for name in wheel.namelist()
        if name.startswith(ASSETS_IN_PACKAGE + "/")
    }
    assert shipped == _expected()


def test_wheel_ships_the_licence_and_py_typed(wheel: zipfile.ZipFile) -> None:
    names = wheel.namelist()
    assert "wethod_graphql/py.typed" in names
    (licence,) = [n for n in names if n.endswith(".dist-info/licenses/LICENSE")]
    assert wheel.read(licence) == (ROOT / "LICENSE").read_bytes()


def test_sdist_ships_graphiql_files_and_the_usual_files(sdist: tarfile.TarFile) -> None:
    members = {m.name.split("/", 1)[1]: m for m in sdist.getmembers() if m.isfile()}
    shipped = {}
    for name in SHIPPED:
        extracted = sdist.extractfile(members[f"{ASSETS_IN_PACKAGE}/{name}"])
        assert extracted is not None
        shipped[name] = _digest(extracted.read())
    assert shipped == _expected()
    for usual in ("LICENSE", "CHANGELOG.md", "README.md", "wethod_graphql/py.typed"):
        assert usual in members
    assert not [name for name in members if "node_modules/" in name]


def test_a_fresh_clone_has_the_graphiql_files() -> None:
    # An editable install serves them from the checkout: they must be
    # committed, not produced by a step people forget.
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    tracked = subprocess.run(  # noqa: S603 - git, fixed arguments
        ["git", "ls-files", "--", ASSETS_IN_PACKAGE],  # noqa: S607
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    assert sorted(Path(name).name for name in tracked) == SHIPPED
