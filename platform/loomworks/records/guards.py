"""Write guards: components that constrain what a write may set, asked by the records service.

A workflow is one: while it is active, its state field starts in the initial state and
changes only through transitions. Guards are held by the Runtime, so the records service
knows nothing of workflows, and an extension adds its own the same way.
"""

from __future__ import annotations

from typing import Any, Protocol

from ..core.context import Tx
from ..fields.entity import EntitySpec


class WriteGuard(Protocol):
    def before_create(self, tx: Tx, spec: EntitySpec, body: dict[str, Any]) -> dict[str, Any]:
        """The body to create from (values filled in), or raise to refuse it."""

    def before_update(self, tx: Tx, spec: EntitySpec, body: dict[str, Any], current: dict[str, Any]) -> None:
        """Raise to refuse the change of ``current`` that ``body`` asks for."""


def before_create(tx: Tx, spec: EntitySpec, body: Any) -> Any:
    if not isinstance(body, dict):
        return body  # the service reports a body that is not an object
    for guard in tx.runtime.write_guards:
        body = guard.before_create(tx, spec, body)
    return body


def before_update(tx: Tx, spec: EntitySpec, body: Any, current: dict[str, Any]) -> None:
    if isinstance(body, dict):
        for guard in tx.runtime.write_guards:
            guard.before_update(tx, spec, body, current)
