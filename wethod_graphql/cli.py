"""The `wethod-graphql` command: `serve`, `demo-api` and `schema`.

The only place that reads the environment: `Settings` are built here, once
per process (each `serve --workers` process builds its own from the same
variables), and passed down.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.datastructures import Secret
from uvicorn.config import STARTUP_FAILURE
from uvicorn.supervisors import Multiprocess

from wethod_graphql import __version__
from wethod_graphql.config import Settings, otel_tracing
from wethod_graphql.demo.serving import add_arguments as add_demo_arguments
from wethod_graphql.errors import ConfigError
from wethod_graphql.observe.metrics import multiprocess_directory
from wethod_graphql.schema.build import build_schema
from wethod_graphql.server.app import create_app
from wethod_graphql.server.logs import configure_logging

#: Settings that are no `serve` flag: a token (or a Redis URL, which may carry
#: a password) on a command line is visible to every user of the machine
#: (`ps`), and `--upstream` names the base URL.
_NOT_FLAGS = frozenset({"token", "redis_url", "base_url"})
_FLAG_PREFIX = "setting_"

logger = logging.getLogger("wethod_graphql.server")

#: In-flight requests get this long to finish after SIGTERM.
GRACEFUL_SHUTDOWN_SECONDS = 20


def main(
    argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None
) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.run(args, os.environ if environ is None else environ))
    except ConfigError as error:
        print(f"wethod-graphql: {error}", file=sys.stderr)
        return 2


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wethod-graphql",
        description="A GraphQL facade and federation subgraph over the Wethod API.",
    )
    parser.add_argument("--version", action="version", version=__version__)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the GraphQL service")
    serve.add_argument("--host", default="127.0.0.1", help="default: 127.0.0.1")
    serve.add_argument("--port", type=int, default=8000, help="default: 8000")
    serve.add_argument("--upstream", metavar="URL", help="overrides WETHOD_BASE_URL")
    serve.add_argument(
        "--demo",
        action="store_true",
        help="serve the embedded demo API's sample data: no token, no network",
    )
    for name, env in Settings.variables().items():
        if name in _NOT_FLAGS:
            continue
        serve.add_argument(
            "--" + name.replace("_", "-"),
            dest=_FLAG_PREFIX + name,
            metavar="VALUE",
            help=f"overrides {env}",
        )
    serve.set_defaults(run=_serve)

    demo = commands.add_parser("demo-api", help="run the demo REST API alone")
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
    if settings.workers > 1:
        if args.demo:
            raise ConfigError(
                "WETHOD_WORKERS: --demo serves from one process; use 1 worker."
            )
        return _serve_workers(args, variables, settings)
    if args.demo:
        with _demo_upstream(settings) as demo_settings:
            return _serve_one(args, demo_settings)
    return _serve_one(args, settings)


def _serve_one(args: argparse.Namespace, settings: Settings) -> int:
    """One process serving until stopped."""
    app = freeze_startup_objects(create_app(settings))
    configure_logging(settings.log_level, settings.log_format)
    config = uvicorn.Config(app, host=args.host, port=args.port, **_UVICORN)
    # uvicorn's loop factory: uvloop when installed, as `uvicorn.run` would.
    with asyncio.Runner(loop_factory=config.get_loop_factory()) as runner:
        return runner.run(_run(uvicorn.Server(config), graphiql=settings.graphiql))


#: How `serve` runs uvicorn, with one process or several.
_UVICORN: dict[str, Any] = {
    "log_config": None,
    "access_log": False,
    "proxy_headers": False,
    "server_header": False,
    "timeout_graceful_shutdown": GRACEFUL_SHUTDOWN_SECONDS,
}


def _serve_workers(
    args: argparse.Namespace, variables: Mapping[str, str], settings: Settings
) -> int:
    """`settings.workers` processes sharing one listening socket.

    uvicorn's supervisor starts them, replaces one that dies, and stops them
    all on SIGTERM or SIGINT, each finishing its requests first. Each worker
    builds its app with `worker_app`, from the same variables.
    """
    # Built here once, unused: a setting only the app checks (the GraphiQL
    # assets) stops start-up with its message instead of failing each worker.
    create_app(settings.replace(tracing=False))
    configure_logging(settings.log_level, settings.log_format)
    for env in Settings.variables().values():
        os.environ.pop(env, None)
    os.environ.update(variables)  # what the spawned workers will read
    if not settings.metrics:
        return _supervise(args, settings)
    # Each worker counts into files here; any worker's /metrics sums them.
    with multiprocess_directory(os.environ):
        return _supervise(args, settings)


def _supervise(args: argparse.Namespace, settings: Settings) -> int:
    config = uvicorn.Config(
        f"{__name__}:worker_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=settings.workers,
        **_UVICORN,
    )
    sock = config.bind_socket()
    # Listening now, so connections wait in the backlog while workers start.
    sock.listen(config.backlog)
    _announce(sock.getsockname(), graphiql=settings.graphiql)
    supervisor = Multiprocess(config, sockets=[sock])
    supervisor.run()
    failed = any(p.exitcode == STARTUP_FAILURE for p in supervisor.processes)
    return 1 if failed else 0


def freeze_startup_objects(app: Starlette) -> Starlette:
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


async def _run(server: uvicorn.Server, *, graphiql: bool) -> int:
    serving = asyncio.create_task(server.serve())
    # uvicorn exposes start-up only as a flag, not an event.
    while not server.started and not serving.done():  # noqa: ASYNC110
        await asyncio.sleep(0.05)
    if server.started:
        _announce(server.servers[0].sockets[0].getsockname(), graphiql=graphiql)
    await serving
    return 0 if server.started else 1


def _announce(address: tuple[Any, ...], *, graphiql: bool) -> None:
    """The line people (and tests) read to find the endpoint, and its log line."""
    host, port = address[:2]
    host = f"[{host}]" if ":" in host else host  # an IPv6 address
    what = "GraphiQL" if graphiql else "GraphQL"
    url = f"http://{host}:{port}/graphql"
    logger.info("wethod-graphql %s listening on %s", __version__, url)
    print(f"{what}: {url}", flush=True)


def _demo_api(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    from wethod_graphql.demo import serve

    serve(args.host, args.port, faults=args.faults, latency=args.latency)
    return 0


def _schema(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    print(build_schema().as_str())
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
