"""`python -m wethod_graphql.demo [--host H] [--port P] [--faults] [--latency S]`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from wethod_graphql.process import listen, run

from .serving import DEMO_CREDENTIALS, DEMO_DESCRIPTION, add_arguments, serve


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line's options, defaults filled in."""
    parser = argparse.ArgumentParser(
        prog="python -m wethod_graphql.demo",
        description=DEMO_DESCRIPTION,
        epilog=DEMO_CREDENTIALS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_arguments(parser)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Serve until asked to stop; the exit status (0 for SIGTERM and Ctrl-C,
    1 when the address cannot be listened on)."""
    args = parse_args(argv)
    try:
        with run.sigterm_interrupts():
            return serve(args.host, args.port, faults=args.faults, latency=args.latency)
    except listen.ListenError as error:
        print(f"demo-api: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # before serving began
        return 0


if __name__ == "__main__":
    sys.exit(main())
