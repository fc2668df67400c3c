"""What one operation may spend upstream: calls and time, shared by all its loads."""

from __future__ import annotations

from wethod_graphql.errors import InputError


class CallBudget:
    """At most `max_calls` upstream calls for one operation, whatever makes
    them, each ending by the operation's `deadline` (the loop's clock; None:
    each call's own budget only).

    Without a bound, 100 aliases of 100 ids each would queue 10,000 calls
    ahead of every other caller's on the process-wide concurrency cap. Every
    resource and page of a request spends from the same budget, so a second
    resource does not double it.
    """

    def __init__(self, max_calls: int, deadline: float | None = None) -> None:
        self._left = max_calls
        self._max_calls = max_calls
        self.deadline = deadline

    def spend(self) -> None:
        """Count one call, or raise `InputError` when none is left."""
        if self._left <= 0:
            raise InputError(
                f"The operation needs more than {self._max_calls} upstream "
                "calls; split it."
            )
        self._left -= 1
