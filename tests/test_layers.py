"""Imports point one way: environ/errors <- config <- observe, store <- upstream <- resolvers <- schema <- server <- startup <- cli."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "wethod_graphql"

# Each layer may import itself and the layers listed for it, nothing above.
ALLOWED = {
    "environ": {"errors"},
    "config": {"errors", "environ"},
    "errors": set(),
    "observe": {"config", "errors"},
    "store": {"config", "errors"},
    "upstream": {"config", "errors", "observe", "store"},
    "resolvers": {"config", "errors", "observe", "store", "upstream"},
    "schema": {"config", "errors", "observe", "store", "upstream", "resolvers"},
    "server": {
        *("config", "errors", "observe", "store", "upstream", "resolvers"),
        "schema",
    },
    "startup": {
        *("config", "errors", "observe", "store", "upstream", "resolvers"),
        *("schema", "server"),
    },
    "cli": {
        *("config", "errors", "observe", "store", "upstream", "resolvers"),
        *("schema", "server", "startup", "process", "demo"),
    },
    # Running a server as a command: shared by `serve` and the demo API,
    # so it imports nothing else of the package, as the demo does.
    "process": set(),
    "demo": {"process"},
}


def layer_of(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0].removesuffix(".py")


def imported_layers(path: Path) -> set[str]:
    layers = set()
    for node in ast.walk(ast.parse(path.read_text())):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] == "wethod_graphql" and len(parts) > 1:
                layers.add(parts[1])
    return layers


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if layer_of(p) in ALLOWED)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_one_way(path: Path) -> None:
    layer = layer_of(path)
    forbidden = imported_layers(path) - ALLOWED[layer] - {layer}
    assert not forbidden, f"{layer} must not import {sorted(forbidden)}"


def test_every_module_belongs_to_a_layer() -> None:
    entry_points = {"__init__", "__main__"}
    unknown = {
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if layer_of(p) not in ALLOWED.keys() | entry_points
    }
    assert not unknown, f"add these to ALLOWED: {sorted(unknown)}"


def test_modules_stay_small() -> None:
    long = {
        str(p.relative_to(PACKAGE)): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text().splitlines())) > 300
    }
    assert not long, f"split these modules: {long}"
