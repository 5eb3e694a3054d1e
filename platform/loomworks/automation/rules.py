"""Rule definitions (kind ``rule``): checked when saved, compiled once per definition version.

A rule = trigger + optional JsonLogic condition + ordered actions + who they run as.
Checking goes from the outside in, and reports every problem with its path: the
meta-schema (``meta/schemas/rule.json``), the trigger's own schema and checks
(``trigger.field``), each action's (``actions.1.values.amount``), then what ties them
together (an action that needs a record on a trigger without one; ``trigger_user`` on a
schedule, which nobody triggers).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from ..errors import ErrorDetail, ValidationFailed, field_error
from ..fields.entity import EntitySpec
from ..meta.validation import meta_validator, schema_errors
from . import lookups
from .actions import ACTIONS, ActionType
from .checks import logic_errors
from .triggers import TRIGGERS, RuleWorld, TriggerType, binds_record

KIND = "rule"
DEFAULTS = {"enabled": True, "on_error": "fail", "run_as": "trigger_user"}


@dataclass(frozen=True)
class Rule:
    """A stored rule as the engine runs it."""

    key: str
    version: int
    doc: dict[str, Any]

    @property
    def label(self) -> dict[str, str]:
        return dict(self.doc.get("label") or {})

    @property
    def trigger(self) -> dict[str, Any]:
        return dict(self.doc["trigger"])

    @cached_property
    def trigger_type(self) -> TriggerType:
        return TRIGGERS.get(self.doc["trigger"]["type"])

    @property
    def entity(self) -> str | None:
        entity = self.doc["trigger"].get("entity")
        return entity if isinstance(entity, str) else None

    @property
    def condition(self) -> Any:
        return self.doc.get("condition")

    @cached_property
    def actions(self) -> tuple[tuple[ActionType, dict[str, Any]], ...]:
        return tuple((ACTIONS.get(a["type"]), a) for a in self.doc["actions"])

    @property
    def lookups(self) -> dict[str, Any]:
        return dict(self.doc.get("lookups") or {})

    @property
    def enabled(self) -> bool:
        return bool(self.doc.get("enabled", True))

    @property
    def on_error(self) -> str:
        return str(self.doc.get("on_error", "fail"))

    @property
    def run_as(self) -> Any:
        return self.doc.get("run_as", "trigger_user")

    @property
    def changes_data(self) -> bool:
        return any(action_type.changes_data for action_type, _ in self.actions)


def validate_rule(doc: Any, world: RuleWorld) -> dict[str, Any]:
    """The document as stored (defaults left out), or ValidationFailed naming every problem."""
    details = schema_errors(meta_validator(KIND), doc)
    if details:
        raise ValidationFailed("the rule definition is invalid", details)
    details = list(_rule_errors(doc, world))
    if details:
        raise ValidationFailed("the rule definition is invalid", details)
    return {k: v for k, v in doc.items() if not (k in DEFAULTS and v == DEFAULTS[k])}


def _rule_errors(doc: dict[str, Any], world: RuleWorld) -> Iterable[ErrorDetail]:
    trigger = doc["trigger"]
    if trigger["type"] not in TRIGGERS:
        yield field_error("trigger.type", f"unknown trigger type {trigger['type']!r} (known: {', '.join(TRIGGERS)})")
        return
    trigger_type = TRIGGERS.get(trigger["type"])
    problems = schema_errors(trigger_type.schema(), trigger, "trigger")
    if problems:
        yield from problems
        return
    yield from trigger_type.errors(trigger, world)
    spec = world.entity(trigger.get("entity")) if binds_record(trigger) else None
    free = trigger_type.free_names
    declared = doc.get("lookups", {})
    lookup_problems = schema_errors(lookups.SCHEMA, declared, "lookups")
    yield from lookup_problems or lookups.lookup_errors(declared, spec, world.entity)
    for name in sorted(lookups.lookup_names({k: v for k, v in doc.items() if k != "lookups"}) - set(declared)):
        yield field_error("lookups", f"$lookup.{name} is read but not defined")
    if "condition" in doc:
        yield from logic_errors(doc["condition"], spec, "condition", free=free)
    yield from _run_as_errors(doc.get("run_as", "trigger_user"), trigger_type, trigger, world)
    for index, action in enumerate(doc["actions"]):
        yield from _action_errors(action, f"actions.{index}", trigger, spec, world)
    names = [a.get("name") for a in doc["actions"] if a.get("name")]
    for name in {n for n in names if names.count(n) > 1}:
        yield field_error("actions", f"two actions are named {name!r}")
    yield from _step_errors(doc["actions"])


def _step_errors(actions: list[dict[str, Any]]) -> Iterable[ErrorDetail]:
    """``$steps.<name>`` must name a ``create_record`` action that comes earlier."""
    earlier: set[str] = set()
    for index, action in enumerate(actions):
        for name in sorted(_step_names(action)):
            if name not in earlier:
                yield field_error(f"actions.{index}", f"$steps.{name}: no earlier action is named {name!r}")
        if action.get("type") == "create_record" and action.get("name"):
            earlier.add(action["name"])


def _step_names(value: Any) -> set[str]:
    if isinstance(value, dict):
        found: set[str] = set()
        if len(value) == 1 and "var" in value:
            name = value["var"][0] if isinstance(value["var"], list) and value["var"] else value["var"]
            if isinstance(name, str) and name.startswith("$steps."):
                found.add(name.split(".")[1])
        for item in value.values():
            found |= _step_names(item)
        return found
    if isinstance(value, list):
        return set().union(*(_step_names(item) for item in value)) if value else set()
    return set()


def _action_errors(
    action: dict[str, Any], path: str, trigger: dict[str, Any], spec: EntitySpec | None, world: RuleWorld
) -> Iterable[ErrorDetail]:
    if action["type"] not in ACTIONS:
        yield field_error(f"{path}.type", f"unknown action type {action['type']!r} (known: {', '.join(ACTIONS)})")
        return
    action_type = ACTIONS.get(action["type"])
    problems = schema_errors(action_type.schema(), action, path)
    if problems:
        yield from problems
        return
    if action_type.needs_record and spec is None:
        yield field_error(f"{path}.type", f"{action['type']} acts on the trigger record, and this trigger has none")
        return
    if trigger["type"] == "record_deleted" and action_type.needs_record and not action_type.acts_on_deleted:
        yield field_error(f"{path}.type", f"{action['type']} cannot act on a record that was just deleted")
        return
    yield from action_type.errors(action, world, spec, path)


def _run_as_errors(
    run_as: Any, trigger_type: TriggerType, trigger: dict[str, Any], world: RuleWorld
) -> Iterable[ErrorDetail]:
    if run_as == "trigger_user" and not trigger_type.has_user:
        yield field_error("run_as", f"nobody triggers a {trigger_type.type} rule: run as record_owner or system")
    if run_as == "record_owner" and not binds_record(trigger):
        yield field_error("run_as", f"a {trigger_type.type} rule has no record, so no record owner")
    if isinstance(run_as, dict):
        for index, grant in enumerate(run_as.get("grants", [])):
            if world.entity(grant["entity"]) is None:
                yield field_error(f"run_as.grants.{index}.entity", f"no entity {grant['entity']!r}")
