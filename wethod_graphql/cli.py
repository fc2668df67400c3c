"""The `wethod-graphql` command: `serve`, `demo-api` and `schema`.

The only place that reads the environment: `Settings` are built here, once
per process (each `serve --workers` process builds its own from the same
variables), and passed down.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, NoReturn

import uvicorn
from starlette.applications import Starlette
from starlette.datastructures import Secret
from uvicorn.config import STARTUP_FAILURE

from wethod_graphql import __version__
from wethod_graphql.config import Settings, otel_tracing
from wethod_graphql.demo.serving import DEMO_CREDENTIALS, DEMO_DESCRIPTION
from wethod_graphql.demo.serving import add_arguments as add_demo_arguments
from wethod_graphql.errors import ConfigError
from wethod_graphql.observe.metrics import multiprocess_directory
from wethod_graphql.process import listen, run
from wethod_graphql.process.heap import freeze_startup_objects
from wethod_graphql.process.protocol import with_header_timeout
from wethod_graphql.schema.build import build_schema
from wethod_graphql.server.app import create_app
from wethod_graphql.server.logs import configure_logging
from wethod_graphql.startup import log_startup_line, warn_about_ignored

#: No `serve` flag: a token or a Redis URL (it may carry a password) on a command
#: line is visible to every user of the machine (`ps`); `--upstream` is base_url.
_NOT_FLAGS = frozenset({"token", "redis_url", "base_url"})
_FLAG_PREFIX = "setting_"

#: In-flight requests get this long to finish after SIGTERM.
GRACEFUL_SHUTDOWN_SECONDS = 20


def main(
    argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None
) -> int:
    """Run a command; its exit status: 0 after a requested stop (SIGTERM,
    SIGINT), 1 when it cannot listen, 2 for a bad setting or usage."""
    args = parser().parse_args(argv)
    try:
        with run.sigterm_interrupts():
            return int(args.run(args, os.environ if environ is None else environ))
    except ConfigError as error:
        print(f"wethod-graphql: {error}", file=sys.stderr)
        return 2
    except listen.ListenError as error:
        print(f"wethod-graphql: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM before serving began
        return 0


class _Parser(argparse.ArgumentParser):
    """Usage errors in one line: `serve`'s full usage runs to 20 lines."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="wethod-graphql",
        description="A GraphQL facade and federation subgraph over the Wethod API.",
    )
    parser.add_argument("--version", action="version", version=__version__)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the GraphQL service")
    serve.add_argument("--host", default="127.0.0.1", help="default: 127.0.0.1")
    serve.add_argument(
        "--port",
        type=listen.port_number,
        default=8000,
        help="default: 8000 (0 picks a free port)",
    )
    serve.add_argument(
        "--upstream",
        metavar="URL",
        help=f"overrides WETHOD_BASE_URL (default: {Settings().base_url})",
    )
    serve.add_argument(
        "--demo",
        action="store_true",
        help="serve the embedded demo API's sample data: no token, no network",
    )
    defaults = Settings.defaults_in_words()
    for name, env in Settings.variables().items():
        if name in _NOT_FLAGS:
            continue
        serve.add_argument(
            "--" + name.replace("_", "-"),
            dest=_FLAG_PREFIX + name,
            metavar="VALUE",
            help=f"overrides {env} (default: {defaults[name]})",
        )
    serve.set_defaults(run=_serve)

    demo = commands.add_parser(
        "demo-api",
        help="run the demo REST API alone",
        description=DEMO_DESCRIPTION,
        epilog=DEMO_CREDENTIALS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_demo_arguments(demo)
    demo.set_defaults(run=_demo_api)

    schema = commands.add_parser("schema", help="print the subgraph SDL")
    schema.set_defaults(run=_schema)
    return parser


def serve_settings(args: argparse.Namespace, environ: Mapping[str, str]) -> Settings:
    """The environment's settings with the `serve` flags over them.

    A flag is its variable given on the command line: parsed and checked the
    same way, and named the same way in errors.
    """
    return Settings.from_environ(serve_variables(args, environ))


def demo_overrides(args: argparse.Namespace) -> list[str]:
    """The flags given that `--demo` overrides with the demo API's own."""
    given = ["--upstream"] if args.upstream else []
    return given + [
        "--" + name.replace("_", "-")
        for name in ("token", "company")
        if getattr(args, _FLAG_PREFIX + name, None) is not None
    ]


def serve_variables(
    args: argparse.Namespace, environ: Mapping[str, str]
) -> dict[str, str]:
    """The `WETHOD_*` variables `serve` runs with: the flags over `environ`."""
    variables = Settings.variables()
    flags = {
        variables[key.removeprefix(_FLAG_PREFIX)]: value
        for key, value in vars(args).items()
        if key.startswith(_FLAG_PREFIX) and value is not None
    }
    if args.upstream:
        flags[variables["base_url"]] = args.upstream
    merged = {**environ, **flags}
    return {env: merged[env] for env in variables.values() if env in merged}


def _serve(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    variables = serve_variables(args, environ)
    # Tracing follows the standard OTEL_* variables, which the SDK reads too.
    settings = Settings.from_environ(variables).replace(tracing=otel_tracing(environ))
    if settings.workers > 1 and args.demo:
        raise ConfigError(
            "WETHOD_WORKERS: --demo serves from one process; use 1 worker."
        )
    configure_logging(settings.log_level, settings.log_format)
    warn_about_ignored(environ, demo_overrides(args) if args.demo else None)
    if args.demo:
        with _demo_upstream(settings) as demo_settings:
            return _serve_with(args, variables, demo_settings)
    return _serve_with(args, variables, settings)


def _serve_with(
    args: argparse.Namespace, variables: Mapping[str, str], settings: Settings
) -> int:
    """Serve on --host/--port in one process, or in `settings.workers`."""
    # Built before binding: a setting only the app checks (the GraphiQL files)
    # stops start-up with its message, in one process or before any worker
    # (whose parent then exports no traces of its own).
    app = create_app(
        settings if settings.workers == 1 else settings.replace(tracing=False)
    )
    sock = listen.bind(args.host, args.port)

    def started() -> None:
        log_startup_line(settings)
        _announce(sock, graphiql=settings.graphiql)

    uvicorn_options = {**_UVICORN, **_connection_options(settings)}
    if settings.workers > 1:
        return _serve_workers(sock, variables, settings, uvicorn_options, started)
    config = uvicorn.Config(freeze_startup_objects(app), **uvicorn_options)
    return run.serve(config, sock, started)


#: How `serve` runs uvicorn, with one process or several.
_UVICORN: dict[str, Any] = {
    "log_config": None,
    "access_log": False,
    "proxy_headers": False,
    "server_header": False,
    "timeout_graceful_shutdown": GRACEFUL_SHUTDOWN_SECONDS,
}


def _connection_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's bounds on connections, from the settings."""
    return {
        "http": with_header_timeout(settings.header_timeout),
        "timeout_keep_alive": settings.keep_alive_timeout,
        # uvicorn answers 503 to a request that arrives with this many
        # connections open (its own included) or requests in progress.
        "limit_concurrency": settings.max_connections,
    }


def _serve_workers(
    sock: socket.socket,
    variables: Mapping[str, str],
    settings: Settings,
    uvicorn_options: dict[str, Any],
    started: Callable[[], None],
) -> int:
    """`settings.workers` processes sharing `sock`; each builds its app with
    `worker_app`, from the same variables."""
    for env in Settings.variables().values():
        os.environ.pop(env, None)
    os.environ.update(variables)  # what the spawned workers will read
    config = uvicorn.Config(
        f"{__name__}:worker_app",
        factory=True,
        workers=settings.workers,
        **uvicorn_options,
    )
    if not settings.metrics:
        return run.serve_workers(config, sock, started)
    # Each worker counts into files here; any worker's /metrics sums them.
    with multiprocess_directory(os.environ):
        return run.serve_workers(config, sock, started)


def worker_app() -> Starlette:
    """The app of one `serve` worker process; uvicorn calls it by name."""
    try:
        settings = Settings.from_environ(os.environ)
        configure_logging(settings.log_level, settings.log_format)
        return freeze_startup_objects(create_app(settings))
    except ConfigError as error:
        # The supervisor stops on this exit code rather than respawning a
        # worker that would fail the same way forever.
        print(f"wethod-graphql: {error}", file=sys.stderr)
        sys.exit(STARTUP_FAILURE)


@contextmanager
def _demo_upstream(settings: Settings) -> Iterator[Settings]:
    """A demo API on a loopback port of its own, and settings that call it.

    It runs in a thread of this process while the block lasts; the service
    reaches it over the same HTTP client as the real API, with its credentials.
    """
    from wethod_graphql.demo import DEMO_COMPANY, DEMO_TOKEN, DemoApi, serve_in_thread

    with serve_in_thread(DemoApi()) as base_url:
        yield settings.replace(
            demo=True,
            base_url=base_url,
            token=Secret(DEMO_TOKEN),
            company=DEMO_COMPANY,
        )


def _announce(sock: socket.socket, *, graphiql: bool) -> None:
    """The line people (and tests) read to find the endpoint."""
    what = "GraphiQL" if graphiql else "GraphQL"
    print(f"{what}: {listen.base_url(sock)}/graphql", flush=True)


def _demo_api(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    from wethod_graphql.demo import serve

    return serve(args.host, args.port, faults=args.faults, latency=args.latency)


def _schema(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    print(build_schema().as_str())
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
