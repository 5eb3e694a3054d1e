"""An entity change must not break an active workflow: its select field removed or retyped,
or a state's choice taken out of the field (rows would hold a value nobody can reach)."""

from __future__ import annotations

from ..automation.definitions import rule_world
from ..automation.triggers import RuleWorld
from ..core.context import Tx
from ..errors import Conflict, ErrorDetail, ValidationFailed, field_error
from ..fields.entity import EntitySpec
from .definition import validate_workflow


def check_workflows_still_hold(tx: Tx, entity: str, after: dict[str, EntitySpec]) -> None:
    current = rule_world(tx)
    world = RuleWorld(specs=after, roles=current.roles, workflows=current.workflows)
    problems: list[ErrorDetail] = []
    for workflow in tx.runtime.workflows.get(tx).active_on(entity):
        try:
            validate_workflow(workflow.doc, world)
        except ValidationFailed as exc:
            problems += [field_error(f"workflows.{workflow.key}.{d.field}", d.message) for d in exc.details]
            continue
        fspec = after[entity].live_fields[workflow.field]
        choices = {c["value"] for c in fspec.options.get("choices", [])}
        for index, state in enumerate(workflow.doc["states"]):
            if state["key"] not in choices:
                problems.append(
                    field_error(f"workflows.{workflow.key}.states.{index}", f"{state['key']!r} must stay a choice")
                )
    if problems:
        raise Conflict(
            f"active workflows use what this change takes away from {entity!r}; change or switch them off first",
            problems,
        )
