"""A plan: the install run for real, then rolled back, so it shows exactly what would happen.

Running the install (every check, every DDL statement, every kind's own service) inside a
transaction that is always rolled back means the plan cannot drift from the install: what
the plan calls a conflict, a change or a refusal is what the install would meet.
"""

from __future__ import annotations

from typing import Any

from ..core.context import Actor
from ..runtime import Runtime
from .install import Options, install


class _PlanReady(Exception):
    """Carries the report out of the transaction, which the exception rolls back."""

    def __init__(self, report: dict[str, Any]) -> None:
        super().__init__("plan ready")
        self.report = report


def plan(runtime: Runtime, actor: Actor, key: str, options: Options, connection: Any = None) -> dict[str, Any]:
    try:
        with runtime.transaction(actor, connection=connection) as tx:
            raise _PlanReady(install(tx, key, Options(options.version, options.resolutions, options.confirm)))
    except _PlanReady as ready:
        return ready.report
