"""The write guard of workflows: a guarded state field starts in the initial state and moves
only through transitions.

A PATCH of the field (by a person, an import or a rule's ``set_fields``) is a 422 that
names the transitions the writer could take instead. The transition service itself writes
the field while it holds a pass for that one record (``moving``), which the guard honours
once: the rules that write sets off (a ``field_changed`` rule's ``set_fields``) meet the
guard like anyone else.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..core.context import Tx
from ..errors import ValidationFailed, field_error
from ..fields.entity import EntitySpec

_MOVING = "workflow_moving"


@contextmanager
def moving(tx: Tx, entity: str, record_id: int) -> Iterator[None]:
    """Let the transition service write the state field of this one record."""
    passes: set[tuple[str, int]] = tx.shared.setdefault(_MOVING, set())
    passes.add((entity, record_id))
    try:
        yield
    finally:
        passes.discard((entity, record_id))


_IMPORTING = "workflow_importing"


@contextmanager
def importing(tx: Tx, entity: str) -> Iterator[None]:
    """Let an import by a builder write the entity's state fields as the file has them (any
    state of the workflow): moving old records in is a migration, not a business event."""
    entities: set[str] = tx.shared.setdefault(_IMPORTING, set())
    entities.add(entity)
    try:
        yield
    finally:
        entities.discard(entity)


def _imported_state(tx: Tx, spec: EntitySpec, workflow: Any, value: Any) -> bool:
    return spec.key in tx.shared.get(_IMPORTING, set()) and value in workflow.states


class StateGuard:
    def before_create(self, tx: Tx, spec: EntitySpec, body: dict[str, Any]) -> dict[str, Any]:
        workflows = tx.runtime.workflows.get(tx).active_on(spec.key)
        if not workflows:
            return body
        body = dict(body)
        for workflow in workflows:
            given = body.get(workflow.field)
            if given is None:
                body[workflow.field] = workflow.initial
            elif given != workflow.initial and not _imported_state(tx, spec, workflow, given):
                raise ValidationFailed(
                    f"a new {spec.key} starts in {workflow.initial!r}; move it on with a transition",
                    [field_error(workflow.field, f"must be {workflow.initial!r} (the initial state) or left out")],
                )
        return body

    def before_update(self, tx: Tx, spec: EntitySpec, body: dict[str, Any], current: dict[str, Any]) -> None:
        workflows = tx.runtime.workflows.get(tx).active_on(spec.key)
        for workflow in workflows:
            name = workflow.field
            if name not in body or body[name] == current.get(name) or _imported_state(tx, spec, workflow, body[name]):
                continue
            passes = tx.shared.get(_MOVING, set())
            if (spec.key, current["id"]) in passes:
                passes.discard((spec.key, current["id"]))  # one write: rules it sets off get no pass
                continue
            from .transitions import offered  # transitions import the records service

            keys = [item["key"] for item in offered(tx, workflow, current)]
            hint = f"take one of: {', '.join(keys)}" if keys else "no transition is open to you from here"
            raise ValidationFailed(
                f"{name!r} follows the workflow {workflow.key!r} and changes only through a transition; {hint}",
                [field_error(name, f"changes only through a transition ({hint})")],
                data={"workflow": workflow.key, "transitions": keys},
            )
