"""The look-ahead on parsed operations: nesting, fragments, directives."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from graphql import FieldNode, FragmentDefinitionNode, OperationDefinitionNode, parse

from wethod_graphql.resolvers.lookahead import (
    STEPS,
    Step,
    include_paths,
    relations_of,
)
from wethod_graphql.schema.build import build_schema
from wethod_graphql.upstream import ClientRecord
from wethod_graphql.upstream.resources import CLIENTS, Relation, Resource

SCHEMA = build_schema()._schema

#: A registry with a nested relation, as the next REST include would add.
NESTED = {
    "Client": {
        "externalIdentifiers": Step("externalIdentifiers", "ExternalIdentifier"),
        "group": Step("group", "Group"),
    },
    "ExternalIdentifier": {"source": Step("source", "Source")},
    "Group": {"parent": Step("parent", "Group")},
    "Source": {},
}


def root_info(query: str, variables: dict[str, Any] | None = None) -> Any:
    """What graphql-core hands the root field's resolver, for the first field."""
    document = parse(query)
    operation = next(
        d for d in document.definitions if isinstance(d, OperationDefinitionNode)
    )
    fragments = {
        d.name.value: d
        for d in document.definitions
        if isinstance(d, FragmentDefinitionNode)
    }
    field = operation.selection_set.selections[0]
    assert isinstance(field, FieldNode)
    return SimpleNamespace(
        field_nodes=[field],
        fragments=fragments,
        variable_values=variables or {},
        schema=SCHEMA,
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("{ client { id } }", set()),
        ("{ client { externalIdentifiers { id } } }", {"externalIdentifiers"}),
        (
            "{ client { externalIdentifiers { source { id } } } }",
            {"externalIdentifiers", "externalIdentifiers.source"},
        ),
        (
            "{ client { group { parent { parent { id } } } } }",
            {"group", "group.parent", "group.parent.parent"},
        ),
        (
            "{ client { ...C } } fragment C on Client { e: externalIdentifiers { ...S } }"
            " fragment S on ExternalIdentifier { source { id } }",
            {"externalIdentifiers", "externalIdentifiers.source"},
        ),
        # A fragment on another type contributes nothing.
        ("{ client { ... on Project { group { id } } } }", set()),
    ],
)
def test_nested_relations_become_dot_paths(query: str, expected: set[str]) -> None:
    assert include_paths(root_info(query), "Client", NESTED) == expected


def test_only_declared_relations_are_requested() -> None:
    info = root_info("{ client { group { id } externalIdentifiers { id } } }")
    assert include_paths(info, "Client") == {"externalIdentifiers"}
    assert set(STEPS["Client"]) == {"externalIdentifiers"}


@pytest.mark.parametrize(
    ("directives", "variables", "expected"),
    [
        ("@skip(if: true)", {}, set()),
        ("@include(if: false)", {}, set()),
        ("@skip(if: false) @include(if: true)", {}, {"externalIdentifiers"}),
        (
            "@skip(if: $s) @include(if: $i)",
            {"s": False, "i": True},
            {"externalIdentifiers"},
        ),
        ("@skip(if: $s) @include(if: $i)", {"s": True, "i": True}, set()),
        ("@deprecated", {}, {"externalIdentifiers"}),
    ],
)
def test_skip_and_include(
    directives: str, variables: dict[str, bool], expected: set[str]
) -> None:
    info = root_info(
        f"{{ client {{ externalIdentifiers {directives} {{ id }} }} }}", variables
    )
    assert include_paths(info, "Client") == expected


def test_chained_fragments_cost_linear_time() -> None:
    # Each fragment spreads the next twice: 2^40 expansions if followed naively.
    chain = " ".join(
        f"fragment F{n} on Client {{ ...F{n + 1} ...F{n + 1} }}" for n in range(40)
    )
    query = f"{{ client {{ ...F0 }} }} {chain} fragment F40 on Client {{ externalIdentifiers {{ id }} }}"
    assert include_paths(root_info(query), "Client") == {"externalIdentifiers"}


def registry_paths(type_name: str, prefix: str = "", depth: int = 4) -> set[str]:
    """Every include path `STEPS` can produce from `type_name`."""
    paths: set[str] = set()
    for relation in STEPS.get(type_name, {}).values():
        assert relation.include is not None
        path = prefix + relation.include
        paths.add(path)
        if depth > 1:
            paths |= registry_paths(relation.type_name, path + ".", depth - 1)
    return paths


def test_every_relation_is_an_include_the_upstream_accepts() -> None:
    assert registry_paths("Client") == CLIENTS.includes


def test_steps_are_derived_from_a_resources_description() -> None:
    members = Relation("members", "members", "Person", ClientRecord)
    teams = Relation("teams", "teams", "Team", ClientRecord, (members,))
    projects = Resource(
        name="projects",
        path="/api/projects",
        noun="Project",
        record=ClientRecord,
        type_name="Project",
        permission="projects.view",
        relations=(teams,),
        listed=True,
    )
    assert relations_of(projects) == {
        "Project": {"teams": Step("teams", "Team")},
        "Team": {"members": Step("members", "Person")},
        "Person": {},
        "ProjectConnection": {"edges": Step(None, "ProjectEdge")},
        "ProjectEdge": {"node": Step(None, "Project")},
    }
    assert projects.includes == {"teams", "teams.members"}
    assert relations_of(CLIENTS).items() <= STEPS.items()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("{ c { edges { node { id } } } }", set()),
        (
            "{ c { edges { node { externalIdentifiers { id } } } } }",
            {"externalIdentifiers"},
        ),
        ("{ c { edges { cursor } pageInfo { hasNextPage } } }", set()),
        (
            "{ c { ... on ClientConnection { edges { ...E } } } }"
            " fragment E on ClientEdge { node { x: externalIdentifiers { id } } }",
            {"externalIdentifiers"},
        ),
        (
            "{ c { edges @skip(if: true) { node { externalIdentifiers { id } } } } }",
            set(),
        ),
    ],
)
def test_a_connection_walks_through_edges_and_nodes(
    query: str, expected: set[str]
) -> None:
    assert include_paths(root_info(query), "ClientConnection") == expected
