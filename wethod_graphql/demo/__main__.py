"""`python -m wethod_graphql.demo [--host H] [--port P] [--faults] [--latency S]`."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from .serving import add_arguments, serve


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line's options, defaults filled in."""
    parser = argparse.ArgumentParser(
        prog="python -m wethod_graphql.demo",
        description="Serve the embedded Wethod-like demo REST API.",
    )
    add_arguments(parser)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    """Parse the command line and serve until interrupted."""
    args = parse_args(argv)
    serve(args.host, args.port, faults=args.faults, latency=args.latency)


if __name__ == "__main__":
    main()
