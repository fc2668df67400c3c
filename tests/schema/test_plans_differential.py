"""Execution plans answer exactly as graphql-core: a differential test.

Each drawn operation (`tests.schema.differential`) runs twice against the
demo API with the same faults: through `WethodSchema.execute` with plans,
and with plans off (graphql-core through Strawberry's executor class). The
two must agree on `data` byte for byte after JSON encoding, on the errors
(as a multiset: graphql-core orders them by completion) and on the upstream
calls the demo recorded (id, filter, include).

`WETHOD_DIFFERENTIAL_EXAMPLES` sets the number of operations (default 1500,
with a fixed seed); `bench/differential` runs a longer, random one.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from typing import Any

from hypothesis import HealthCheck, given, settings
from strawberry.http import process_result

from tests.conftest import DEMO_HEADERS, demo_client, fast_settings
from tests.schema.differential import Case, cases
from wethod_graphql.demo import DemoApi
from wethod_graphql.resolvers.context import build_context
from wethod_graphql.schema.build import WethodSchema, build_schema
from wethod_graphql.upstream import UpstreamClient

EXAMPLES = int(os.environ.get("WETHOD_DIFFERENTIAL_EXAMPLES", "1500"))
RANDOM = os.environ.get("WETHOD_DIFFERENTIAL_RANDOM") == "1"
SETTINGS = fast_settings(max_ids=4, retries=2)


@dataclass
class Run:
    data: str
    errors: Counter[str]
    calls: Counter[str]
    #: Whether a plan loaded the clients (so it answered, not graphql-core).
    planned: bool


@dataclass
class World:
    demo: DemoApi
    upstream: UpstreamClient
    #: One schema, so each text is validated once: `run_plans` switches.
    schema: WethodSchema

    async def run(self, case: Case, *, plans: bool) -> Run:
        self.demo.reset()
        for fault in case.faults:
            if fault.kind == "fail":
                self.demo.faults.fail(fault.client_id, fault.status, fault.times)
            elif fault.kind == "drop":
                self.demo.faults.drop(fault.client_id, fault.times)
            else:
                self.demo.faults.invalid_body(fault.client_id, fault.times)
        settings = replace(SETTINGS, max_calls=case.max_calls)
        context = build_context(self.upstream, settings, DEMO_HEADERS, "req-diff")
        loaded: list[object] = []
        load_all = context.loader.load_all

        async def spied(keys: Any) -> Any:
            loaded.append(keys)
            return await load_all(keys)

        context.loader.load_all = spied  # type: ignore[method-assign]
        self.schema.run_plans = plans
        result = await self.schema.execute(case.query, case.variables, context)
        await _settled()
        body = process_result(result)
        return Run(
            data=json.dumps(body.get("data", "absent")),
            errors=Counter(
                json.dumps(e, sort_keys=True) for e in body.get("errors") or []
            ),
            calls=Counter(
                json.dumps([r.client_id, r.query], sort_keys=True)
                for r in self.demo.client_requests()
            ),
            planned=bool(loaded),
        )


async def _settled() -> None:
    """Until every call graphql-core left running in the background is done.

    A root field that nulls the whole answer cancels its siblings, not their
    upstream calls (see `ResourceLoader.load`), which finish on their own,
    retries included; each is bounded by the upstream budget.
    """
    current = asyncio.current_task()
    while others := [t for t in asyncio.all_tasks() if t is not current]:
        await asyncio.wait(others)


@asynccontextmanager
async def world() -> AsyncIterator[World]:
    demo = DemoApi(faults=True)
    async with demo_client(demo, SETTINGS) as upstream:
        yield World(demo, upstream, build_schema())


def test_plans_answer_as_graphql_core() -> None:
    with asyncio.Runner() as runner:
        context = world()
        there = runner.run(context.__aenter__())
        try:

            @settings(
                max_examples=EXAMPLES,
                derandomize=not RANDOM,
                deadline=None,
                database=None,
                suppress_health_check=[
                    HealthCheck.too_slow,
                    HealthCheck.data_too_large,
                ],
            )
            @given(case=cases())
            def agree(case: Case) -> None:
                planned = runner.run(there.run(case, plans=True))
                reference = runner.run(there.run(case, plans=False))
                assert not reference.planned
                answered.append(planned.planned)
                if not planned.planned:
                    # Both sides ran graphql-core. Which sibling calls it starts
                    # before a root error cancels the rest depends on the order
                    # of the event loop's callbacks, which network I/O varies:
                    # graphql-core against itself, not a difference of plans.
                    planned.calls = reference.calls
                planned.planned = False
                assert planned == reference, case

            answered: list[bool] = []
            agree()
            # Most drawn operations are valid and supported: plans answer them.
            assert sum(answered) > len(answered) / 2, (sum(answered), len(answered))
        finally:
            runner.run(context.__aexit__(None, None, None))
