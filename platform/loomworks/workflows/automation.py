"""Workflows in rules: a ``transition`` trigger (a record moved) and a ``transition`` action
(move a record), registered in the automation registries as an extension would.

The trigger names the entity and optionally the workflow, the transition(s), and the
states left (``from``) and reached (``to``); the run reads ``$transition`` (key, workflow,
from, to, comment, approval). The action takes a transition on the trigger record as the
rule's run-as user, with the same checks as a person taking it (who may, guard, fields);
one that needs approval opens the request, which then runs its course.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..automation.actions import ACTIONS, ActionContext, ActionType
from ..automation.actions.base import KEY, VALUES
from ..automation.checks import values_errors
from ..automation.engine import chain_root, execute
from ..automation.triggers import ENTITY, TRIGGERS, RuleWorld, TriggerInput, TriggerType
from ..core.context import Tx
from ..errors import ErrorDetail, field_error
from ..fields.entity import EntitySpec
from .definition import Transition, Workflow

KEYS = {"anyOf": [KEY, {"type": "array", "items": KEY, "minItems": 1, "maxItems": 50}]}


def _listed(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def _workflows_of(world: RuleWorld, entity: str) -> dict[str, dict[str, Any]]:
    return {key: doc for key, doc in world.workflows.items() if doc.get("entity") == entity}


class TransitionTrigger(TriggerType):
    type = "transition"
    properties = {"entity": ENTITY, "workflow": KEY, "transition": KEYS, "from": KEYS, "to": KEYS}
    required = ("entity",)
    free_names = ("$transition",)

    def errors(self, trigger: dict[str, Any], world: RuleWorld) -> Iterable[ErrorDetail]:
        yield from super().errors(trigger, world)
        workflows = _workflows_of(world, trigger["entity"])
        if "workflow" in trigger:
            if trigger["workflow"] not in workflows:
                yield field_error("trigger.workflow", f"no workflow {trigger['workflow']!r} on {trigger['entity']!r}")
                return
            workflows = {trigger["workflow"]: workflows[trigger["workflow"]]}
        transitions = {t["key"] for doc in workflows.values() for t in doc["transitions"]}
        states = {s["key"] for doc in workflows.values() for s in doc["states"]}
        for name, known, noun in (
            ("transition", transitions, "transition"),
            ("from", states, "state"),
            ("to", states, "state"),
        ):
            for value in _listed(trigger.get(name, [])):
                if value not in known:
                    yield field_error(
                        f"trigger.{name}", f"no {noun} {value!r} in the workflows of {trigger['entity']!r}"
                    )

    def index_keys(self, trigger: dict[str, Any]) -> list[tuple[Any, ...]]:
        return [("transition", trigger["entity"])]

    def matches_transition(self, trigger: dict[str, Any], moved: dict[str, Any]) -> bool:
        for name, value in (
            ("workflow", moved["workflow"]),
            ("transition", moved["key"]),
            ("from", moved["from"]),
            ("to", moved["to"]),
        ):
            if name in trigger and value not in _listed(trigger[name]):
                return False
        return True


class TransitionAction(ActionType):
    type = "transition"
    needs_record = True
    properties = {
        "transition": KEY,
        "comment": {"type": "string", "maxLength": 2000},
        "fields": VALUES,
    }
    required = ("transition",)

    def errors(
        self, action: dict[str, Any], world: RuleWorld, trigger_spec: EntitySpec | None, path: str
    ) -> Iterable[ErrorDetail]:
        if trigger_spec is None:
            return
        workflows = _workflows_of(world, trigger_spec.key)
        if not any(t["key"] == action["transition"] for doc in workflows.values() for t in doc["transitions"]):
            yield field_error(f"{path}.transition", f"no transition {action['transition']!r} on {trigger_spec.key!r}")
        if "fields" in action:
            yield from values_errors(action["fields"], trigger_spec, trigger_spec, f"{path}.fields", ("$steps",))

    def run(self, ctx: ActionContext, action: dict[str, Any]) -> dict[str, Any]:
        from .transitions import take

        entity = ctx.trigger.entity
        assert entity is not None
        body: dict[str, Any] = {"comment": action.get("comment")}
        if "fields" in action:
            body["fields"] = ctx.compute_values(action["fields"], "fields")
        result, waiting = take(ctx.tx, entity, ctx.record_id(), action["transition"], body)
        if waiting:
            return {"transition": action["transition"], "approval": result["approval"]["id"]}
        return {"transition": action["transition"], "version": result.get("_version")}


def announce_transition(
    tx: Tx,
    workflow: Workflow,
    transition: Transition | None,
    old: dict[str, Any],
    to: str,
    comment: str | None,
    approval_id: int | None,
) -> None:
    """Run the rules listening for this transition, in the transaction that made it; the record
    as moved is read only when some rule listens."""
    rules = tx.runtime.automation.rules.index(tx).filed(("transition", workflow.entity))
    if not rules:
        return
    moved = {
        "key": transition.key if transition else None,
        "workflow": workflow.key,
        "from": old.get(workflow.field),
        "to": to,
        "comment": comment,
        "approval": approval_id,
    }
    trigger_type = TRIGGERS.get("transition")
    assert isinstance(trigger_type, TransitionTrigger)
    matching = [rule for rule in rules if trigger_type.matches_transition(rule.trigger, moved)]
    if not matching:
        return
    from .transitions import system_view

    record = system_view(tx, workflow.entity, old["id"])
    with chain_root(tx) as chain:
        for rule in matching:
            trigger = TriggerInput("transition", workflow.entity, record, old, tx.actor, extra={"transition": moved})
            execute(tx, rule, trigger, chain)


TRIGGERS.register("transition", TransitionTrigger())
ACTIONS.register("transition", TransitionAction())
