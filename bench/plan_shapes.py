"""Memory of the prepared-operations cache filled with its worst texts.

The worst text for its length keeps the most plan shapes: 99 roots (just
under the alias limit) expanding one fragment of every `Client` field, with
three `@include` fragments, so 8 sets of directive values and 8 shapes of
some 3,700 entries each. The cache is filled with such texts (each with a
different first id), every set of values run once, and the memory still
held is measured with tracemalloc.

    python bench/plan_shapes.py
"""

from __future__ import annotations

import gc
import itertools
import tracemalloc

from graphql import OperationDefinitionNode
from graphql.execution.values import get_variable_values

from wethod_graphql.schema.build import CACHE_CHARS, build_schema

FIELDS = (
    "id createdAt updatedAt deletedAt corporateName acronym email notes website "
    "linkedin description street zipCode town country vat paymentCondition "
    "groupCompany sdiCode pec administrationEmail companyRegistrationNumber "
    "legalName intentCode intentDate phone taxReference groupId bankAccountId "
    "vatRateId paymentTermId __typename"
)


def worst_text(first_id: int, roots: int = 99) -> str:
    selected = " ".join(
        f'c{i}:client(id:"{first_id if i == 0 else i}"){{...F}}' for i in range(roots)
    )
    return (
        f"query($a:Boolean!,$b:Boolean!,$c:Boolean!){{{selected}}}"
        f"fragment F on Client{{{FIELDS} ...G @include(if:$a) ...H @include(if:$b)"
        " ...I @include(if:$c)}"
        "fragment G on Client{externalIdentifiers{id createdAt updatedAt}}"
        "fragment H on Client{externalIdentifiers{deletedAt externalId}}"
        "fragment I on Client{externalIdentifiers{type __typename}}"
    )


def main() -> None:
    schema = build_schema()
    operations = schema.operations
    tracemalloc.start()
    gc.collect()
    before = tracemalloc.get_traced_memory()[0]
    for first_id in range(1000, 1040):
        text = worst_text(first_id)
        (operation,) = operations.prepare(text).operations
        plan = operation.plan
        definition = operation.document.definitions[0]
        assert plan is not None
        assert isinstance(definition, OperationDefinitionNode)
        for a, b, c in itertools.product([True, False], repeat=3):
            variables = get_variable_values(
                schema._schema,
                definition.variable_definitions or (),
                {"a": a, "b": b, "c": c},
            )
            assert not isinstance(variables, list)
            plan._shape(variables)
    del operation, plan, definition, variables
    gc.collect()
    held = tracemalloc.get_traced_memory()[0] - before
    print(f"text: {len(worst_text(1000))} characters")
    print(
        f"kept: {len(operations)} texts, {operations.chars} of {CACHE_CHARS} "
        f"characters charged; {held / 2**20:.1f} MiB held, "
        f"{held / operations.chars:.0f} bytes per character charged"
    )


if __name__ == "__main__":
    main()
