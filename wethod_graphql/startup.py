"""What `serve` says as it starts: one summary line, and warnings.

The summary names the upstream, whether credentials are configured, the
workers and where GraphiQL's files come from. The warnings name each
`WETHOD_*` variable that no setting reads (a misspelling, most likely) and
whatever `--demo` overrides with the demo API and its own credentials.
"""

from __future__ import annotations

import difflib
import logging
from collections.abc import Mapping, Sequence

from wethod_graphql import __version__
from wethod_graphql.config import Settings
from wethod_graphql.server.graphiql import assets_source, graphiql_options

log = logging.getLogger("wethod_graphql.startup")

_PREFIX = "WETHOD_"
#: The variables `serve --demo` replaces with the demo API and its credentials.
DEMO_REPLACES = ("WETHOD_BASE_URL", "WETHOD_TOKEN", "WETHOD_COMPANY")


def warn_about_ignored(
    environ: Mapping[str, str], demo_flags: Sequence[str] | None
) -> None:
    """Log a warning for what the service will not read.

    `demo_flags` is None without `--demo`; under it, the flags given that it
    overrides (the variables it replaces are checked here).
    """
    # Compared without the prefix every name shares, which would make any
    # two names look alike.
    known = [env.removeprefix(_PREFIX) for env in Settings.variables().values()]
    for name in Settings.unknown_variables(environ):
        close = difflib.get_close_matches(name.removeprefix(_PREFIX), known, n=1)
        hint = f" (did you mean {_PREFIX}{close[0]}?)" if close else ""
        log.warning("%s is not a setting and is ignored%s.", name, hint)
    if demo_flags is None:
        return
    ignored = [*demo_flags, *(n for n in DEMO_REPLACES if environ.get(n, "").strip())]
    if ignored:
        log.warning(
            "--demo ignores %s: it serves the embedded demo API with its own "
            "credentials.",
            ", ".join(ignored),
        )


def startup_line(settings: Settings) -> str:
    """What this process serves: upstream, credentials, workers, GraphiQL."""
    upstream = settings.base_url
    if settings.demo:
        upstream += " (the embedded demo API)"
    missing = [
        name
        for name, value in (
            ("WETHOD_TOKEN", settings.token),
            ("WETHOD_COMPANY", settings.company),
        )
        if value is None
    ]
    if missing:
        headers = {"WETHOD_TOKEN": "Authorization", "WETHOD_COMPANY": "Wethod-Company"}
        credentials = (
            f"credentials: {' and '.join(missing)} unset, so each request must "
            f"carry {' and '.join(headers[name] for name in missing)}"
        )
    else:
        credentials = "credentials: WETHOD_TOKEN and WETHOD_COMPANY configured"
    workers = f"{settings.workers} worker" + ("s" if settings.workers > 1 else "")
    graphiql = "GraphiQL off"
    if settings.graphiql:
        graphiql = f"GraphiQL files: {assets_source(graphiql_options(settings))}"
    return (
        f"wethod-graphql {__version__}: upstream {upstream}; {credentials}; "
        f"{workers}; {graphiql}"
    )


def log_startup_line(settings: Settings) -> None:
    log.info("%s", startup_line(settings))
