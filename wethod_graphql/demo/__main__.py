"""`python -m wethod_graphql.demo [--host H] [--port P] [--faults] [--latency S]`."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from .serving import DEFAULT_HOST, DEFAULT_PORT, serve


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line's options, defaults filled in."""
    parser = argparse.ArgumentParser(
        prog="python -m wethod_graphql.demo",
        description="Serve the embedded Wethod-like demo REST API.",
    )
    parser.add_argument("--host", default=DEFAULT_HOST)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument(
        "--faults",
        action="store_true",
        help="enable fault injection and the /_demo/ admin endpoints",
    )
    parser.add_argument(
        "--latency",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="delay added to every /api request",
    )
    args = parser.parse_args(argv)
    if args.latency < 0:
        parser.error("--latency must be >= 0")
    return args


def main(argv: Sequence[str] | None = None) -> None:
    """Parse the command line and serve until interrupted."""
    args = parse_args(argv)
    serve(args.host, args.port, faults=args.faults, latency=args.latency)


if __name__ == "__main__":
    main()
