"""Operations kept parsed and validated, by their text.

Clients send the same few operation texts again and again. A text that
parsed and validated cleanly once is kept here with its operations, so the
next request with that text goes straight to the executor: no parse, no
validation, and none of Strawberry's per-request extension hooks (which
cost more than executing a one-client query; see `bench/README.md`).

A short text that fails to parse or validate is kept with its errors, so a
client repeating a typo costs a look-up, not another parse. Long invalid
texts are not kept: junk must not push the valid operations out.

Memory is bounded by the characters of the texts kept, not by their number:
a parsed document takes 100 to 200 bytes per character of its text (up to
some 270 for invalid texts of one-letter fields), and one
valid operation may be tens of kilobytes long. What a text's plans keep
later (a shape per set of directive values, see `schema.plans`) is charged
to the same budget, converted to characters (`Charge`), and leaves with the
text; a text never holds more than a quarter of the budget, so a shape past
that is built for its request only. The map belongs to one event loop (one
per process) and is not thread-safe.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    parse,
)
from strawberry.schema.schema import validate_document
from strawberry.types.graphql import OperationType

from wethod_graphql.schema.plans import Plan


@dataclass(frozen=True, slots=True)
class Operation:
    """One runnable operation of a valid document."""

    document: DocumentNode
    name: str | None
    type: OperationType
    #: Its execution plan (see `schema.plans`), when it has one; kept here,
    #: with the text, inside the cache's bound.
    plan: Plan | None = None


#: Asks to keep more of a kept text, in characters of its budget: True when
#: charged (the text is still kept and stays within its share), False when
#: what was built must serve its request only.
Charge = Callable[[int], bool]

#: Compiles one operation of a valid document, given its fragments and the
#: charge for what its plan keeps later.
Compiler = Callable[
    [OperationDefinitionNode, tuple[FragmentDefinitionNode, ...], Charge],
    "Plan | None",
]

#: The most of the budget one text and what its plans keep may take.
TEXT_SHARE = 4


class _Kept:
    """A kept text's answer and its cost in characters, charges included."""

    __slots__ = ("cost", "prepared")

    def __init__(self, cost: int) -> None:
        self.cost = cost
        self.prepared = Prepared()


@dataclass(frozen=True, slots=True)
class Prepared:
    """A text's operations, and the errors that make it unrunnable if any.

    A text that parsed keeps its operations even when it failed validation:
    the operation name and type are checked before validation errors count.
    """

    operations: tuple[Operation, ...] = ()
    #: A syntax error (`parsed` False) or validation errors; never shared
    #: with a client as they are (see `schema.errors.public_error`).
    errors: tuple[GraphQLError, ...] = ()
    parsed: bool = True

    def choose(self, name: str | None) -> Operation | None:
        """The operation `name` picks; None when ambiguous or unknown."""
        if name is None:
            return self.operations[0] if len(self.operations) == 1 else None
        return next((op for op in self.operations if op.name == name), None)


class PreparedOperations:
    """A least-recently-used map from operation text to its operations."""

    def __init__(
        self,
        schema: GraphQLSchema,
        rules: Sequence[type[ASTValidationRule]],
        *,
        max_tokens: int,
        max_chars: int,
        max_text_chars: int,
        max_invalid_chars: int,
        compiler: Compiler | None = None,
    ) -> None:
        """`compiler`, when given, compiles each operation of a valid text."""
        self._compiler = compiler
        self._schema = schema
        self._rules = tuple(rules)
        self._max_tokens = max_tokens
        self._max_chars = max_chars
        self._max_text_chars = max_text_chars
        self._max_invalid_chars = max_invalid_chars
        self._kept: OrderedDict[str, _Kept] = OrderedDict()
        self._chars = 0

    def prepare(self, text: str) -> Prepared:
        """`text` parsed and validated, from the cache when it is there."""
        kept = self._kept.get(text)
        if kept is not None:
            self._kept.move_to_end(text)
            return kept.prepared
        kept = _Kept(len(text))
        kept.prepared = self._prepare(text, lambda cost: self._charge(text, kept, cost))
        self._keep(text, kept)
        return kept.prepared

    def __len__(self) -> int:
        return len(self._kept)

    @property
    def chars(self) -> int:
        """Characters of the texts kept, and what their plans were charged."""
        return self._chars

    def _prepare(self, text: str, charge: Charge) -> Prepared:
        try:
            document = parse(text, max_tokens=self._max_tokens)
        except GraphQLError as error:
            return Prepared(errors=(_detached(error),), parsed=False)
        definitions = [
            d for d in document.definitions if isinstance(d, OperationDefinitionNode)
        ]
        fragments = tuple(
            d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        )
        errors = validate_document(self._schema, document, self._rules)
        compiler = None if errors else self._compiler
        operations = tuple(
            Operation(
                document,
                definition.name.value if definition.name else None,
                OperationType(definition.operation.value),
                compiler(definition, fragments, charge) if compiler else None,
            )
            for definition in definitions
        )
        return Prepared(operations, tuple(_detached(error) for error in errors))

    def _keep(self, text: str, kept: _Kept) -> None:
        errors = kept.prepared.errors
        limit = self._max_invalid_chars if errors else self._max_text_chars
        if kept.cost > limit:
            return  # prepared for this request only
        self._kept[text] = kept
        self._chars += kept.cost
        self._evict()

    def _charge(self, text: str, kept: _Kept, cost: int) -> bool:
        if self._kept.get(text) is not kept:
            return False  # never kept, or evicted since: this request only
        if kept.cost + cost > self._max_chars // TEXT_SHARE:
            return False
        kept.cost += cost
        self._chars += cost
        self._kept.move_to_end(text)  # in use: the others go first
        self._evict()
        return True

    def _evict(self) -> None:
        while self._chars > self._max_chars:
            _, evicted = self._kept.popitem(last=False)
            self._chars -= evicted.cost


def _detached(error: GraphQLError) -> GraphQLError:
    """`error` without the frames it and its cause were raised through.

    A kept error outlives its request. Its traceback would hold the frames
    up to `WethodSchema.execute`, and with them the first request's context
    (the caller's credentials) and, for a syntax error, every token read.
    """
    chain: BaseException | None = error
    seen: set[int] = set()
    while chain is not None and id(chain) not in seen:
        seen.add(id(chain))
        chain.__traceback__ = None
        chain.__context__ = None
        chain.__cause__ = None
        chain = getattr(chain, "original_error", None)
    return error
