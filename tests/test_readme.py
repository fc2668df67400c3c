"""The README's example is true: its query gives its answer, at its cost."""

from __future__ import annotations

import json
import re
from pathlib import Path

from graphql import OperationDefinitionNode, parse, print_ast, validate

from tests.conftest import Service
from wethod_graphql.schema.build import build_schema
from wethod_graphql.server.graphiql import DEMO_OPERATION

README = (Path(__file__).parents[1] / "README.md").read_text()


def block(language: str) -> str:
    match = re.search(rf"```{language}\n(.*?)```", README, re.DOTALL)
    assert match, f"no {language} block in README.md"
    return match.group(1)


async def test_readme_query_gives_the_readme_answer(service: Service) -> None:
    body = await service.query(block("graphql"))
    assert body == json.loads(block("json"))
    calls = sorted(
        (r.client_id, r.query.get("include")) for r in service.demo.client_requests()
    )
    assert calls == [(1, "externalIdentifiers"), (2, None), (7, None), (9999, None)]


def test_graphiql_demo_operation_is_the_readme_query() -> None:
    """What GraphiQL opens with in demo mode is the query the README shows."""
    readme = parse(block("graphql")).definitions[0]
    demo = parse(DEMO_OPERATION).definitions[0]
    assert isinstance(readme, OperationDefinitionNode)
    assert isinstance(demo, OperationDefinitionNode)
    assert print_ast(demo.selection_set) == print_ast(readme.selection_set)


def test_every_operation_in_the_readme_is_valid() -> None:
    schema = build_schema()._schema
    operations = [
        text
        for text in re.findall(r"```graphql\n(.*?)```", README, re.DOTALL)
        if text.lstrip().startswith("{")
    ]
    assert len(operations) >= 2
    for text in operations:
        assert validate(schema, parse(text)) == [], text
