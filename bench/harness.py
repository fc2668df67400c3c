"""`bench/run` as a module, for the scripts that reuse its pieces
(`bench/rounds`, `bench/instructions`): the same processes, fake and wrk."""

from __future__ import annotations

import importlib.util
import sys
from importlib.machinery import SourceFileLoader
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parent


def load_run() -> ModuleType:
    """bench/run, loaded once (it has no `.py` name to import by)."""
    if "bench_run" in sys.modules:
        return sys.modules["bench_run"]
    loader = SourceFileLoader("bench_run", str(BENCH / "run"))
    spec = importlib.util.spec_from_loader("bench_run", loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    loader.exec_module(module)
    return module
