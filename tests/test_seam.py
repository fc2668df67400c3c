"""A new REST resource goes through the seam alone.

This module adds a test-only resource, projects (`GET /api/projects/{id}`,
with its tasks as the include `tasks`), the way README's "Where code goes"
says: its records and its `Resource` description, the demo's data for it,
and its GraphQL type with a root field. Nothing else is edited: the upstream
call policy, the loader, the call budget, the look-ahead, the record parsers,
the error messages, the demo's faults and log, and federation's entities all
take it from its description.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
import strawberry

from tests.conftest import DEMO_HEADERS, codes, demo_client, fast_settings
from wethod_graphql.demo import DemoApi, Target
from wethod_graphql.demo.data import ACME
from wethod_graphql.demo.model import format_datetime
from wethod_graphql.demo.resources import RESOURCES as DEMO_RESOURCES
from wethod_graphql.demo.resources import DemoResource
from wethod_graphql.resolvers import items
from wethod_graphql.resolvers.context import Info, build_context
from wethod_graphql.schema.build import WethodSchema
from wethod_graphql.schema.clients import Client
from wethod_graphql.schema.limits import limit_rules
from wethod_graphql.schema.query import Query
from wethod_graphql.schema.records import from_record, related
from wethod_graphql.schema.types import DeletionFilter
from wethod_graphql.upstream import UpstreamClient
from wethod_graphql.upstream.resources import RESOURCES, Relation, Resource

# 1. Its records and its description (upstream/records.py, upstream/resources.py).


@dataclass(frozen=True, slots=True)
class TaskRecord:
    id: int
    name: str | None = None


@dataclass(frozen=True, slots=True)
class ProjectRecord:
    id: int
    name: str | None = None
    client_id: int | None = None
    updated_at: datetime | None = None
    deleted_at: datetime | None = None
    tasks: tuple[TaskRecord, ...] | None = None


PROJECTS = Resource(
    name="projects",
    path="/api/projects",
    noun="Project",
    record=ProjectRecord,
    type_name="Project",
    permission="projects.view",
    relations=(Relation("tasks", "tasks", "Task", TaskRecord),),
)

# 2. The demo's data for it (demo/data.py, demo/resources.py).

STAMP = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class DemoProject:
    id: int
    name: str
    client_id: int
    tasks: tuple[tuple[int, str], ...] = ()
    updated_at: datetime | None = STAMP
    deleted_at: datetime | None = None


DEMO_PROJECTS: Mapping[int, DemoProject] = {
    1: DemoProject(1, "Showroom", 1, ((1, "Brief"), (2, "Layout"))),
    3: DemoProject(3, "Catalogue", 3),
    4: DemoProject(4, "Old site", 2, deleted_at=STAMP),
}


def render_project(project: DemoProject, include: frozenset[str]) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": project.id,
        "name": project.name,
        "client_id": project.client_id,
        "updated_at": format_datetime(STAMP),
        "deleted_at": project.deleted_at and format_datetime(project.deleted_at),
    }
    if "tasks" in include:
        body["tasks"] = [{"id": i, "name": name} for i, name in project.tasks]
    return body


DEMO_RESOURCE = DemoResource(
    path="/api/projects",
    noun="Project",
    items_of=lambda company: DEMO_PROJECTS if company == ACME else {},
    render=render_project,
    relations=("tasks",),
)

# 3. Its GraphQL type and root field (schema/projects.py, schema/query.py).


@strawberry.type(description="A task of a project.")
class Task:
    id: strawberry.ID = strawberry.field(description="The unique identifier.")
    name: str | None = strawberry.field(description="What is to be done.")
    record: strawberry.Private[Any]


@strawberry.federation.type(keys=["id"], description="A project for a client.")
class Project:
    id: strawberry.ID = strawberry.field(description="The unique identifier.")
    name: str | None = strawberry.field(description="The project's name.")
    client_id: strawberry.ID | None = strawberry.field(description="Its client.")
    updated_at: datetime | None = strawberry.field(description="Last updated.")
    deleted_at: datetime | None = strawberry.field(description="When deleted.")
    record: strawberry.Private[Any]

    @strawberry.field(description="The project's tasks (fetched when selected).")
    def tasks(self) -> list[Task]:
        return related(self.record, "tasks", lambda r: from_record(Task, r))

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> Project:
        return from_record(cls, await items.reference(info, PROJECTS, id))


@strawberry.type(description="Clients and projects.")
class ProjectQuery(Query):
    @strawberry.field(description="A project by id.")
    async def project(
        self,
        info: Info,
        id: strawberry.ID,
        deleted: DeletionFilter = DeletionFilter.EXCLUDE,
    ) -> Project | None:
        record = await items.item(info, PROJECTS, id, deleted.upstream)
        return from_record(Project, record)


SCHEMA = WethodSchema(
    query=ProjectQuery,
    types=[Client, Project],
    validation_rules=limit_rules(15, 100),
    resources=(*RESOURCES, PROJECTS),
)


# The walk through it.


@pytest.fixture
def demo() -> DemoApi:
    return DemoApi(faults=True, resources=(*DEMO_RESOURCES, DEMO_RESOURCE))


@pytest.fixture
async def upstream(demo: DemoApi) -> AsyncIterator[UpstreamClient]:
    async with demo_client(demo, fast_settings()) as client:
        yield client


async def run(upstream: UpstreamClient, query: str) -> dict[str, Any]:
    context = build_context(upstream, fast_settings(), DEMO_HEADERS, "seam-test")
    result = await SCHEMA.execute(query, context_value=context)
    body: dict[str, Any] = {"data": result.data}
    if result.errors:
        body["errors"] = [error.formatted for error in result.errors]
    return body


async def test_a_project_with_its_tasks_only_when_selected(
    upstream: UpstreamClient, demo: DemoApi
) -> None:
    body = await run(
        upstream,
        '{ a: project(id: "1") { id name clientId tasks { id name } }'
        ' b: project(id: "3") { name } c: client(id: "1") { id } }',
    )
    assert body == {
        "data": {
            "a": {
                "id": "1",
                "name": "Showroom",
                "clientId": "1",
                "tasks": [{"id": "1", "name": "Brief"}, {"id": "2", "name": "Layout"}],
            },
            "b": {"name": "Catalogue"},
            "c": {"id": "1"},
        }
    }
    projects = demo.requests_to("/api/projects")
    assert sorted((r.id, r.query.get("include")) for r in projects) == [
        (1, "tasks"),
        (3, None),
    ]
    assert [r.id for r in demo.client_requests()] == [1]


async def test_its_errors_name_it(upstream: UpstreamClient, demo: DemoApi) -> None:
    body = await run(
        upstream, '{ gone: project(id: "4") { id } bad: project(id: "x") { id } }'
    )
    assert body["data"] == {"gone": None, "bad": None}
    messages = sorted(e["message"] for e in body["errors"])
    assert messages == [
        "Invalid project id 'x': expected an integer >= 1.",
        "Project 4 was not found.",
    ]
    demo.faults.fail(Target("/api/projects"), 403)
    forbidden = await run(upstream, '{ project(id: "1") { id } }')
    assert codes(forbidden) == ["FORBIDDEN"]
    assert "projects (projects.view)" in forbidden["errors"][0]["message"]


async def test_a_fault_on_project_3_spares_client_3(
    upstream: UpstreamClient, demo: DemoApi
) -> None:
    demo.faults.fail(Target("/api/projects", 3), 404, times=5)
    body = await run(upstream, '{ project(id: "3") { id } client(id: "3") { id } }')
    assert body["data"] == {"project": None, "client": {"id": "3"}}
    assert codes(body) == ["NOT_FOUND"]


async def test_federation_resolves_it_as_an_entity(
    upstream: UpstreamClient, demo: DemoApi
) -> None:
    body = await run(
        upstream,
        '{ _entities(representations: [{__typename: "Project", id: "4"},'
        ' {__typename: "Client", id: "2"}]) {'
        " ... on Project { name deletedAt tasks { name } } ... on Client { id } } }",
    )
    assert body["data"]["_entities"] == [
        {"name": "Old site", "deletedAt": STAMP.isoformat(), "tasks": []},
        {"id": "2"},
    ]
    [project] = demo.requests_to("/api/projects")
    assert project.query == {"deleted": "include", "include": "tasks"}


@pytest.mark.parametrize("max_calls", [2])
async def test_it_spends_from_the_operations_one_budget(
    demo: DemoApi, max_calls: int
) -> None:
    settings = fast_settings(max_calls=max_calls)
    async with demo_client(demo, settings) as upstream:
        context = build_context(upstream, settings, DEMO_HEADERS, "seam-test")
        result = await SCHEMA.execute(
            '{ a: project(id: "1") { id } b: project(id: "3") { id }'
            ' c: client(id: "1") { id } }',
            context_value=context,
        )
    assert result.errors is not None
    assert [e.extensions and e.extensions["code"] for e in result.errors] == [
        "BAD_USER_INPUT"
    ]
    assert len(demo.requests) == 2
