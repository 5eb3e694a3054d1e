"""Workflow definitions (kind ``workflow``): a state machine over one select field.

Checking goes from the outside in and reports every problem with its path: the
meta-schema (``meta/schemas/workflow.json``), then what a schema cannot see: the entity
and its select field exist, state and transition keys are unique, every ``from``/``to``
names a state, no transition leaves a final state (category ``done`` or ``cancelled``),
every state can be reached from the initial one, roles exist, user fields are user
fields, guards read real fields, and approval steps are coherent (a quorum no larger
than what the approver list can give is the builder's business, but a quorum needs
``mode: quorum``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from ..automation.checks import logic_errors
from ..automation.people import field_user_errors
from ..automation.triggers import RuleWorld
from ..errors import ErrorDetail, ValidationFailed, field_error
from ..fields.entity import EntitySpec
from ..fields.registry import FIELD_TYPES
from ..logic.walk import variables
from ..meta.validation import meta_validator, schema_errors

KIND = "workflow"
FINAL_CATEGORIES = ("done", "cancelled")
ANY_STATE = "*"
REQUESTER = "$requester"
DEFAULTS = {"active": True}


@dataclass(frozen=True)
class Transition:
    doc: dict[str, Any]
    sources: frozenset[str]

    @property
    def key(self) -> str:
        return str(self.doc["key"])

    @property
    def to(self) -> str:
        return str(self.doc["to"])

    @property
    def label(self) -> dict[str, str]:
        return dict(self.doc.get("label") or {"en": self.key})

    @property
    def roles(self) -> tuple[str, ...]:
        return tuple(self.doc.get("roles", ()))

    @property
    def user_fields(self) -> tuple[str, ...]:
        return tuple(self.doc.get("user_fields", ()))

    @property
    def guard(self) -> Any:
        return self.doc.get("guard")

    @property
    def approval(self) -> dict[str, Any] | None:
        return self.doc.get("approval")

    @property
    def comment_required(self) -> bool:
        return self.doc.get("comment") == "required"

    @cached_property
    def guard_reads_form(self) -> bool:
        """Whether the guard reads a field the transition asks for: the listing then offers the
        transition even though the record fails the guard today, since the form can fix that."""
        asked = {key for key, _required in self.fields}
        return self.guard is not None and any(name.split(".")[0] in asked for name in variables(self.guard))

    @cached_property
    def fields(self) -> tuple[tuple[str, bool], ...]:
        """(field key, required) for each field filled in when taking the transition."""
        return tuple(
            (item, True) if isinstance(item, str) else (item["key"], bool(item.get("required", True)))
            for item in self.doc.get("fields", ())
        )


@dataclass(frozen=True)
class Workflow:
    """A stored workflow as the runtime uses it."""

    key: str
    version: int
    doc: dict[str, Any]

    @property
    def entity(self) -> str:
        return str(self.doc["entity"])

    @property
    def field(self) -> str:
        return str(self.doc["field"])

    @property
    def initial(self) -> str:
        return str(self.doc["initial"])

    @property
    def active(self) -> bool:
        return bool(self.doc.get("active", True))

    @property
    def label(self) -> dict[str, str]:
        return dict(self.doc.get("label") or {})

    @cached_property
    def states(self) -> dict[str, dict[str, Any]]:
        return {state["key"]: state for state in self.doc["states"]}

    def is_final(self, state: str | None) -> bool:
        return state in self.states and self.states[state]["category"] in FINAL_CATEGORIES

    @cached_property
    def transitions(self) -> dict[str, Transition]:
        return {t["key"]: Transition(t, sources_of(t, self.doc["states"])) for t in self.doc["transitions"]}

    def from_state(self, state: str | None) -> list[Transition]:
        """Transitions leaving ``state``, in definition order."""
        return [t for t in self.transitions.values() if state in t.sources]


def sources_of(transition: dict[str, Any], states: list[dict[str, Any]]) -> frozenset[str]:
    source = transition["from"]
    if source == ANY_STATE:
        return frozenset(s["key"] for s in states if s["category"] not in FINAL_CATEGORIES)
    return frozenset([source] if isinstance(source, str) else source)


def validate_workflow(doc: Any, world: RuleWorld) -> dict[str, Any]:
    """The document as stored (defaults left out), or ValidationFailed naming every problem."""
    details = schema_errors(meta_validator(KIND), doc)
    if not details:
        details = list(_semantic_errors(doc, world))
    if details:
        raise ValidationFailed("the workflow definition is invalid", details)
    return {k: v for k, v in doc.items() if not (k in DEFAULTS and v == DEFAULTS[k])}


def _semantic_errors(doc: dict[str, Any], world: RuleWorld) -> Iterable[ErrorDetail]:
    spec = world.entity(doc["entity"])
    if spec is None:
        yield field_error("entity", f"no entity {doc['entity']!r}")
    else:
        fspec = spec.live_fields.get(doc["field"])
        if fspec is None:
            yield field_error("field", f"{spec.key!r} has no field {doc['field']!r}")
        elif fspec.type != "select":
            yield field_error("field", f"{doc['field']!r} is a {fspec.type} field; a workflow needs a select field")
    states = doc["states"]
    keys = [s["key"] for s in states]
    yield from _duplicates(keys, "states", "state")
    known = set(keys)
    if doc["initial"] not in known:
        yield field_error("initial", f"no state {doc['initial']!r}")
    elif Workflow("", 0, doc).is_final(doc["initial"]):
        yield field_error("initial", "the initial state cannot be final")
    for value, state in doc.get("map", {}).items():
        if state not in known:
            yield field_error(f"map.{value}", f"no state {state!r}")
    yield from _duplicates([t["key"] for t in doc["transitions"]], "transitions", "transition")
    for index, transition in enumerate(doc["transitions"]):
        yield from _transition_errors(transition, f"transitions.{index}", doc, known, spec, world)
    if doc["initial"] in known:
        yield from _unreachable(doc, keys)


def _duplicates(keys: list[str], path: str, noun: str) -> Iterable[ErrorDetail]:
    seen: set[str] = set()
    for index, key in enumerate(keys):
        if key in seen:
            yield field_error(f"{path}.{index}.key", f"another {noun} is already {key!r}")
        seen.add(key)


def _transition_errors(
    transition: dict[str, Any],
    path: str,
    doc: dict[str, Any],
    known: set[str],
    spec: EntitySpec | None,
    world: RuleWorld,
) -> Iterable[ErrorDetail]:
    workflow = Workflow("", 0, doc)
    source = transition["from"]
    for name in [] if source == ANY_STATE else ([source] if isinstance(source, str) else source):
        if name not in known:
            yield field_error(f"{path}.from", f"no state {name!r}")
        elif workflow.is_final(name):
            yield field_error(f"{path}.from", f"{name!r} is final: nothing leaves it")
    if transition["to"] not in known:
        yield field_error(f"{path}.to", f"no state {transition['to']!r}")
    for index, role in enumerate(transition.get("roles", [])):
        if role not in world.roles:
            yield field_error(f"{path}.roles.{index}", f"no role {role!r}")
    for index, name in enumerate(transition.get("user_fields", [])):
        yield from field_user_errors(spec, world.entity, f"{path}.user_fields.{index}", name)
    if "guard" in transition:
        yield from logic_errors(transition["guard"], spec, f"{path}.guard")
    yield from _field_errors(transition, path, doc, spec)
    if "approval" in transition:
        yield from _approval_errors(transition["approval"], f"{path}.approval", known, spec, world)


def _field_errors(
    transition: dict[str, Any], path: str, doc: dict[str, Any], spec: EntitySpec | None
) -> Iterable[ErrorDetail]:
    if spec is None:
        return
    for index, item in enumerate(transition.get("fields", [])):
        name = item if isinstance(item, str) else item["key"]
        fspec = spec.live_fields.get(name)
        if fspec is None:
            yield field_error(f"{path}.fields.{index}", f"{spec.key!r} has no field {name!r}")
        elif name == doc["field"]:
            yield field_error(f"{path}.fields.{index}", "the workflow's own field is set by the transition")
        elif not FIELD_TYPES.get(fspec.type).writable:
            yield field_error(f"{path}.fields.{index}", f"{name!r} is computed and cannot be filled in")


def _approval_errors(
    approval: dict[str, Any], path: str, known: set[str], spec: EntitySpec | None, world: RuleWorld
) -> Iterable[ErrorDetail]:
    if "quorum" in approval and approval.get("mode") != "quorum":
        yield field_error(f"{path}.quorum", "a quorum needs mode: quorum")
    if approval.get("mode") == "quorum" and "quorum" not in approval:
        yield field_error(f"{path}.quorum", "is required with mode: quorum")
    if "on_reject" in approval and approval["on_reject"] not in known:
        yield field_error(f"{path}.on_reject", f"no state {approval['on_reject']!r}")
    yield from _duplicates([s["key"] for s in approval["steps"] if "key" in s], f"{path}.steps", "step")
    for index, step in enumerate(approval["steps"]):
        where = f"{path}.steps.{index}"
        mode = step.get("mode", approval.get("mode", "any"))
        if mode == "quorum" and "quorum" not in step and "quorum" not in approval:
            yield field_error(f"{where}.quorum", "is required with mode: quorum")
        if "quorum" in step and mode != "quorum":
            yield field_error(f"{where}.quorum", "a quorum needs mode: quorum")
        for name in ("remind_before", "on_due"):
            if name in step and "due" not in step:
                yield field_error(f"{where}.{name}", "needs a due time")
        if "escalate_to" in step and step.get("on_due") != "escalate":
            yield field_error(f"{where}.escalate_to", "applies only with on_due: escalate")
        yield from approver_errors(step["approvers"], f"{where}.approvers", spec, world)
        yield from approver_errors(step.get("escalate_to", []), f"{where}.escalate_to", spec, world)
    yield from approver_errors(approval.get("cc", []), f"{path}.cc", spec, world)


def approver_errors(
    approvers: list[dict[str, Any]], path: str, spec: EntitySpec | None, world: RuleWorld
) -> Iterable[ErrorDetail]:
    for index, approver in enumerate(approvers):
        where = f"{path}.{index}"
        if "role" in approver and approver["role"] not in world.roles:
            yield field_error(f"{where}.role", f"no role {approver['role']!r}")
        for kind in ("field", "manager_of"):
            name = approver.get(kind)
            if name is None or (kind == "manager_of" and name == REQUESTER):
                continue
            if name == REQUESTER:
                yield field_error(f"{where}.{kind}", "$requester is a person, not a field: use manager_of")
                continue
            yield from field_user_errors(spec, world.entity, f"{where}.{kind}", name)


def _unreachable(doc: dict[str, Any], keys: list[str]) -> Iterable[ErrorDetail]:
    """States no path of transitions (or rejections) leads to from the initial state."""
    edges: dict[str, set[str]] = {}
    for transition in doc["transitions"]:
        targets = {transition["to"]}
        if "on_reject" in transition.get("approval", {}):
            targets.add(transition["approval"]["on_reject"])
        for source in sources_of(transition, doc["states"]):
            edges.setdefault(source, set()).update(targets)
    reached, pending = {doc["initial"]}, [doc["initial"]]
    while pending:
        for target in edges.get(pending.pop(), ()):
            if target not in reached:
                reached.add(target)
                pending.append(target)
    for index, key in enumerate(keys):
        if key not in reached:
            yield field_error(f"states.{index}", f"{key!r} cannot be reached from {doc['initial']!r}")
