"""Start-up objects kept out of the cyclic garbage collector's walks."""

from __future__ import annotations

import gc
from typing import TypeVar

T = TypeVar("T")


def freeze_startup_objects(app: T) -> T:
    """Exempt what start-up built from the cyclic garbage collector.

    Every request leaves cycles (graphql-core's executor state) that only a
    collection frees, and each full collection used to walk all the modules,
    types and schema objects too: 1.3 s of CPU in 12.5 s under load, with
    pauses up to 70 ms that made the p99. Frozen, they are skipped; they
    live as long as the process anyway. Only `serve` does this: a process
    that builds apps and drops them (the tests) would leak them.
    """
    gc.collect()
    gc.freeze()
    return app
