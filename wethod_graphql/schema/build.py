"""The subgraph schema: types, federation, limits, caches and error codes."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    ParserCache,
    ValidationCache,
)
from strawberry.federation.schema import FederationAny
from strawberry.types import ExecutionContext, ExecutionResult

from wethod_graphql.errors import InputError
from wethod_graphql.schema.clients import Client
from wethod_graphql.schema.errors import ErrorCodes, log_errors, present_unhandled
from wethod_graphql.schema.limits import limit_rules
from wethod_graphql.schema.query import Query

#: Entity types `_entities` resolves, by `__typename`.
ENTITY_TYPES = frozenset({"Client"})

#: More representations than this in one `_entities` call is refused whole.
MAX_REPRESENTATIONS = 1000

#: Parsing stops past this many tokens: a 1 MiB body of `{a{a{a...` would
#: otherwise cost seconds. GraphiQL's introspection query is under 200.
MAX_TOKENS = 20_000

#: Distinct operation texts whose parse and validation are kept.
CACHE_SIZE = 512


class WethodSchema(strawberry.federation.Schema):
    """A federation v2 schema that logs by severity and checks representations."""

    async def execute(self, *args: Any, **kwargs: Any) -> ExecutionResult:
        result = await super().execute(*args, **kwargs)
        # A syntax error raised by ParserCache's hook skips the extensions'
        # post-operation step; give those errors their code here.
        if result.errors:
            result.errors = [present_unhandled(error) for error in result.errors]
        return result

    def process_errors(
        self,
        errors: list[GraphQLError],
        execution_context: ExecutionContext | None = None,
    ) -> None:
        log_errors(errors, execution_context)

    def entities_resolver(
        self, info: strawberry.Info, representations: list[FederationAny]
    ) -> list[FederationAny]:
        # Strawberry fails the whole list on one unknown `__typename`; here
        # each representation succeeds or fails on its own.
        if len(representations) > MAX_REPRESENTATIONS:
            raise InputError(
                f"At most {MAX_REPRESENTATIONS} representations; "
                f"got {len(representations)}."
            )
        results: list[Any] = []
        for index, representation in enumerate(representations):
            try:
                key = _entity_key(representation)
            except InputError as error:
                results.append(InputError(f"representations[{index}]: {error}"))
            else:
                results.extend(super().entities_resolver(info, [key]))
        return results


def _entity_key(representation: object) -> FederationAny:
    """The representation cut down to `__typename` and the key field."""
    if not isinstance(representation, dict):
        raise InputError("expected an object")
    typename = representation.get("__typename")
    if typename not in ENTITY_TYPES:
        raise InputError(f"unknown __typename {str(typename)[:40]!r}")
    if "id" not in representation:
        raise InputError("missing the key field 'id'")
    return FederationAny({"__typename": typename, "id": representation["id"]})


def build_schema(*, max_depth: int = 15, max_aliases: int = 100) -> WethodSchema:
    """The schema, with its validation rules built once (not per request)."""
    rules = limit_rules(max_depth, max_aliases)
    return WethodSchema(
        query=Query,
        types=[Client],
        extensions=[
            # Factories, never instances: an instance is shared by every request.
            lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
            lambda: ParserCache(maxsize=CACHE_SIZE),
            lambda: ValidationCache(maxsize=CACHE_SIZE),
            lambda: AddValidationRules(rules),
            ErrorCodes,
        ],
    )
