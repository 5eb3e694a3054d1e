"""Lookups: what a rule reads beyond its own record, computed before its condition.

Some conditions need more than the trigger record: "a task on a **VIP customer's** project
assigned to someone **over 40 open estimated hours**". A rule names such values under
``lookups`` and reads them as ``$lookup.<name>`` in its condition and actions:

- ``{"path": "project.customer.vip_tier"}`` follows up to three relations from the record
  and reads a field of the last one;
- ``{"entity": "task", "metric": "sum:estimate_hours", "where": {...}}`` is an aggregate
  (``count`` by default) over another entity's records; ``where`` reads that entity's fields
  and may compare them with ``$record.*``, ``$user.*`` and ``$now``, filled in first.

Both are read as the rule's run-as user, so its grants and scopes bound what a rule can
learn: an unreadable record reads as empty, never as an error.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from jsonschema import Draft202012Validator

from ..core.context import Tx
from ..errors import ErrorDetail, Forbidden, NotFound, field_error
from ..fields.entity import SYSTEM_FIELDS, EntitySpec
from ..fields.registry import FIELD_TYPES
from ..fields.relations import RelationType
from ..logic.evaluator import OPERATORS
from ..logic.walk import bind_variables, operators, variables
from ..records.aggregate import aggregate
from ..records.service import get_record
from .people import field_errors

PREFIX = "$lookup"
KEY = "^[a-z][a-z0-9_]{0,62}$"
SCHEMA = Draft202012Validator(
    {
        "type": "object",
        "maxProperties": 10,
        "propertyNames": {"pattern": KEY},
        "additionalProperties": {
            "oneOf": [
                {
                    "type": "object",
                    "required": ["path"],
                    "properties": {"path": {"type": "string", "pattern": "^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*){1,3}$"}},
                    "additionalProperties": False,
                },
                {
                    "type": "object",
                    "required": ["entity"],
                    "properties": {
                        "entity": {"type": "string", "pattern": KEY},
                        "metric": {"type": "string", "pattern": "^(count|(sum|avg|min|max):[a-z][a-z0-9_]{0,62})$"},
                        "where": {},
                    },
                    "additionalProperties": False,
                },
            ]
        },
    }
)
MAX_HOPS = 3
#: ``$`` names an aggregate's ``where`` may read (filled in before it runs).
FILLED = ("$record", "$user", "$now")


def lookup_errors(lookups: dict[str, Any], spec: EntitySpec | None, entity: Any) -> Iterable[ErrorDetail]:
    """Each lookup names real relations and fields (``entity`` finds a spec by key)."""
    for name, lookup in lookups.items():
        path = f"lookups.{name}"
        if "path" in lookup:
            yield from _path_errors(lookup["path"], spec, entity, f"{path}.path")
            continue
        target = entity(lookup["entity"])
        if target is None:
            yield field_error(f"{path}.entity", f"no entity {lookup['entity']!r}")
            continue
        metric = lookup.get("metric", "count")
        if metric != "count" and metric.partition(":")[2] not in target.live_fields:
            yield field_error(f"{path}.metric", f"{target.key!r} has no field {metric.partition(':')[2]!r}")
        if "where" in lookup:
            yield from _where_errors(lookup["where"], target, spec, f"{path}.where")


def _path_errors(dotted: str, spec: EntitySpec | None, entity: Any, path: str) -> Iterable[ErrorDetail]:
    yield from field_errors(spec, entity, path, dotted, None, "", SYSTEM_FIELDS, hops=MAX_HOPS)


def _where_errors(where: Any, target: EntitySpec, spec: EntitySpec | None, path: str) -> Iterable[ErrorDetail]:
    for operator in operators(where):
        if operator not in OPERATORS:
            yield field_error(path, f"unknown JsonLogic operator {operator!r}")
            return
    for name in filter(None, variables(where)):
        head, _, rest = name.partition(".")
        if head == "$record":
            if spec is None or rest.split(".", 1)[0] not in {*spec.live_fields, *SYSTEM_FIELDS}:
                yield field_error(path, f"{name!r} names no field of the trigger record")
        elif head.startswith("$"):
            if head not in FILLED:
                yield field_error(path, f"unknown variable {head!r}")
        elif head not in target.live_fields and head not in SYSTEM_FIELDS:
            yield field_error(path, f"{target.key!r} has no field {head!r}")


def lookup_names(value: Any) -> set[str]:
    """The ``$lookup.<name>`` names a document reads."""
    return {name.split(".")[1] for name in filter(None, variables(value)) if name.startswith(f"{PREFIX}.")}


def compute(
    tx: Tx, entity: str | None, record: dict[str, Any] | None, lookups: dict[str, Any], data: dict[str, Any]
) -> dict[str, Any]:
    """Every lookup's value, read as ``tx``'s actor."""
    values: dict[str, Any] = {}
    for name, lookup in lookups.items():
        if "path" in lookup:
            values[name] = _follow(tx, entity, record, lookup["path"])
        else:
            values[name] = _aggregate(tx, lookup, data)
    return values


def _follow(tx: Tx, entity: str | None, record: dict[str, Any] | None, dotted: str) -> Any:
    *hops, last = dotted.split(".")
    current, row = entity, record
    for hop in hops:
        if current is None or row is None or row.get(hop) is None:
            return None
        spec = tx.runtime.entities.get(tx.conn, current)
        relation = FIELD_TYPES.get(spec.live_fields[hop].type)
        assert isinstance(relation, RelationType)
        current = relation.target(spec.live_fields[hop])
        try:
            row = get_record(tx, current, row[hop])
        except (NotFound, Forbidden):
            return None
    return row.get(last) if row is not None else None


def _aggregate(tx: Tx, lookup: dict[str, Any], data: dict[str, Any]) -> Any:
    metric = lookup.get("metric", "count")
    where = bind_variables(lookup["where"], data, FILLED) if "where" in lookup else None
    try:
        groups = aggregate(tx, lookup["entity"], [], [metric], where)["groups"]
    except Forbidden:
        return None
    name = "count" if metric == "count" else metric.replace(":", "_")
    value = groups[0][name] if groups else None
    return 0 if value is None and metric.startswith(("count", "sum")) else value
