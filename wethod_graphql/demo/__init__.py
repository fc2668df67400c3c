"""An embedded Wethod-like REST API (its resources in `resources`) with sample data.

A faithful stand-in for the real API, for tests, benchmarks and `serve --demo`:
same paths, headers, statuses and bodies as the published contract, plus a
request log and opt-in fault injection. It imports nothing else of
`wethod_graphql` (stdlib and Starlette only), so a bug shared with the facade
cannot hide. Tokens: `DEMO_TOKEN` (company `DEMO_COMPANY`, crm.view),
`GLOBEX_TOKEN` (company `GLOBEX_COMPANY`, crm.view), `NO_CRM_TOKEN` (company
`DEMO_COMPANY`, no crm.view). The data's stable facts are listed in `data`.
"""

from .app import DemoApi
from .auth import (
    DEMO_COMPANY,
    DEMO_TOKEN,
    GLOBEX_COMPANY,
    GLOBEX_TOKEN,
    NO_CRM_TOKEN,
)
from .drop import ConnectionDropped
from .faults import Faults, FaultsDisabled, Target
from .log import RecordedRequest
from .serving import serve, serve_in_thread

__all__ = [
    "DEMO_COMPANY",
    "DEMO_TOKEN",
    "GLOBEX_COMPANY",
    "GLOBEX_TOKEN",
    "NO_CRM_TOKEN",
    "ConnectionDropped",
    "DemoApi",
    "Faults",
    "FaultsDisabled",
    "RecordedRequest",
    "Target",
    "serve",
    "serve_in_thread",
]
