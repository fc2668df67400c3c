"""Execution plans: prepared operations answered without graphql-core's executor.

`rules` says how each field is projected from a record (or that it cannot
be), `shape` what an operation selects, `keys` which clients its root fields
load, `project` how records become the answer, `plan` how these run
together. graphql-core, through the Strawberry schema, stays the reference
and answers whatever a plan does not cover; a differential test keeps the
two equal.
"""

from wethod_graphql.schema.plans.plan import Plan, PlanCompiler

__all__ = ["Plan", "PlanCompiler"]
