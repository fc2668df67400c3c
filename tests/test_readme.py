"""The README's example is true: its query gives its answer, at its cost."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.conftest import Service

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
