"""Trigger types: what starts a rule. One class per ``type`` key, held in a registry.

A trigger type owns the JSON Schema of its part of a rule, the checks a schema cannot
make (the entity and field exist, the value fits the field), the keys under which the
rule index files the rule (so a write looks rules up instead of scanning them) and,
for record events, whether an event that reached the rule through its key matches.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cronsim import CronSim, CronSimError
from jsonschema import Draft202012Validator

from ..core.context import Actor
from ..core.registry import Registry
from ..core.sqltypes import utcnow
from ..errors import ErrorDetail, field_error
from ..fields.entity import EntitySpec
from ..fields.registry import FIELD_TYPES
from ..records.events import RecordEvent
from .checks import logic_errors

#: Index key of a rule that matches any value of a field (``field_changed`` without ``to``).
ANY_VALUE = "*"
DATE_TYPES = ("date", "datetime")
UNITS = {"minutes": 60, "hours": 3600, "days": 86400, "weeks": 7 * 86400}
ENTITY = {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,62}$"}
FIELD_KEY = {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,62}$"}


@dataclass(frozen=True)
class TriggerInput:
    """What one rule run starts from."""

    type: str
    entity: str | None = None
    record: dict[str, Any] | None = None
    old: dict[str, Any] | None = None
    #: Who caused it; None for schedules, inbound webhooks and anonymous visitors.
    user: Actor | None = None
    payload: Any = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def record_id(self) -> int | None:
        return self.record.get("id") if self.record else None


@dataclass(frozen=True)
class RuleWorld:
    """What rule checks need to know about the instance."""

    specs: dict[str, EntitySpec]
    roles: frozenset[str]
    #: Workflow definitions by key (transition triggers and actions name their transitions).
    workflows: dict[str, dict[str, Any]] = field(default_factory=dict)

    def entity(self, key: Any) -> EntitySpec | None:
        return self.specs.get(key) if isinstance(key, str) else None


class TriggerType:
    type: ClassVar[str]
    #: JSON Schema of the trigger object (besides ``type``).
    properties: ClassVar[dict[str, Any]] = {}
    required: ClassVar[tuple[str, ...]] = ()
    #: The run has a record to act on (set_fields and friends need one).
    record_bound: ClassVar[bool] = True
    #: A person causes it, so ``run_as: trigger_user`` means someone.
    has_user: ClassVar[bool] = True
    #: ``$`` names its runs add to what the condition may read (``$payload``, ``$transition``).
    free_names: ClassVar[tuple[str, ...]] = ()

    def schema(self) -> Draft202012Validator:
        return Draft202012Validator(
            {
                "type": "object",
                "required": ["type", *self.required],
                "properties": {"type": {"const": self.type}, **self.properties},
                "additionalProperties": False,
            }
        )

    def errors(self, trigger: dict[str, Any], world: RuleWorld) -> Iterable[ErrorDetail]:
        if "entity" in self.properties and "entity" in trigger and world.entity(trigger["entity"]) is None:
            yield field_error("trigger.entity", f"no entity {trigger['entity']!r}")

    def index_keys(self, trigger: dict[str, Any]) -> list[tuple[Any, ...]]:
        return []

    def matches(self, trigger: dict[str, Any], event: RecordEvent) -> bool:
        return True


def value_key(value: Any) -> str:
    """One spelling per value for the index: ``80`` and ``80.0`` file alike."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


class RecordEventTrigger(TriggerType):
    properties = {"entity": ENTITY}
    required = ("entity",)
    event: ClassVar[str]

    def index_keys(self, trigger: dict[str, Any]) -> list[tuple[Any, ...]]:
        return [("record", trigger["entity"], self.event)]


class RecordCreated(RecordEventTrigger):
    type = "record_created"
    event = "created"


class RecordUpdated(RecordEventTrigger):
    type = "record_updated"
    event = "updated"


class RecordDeleted(RecordEventTrigger):
    type = "record_deleted"
    event = "deleted"


class FieldChanged(TriggerType):
    """A field took a new value (optionally from one value or list of values, to another).

    A record created with the field filled counts as a change from empty, so "a contract
    becomes signed" also fires for a contract entered as signed.
    """

    type = "field_changed"
    properties = {"entity": ENTITY, "field": FIELD_KEY, "from": {}, "to": {}}
    required = ("entity", "field")

    def errors(self, trigger: dict[str, Any], world: RuleWorld) -> Iterable[ErrorDetail]:
        yield from super().errors(trigger, world)
        spec = world.entity(trigger["entity"])
        if spec is None:
            return
        fspec = spec.live_fields.get(trigger["field"])
        if fspec is None:
            yield field_error("trigger.field", f"{spec.key!r} has no field {trigger['field']!r}")
            return
        validator = Draft202012Validator(FIELD_TYPES.get(fspec.type).value_schema(fspec))
        for name in ("from", "to"):
            for value in _values(trigger, name):
                problem = next(validator.iter_errors(value), None) if value is not None else None
                if problem is not None:
                    yield field_error(
                        f"trigger.{name}", f"{value!r} is not a value of {fspec.key!r}: {problem.message}"
                    )

    def index_keys(self, trigger: dict[str, Any]) -> list[tuple[Any, ...]]:
        base = ("field", trigger["entity"], trigger["field"])
        if "to" not in trigger:
            return [(*base, ANY_VALUE)]
        return [(*base, value_key(value)) for value in _values(trigger, "to")]

    def matches(self, trigger: dict[str, Any], event: RecordEvent) -> bool:
        name = trigger["field"]
        if name not in event.changed:
            return False
        new = event.record.get(name)
        old = event.old.get(name) if event.old else None
        if "to" in trigger and value_key(new) not in {value_key(v) for v in _values(trigger, "to")}:
            return False
        return "from" not in trigger or value_key(old) in {value_key(v) for v in _values(trigger, "from")}


def _values(trigger: dict[str, Any], name: str) -> list[Any]:
    if name not in trigger:
        return []
    value = trigger[name]
    return list(value) if isinstance(value, list) else [value]


class TimedTrigger(TriggerType):
    """Schedules and date-relative triggers: fired by the scheduler, in a time zone."""

    has_user = False

    def errors(self, trigger: dict[str, Any], world: RuleWorld) -> Iterable[ErrorDetail]:
        yield from super().errors(trigger, world)
        if "timezone" in trigger and zone(trigger["timezone"]) is None:
            yield field_error("trigger.timezone", f"{trigger['timezone']!r} is not a known IANA time zone")


def zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


class Schedule(TimedTrigger):
    """Cron, in a time zone. With ``entity`` (and ``where``) it runs once per matching record
    ("every morning, for each active project"); without, once."""

    type = "schedule"
    properties = {
        "cron": {"type": "string", "maxLength": 200},
        "timezone": {"type": "string", "maxLength": 64},
        "entity": ENTITY,
        "where": {},
    }
    required = ("cron",)
    record_bound = False  # unless it names an entity: see ``binds_record``

    def errors(self, trigger: dict[str, Any], world: RuleWorld) -> Iterable[ErrorDetail]:
        yield from super().errors(trigger, world)
        try:
            CronSim(trigger["cron"], utcnow())
        except (CronSimError, ValueError) as exc:
            yield field_error("trigger.cron", f"is not a valid cron expression: {exc}")
        if "where" in trigger and "entity" not in trigger:
            yield field_error("trigger.where", "needs an entity to filter")
        elif "where" in trigger:
            yield from logic_errors(trigger["where"], world.entity(trigger["entity"]), "trigger.where")


class DateRelative(TimedTrigger):
    """N minutes/hours/days/weeks before or after a date field of each record.

    Date fields (no time of day) fire at ``time`` (default 09:00) in ``timezone``.
    """

    type = "date_relative"
    properties = {
        "entity": ENTITY,
        "field": FIELD_KEY,
        "amount": {"type": "integer", "minimum": 0, "maximum": 100000},
        "unit": {"enum": list(UNITS)},
        "direction": {"enum": ["before", "after"]},
        "time": {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$"},
        "timezone": {"type": "string", "maxLength": 64},
    }
    required = ("entity", "field", "amount", "unit", "direction")

    def errors(self, trigger: dict[str, Any], world: RuleWorld) -> Iterable[ErrorDetail]:
        yield from super().errors(trigger, world)
        spec = world.entity(trigger["entity"])
        if spec is None:
            return
        name = trigger["field"]
        fspec = spec.live_fields.get(name)
        if fspec is None:
            yield field_error("trigger.field", f"{spec.key!r} has no field {name!r}")
        elif fspec.type not in DATE_TYPES:
            yield field_error("trigger.field", f"{name!r} is a {fspec.type} field, not a date or date-time field")


class Manual(TriggerType):
    """A button on a record (``POST /api/records/{entity}/{id}/actions/{rule}``), optionally
    for some roles only; the rule's condition decides on which records it is offered."""

    type = "manual"
    properties = {"entity": ENTITY, "roles": {"type": "array", "items": FIELD_KEY, "maxItems": 50}}
    required = ("entity",)

    def index_keys(self, trigger: dict[str, Any]) -> list[tuple[Any, ...]]:
        return [("manual", trigger["entity"])]

    def errors(self, trigger: dict[str, Any], world: RuleWorld) -> Iterable[ErrorDetail]:
        yield from super().errors(trigger, world)
        for index, role in enumerate(trigger.get("roles", [])):
            if role not in world.roles:
                yield field_error(f"trigger.roles.{index}", f"no role {role!r}")


class InboundWebhook(TriggerType):
    """``POST /api/hooks/{rule}`` with the rule's secret; the JSON body is ``$payload``."""

    type = "webhook"
    record_bound = False
    has_user = False
    free_names = ("$payload",)


TRIGGERS: Registry[TriggerType] = Registry("trigger types")
for _trigger in (
    RecordCreated(),
    RecordUpdated(),
    RecordDeleted(),
    FieldChanged(),
    Schedule(),
    DateRelative(),
    Manual(),
    InboundWebhook(),
):
    TRIGGERS.register(_trigger.type, _trigger)


def binds_record(trigger: dict[str, Any]) -> bool:
    """Whether runs of this trigger act on a record (a schedule does when it names an entity)."""
    if trigger["type"] == "schedule":
        return "entity" in trigger
    return bool(TRIGGERS.get(trigger["type"]).record_bound)
