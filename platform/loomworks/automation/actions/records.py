"""Data actions: set fields, create a record (with child rows), update related records, recompute.

Each writes through the records service as the rule's run-as user, so that user's grants,
row scopes and field rules apply exactly as if they had made the change themselves, and
each write fires the rules of the record it touches (the chain the engine bounds).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ...errors import ErrorDetail, ValidationFailed, field_error
from ...fields.entity import EntitySpec
from ...fields.registry import FIELD_TYPES
from ...fields.relations import RelationType
from ...logic.walk import bind_variables
from ...records import computed
from ...records.query import ListParams, list_records
from ...records.service import create_record, get_record, update_record
from ..checks import logic_errors, values_errors
from ..triggers import RuleWorld
from .base import KEY, VALUES, ActionContext, ActionType

#: Most records one ``update_related`` may change: a rule is not a bulk job.
MAX_RELATED = 500
MAX_CHILD_ROWS = 100
#: ``$`` names whose values are known when a related-records filter is compiled to SQL.
BOUND_NAMES = ("$record", "$old", "$payload", "$steps")


class SetFields(ActionType):
    """Set fields of the trigger record; each value is JsonLogic over it (a literal is itself)."""

    type = "set_fields"
    needs_record = True
    properties = {"values": {**VALUES, "minProperties": 1}}
    required = ("values",)

    def errors(
        self, action: dict[str, Any], world: RuleWorld, trigger_spec: EntitySpec | None, path: str
    ) -> Iterable[ErrorDetail]:
        if trigger_spec is not None:
            yield from values_errors(action["values"], trigger_spec, trigger_spec, f"{path}.values", ("$steps",))

    def run(self, ctx: ActionContext, action: dict[str, Any]) -> dict[str, Any]:
        values = ctx.compute_values(action["values"], "values")
        entity = ctx.trigger.entity
        assert entity is not None
        result = update_record(ctx.tx, entity, ctx.record_id(), values)
        # Later actions see the record as this action left it.
        ctx.data.update(values)
        ctx.data["$record"] = {**ctx.data["$record"], **values}
        return {"entity": entity, "id": ctx.record_id(), "values": values, "version": result.get("_version")}


class CreateRecord(ActionType):
    """Create a record from a field mapping, and child records pointing at it (a project with
    its milestones). Child row values may read the new record as ``$created``."""

    type = "create_record"
    properties = {
        "entity": KEY,
        "values": VALUES,
        "children": {
            "type": "array",
            "maxItems": 10,
            "items": {
                "type": "object",
                "required": ["entity", "via", "rows"],
                "properties": {
                    "entity": KEY,
                    "via": KEY,
                    "rows": {"type": "array", "items": VALUES, "minItems": 1, "maxItems": MAX_CHILD_ROWS},
                },
                "additionalProperties": False,
            },
        },
    }
    required = ("entity", "values")

    def errors(
        self, action: dict[str, Any], world: RuleWorld, trigger_spec: EntitySpec | None, path: str
    ) -> Iterable[ErrorDetail]:
        target = world.entity(action["entity"])
        if target is None:
            yield field_error(f"{path}.entity", f"no entity {action['entity']!r}")
            return
        free = ("$steps", "$payload")
        yield from values_errors(action["values"], target, trigger_spec, f"{path}.values", free)
        for index, group in enumerate(action.get("children", [])):
            where = f"{path}.children.{index}"
            child = world.entity(group["entity"])
            if child is None:
                yield field_error(f"{where}.entity", f"no entity {group['entity']!r}")
                continue
            via = child.live_fields.get(group["via"])
            relation = FIELD_TYPES.get(via.type) if via is not None else None
            if via is None or not isinstance(relation, RelationType) or relation.is_many(via):
                yield field_error(f"{where}.via", f"is not a relation field of {child.key!r}")
            elif relation.target(via) != target.key:
                yield field_error(f"{where}.via", f"points at {relation.target(via)!r}, not at {target.key!r}")
            for row_index, row in enumerate(group["rows"]):
                yield from values_errors(row, child, trigger_spec, f"{where}.rows.{row_index}", (*free, "$created"))

    def run(self, ctx: ActionContext, action: dict[str, Any]) -> dict[str, Any]:
        values = ctx.compute_values(action["values"], "values")
        created = create_record(ctx.tx, action["entity"], values)
        children: dict[str, list[Any]] = {}
        for index, group in enumerate(action.get("children", [])):
            for row_index, row in enumerate(group["rows"]):
                row_values = ctx.compute_values(row, f"children.{index}.rows.{row_index}", {"$created": created})
                child = create_record(ctx.tx, group["entity"], {**row_values, group["via"]: created["id"]})
                children.setdefault(group["entity"], []).append(child["id"])
        if "name" in action:
            ctx.data["$steps"][action["name"]] = {**created, "_entity": action["entity"]}
        return {"entity": action["entity"], "id": created["id"], "values": values, "children": children}


class UpdateRelated(ActionType):
    """Update records related to the trigger record: through one of its relation fields
    (``"relation": "company"``) or records pointing at it (``"relation": "task.project"``),
    narrowed by ``where`` (JsonLogic over the related records, compiled to SQL; it may read
    the trigger record as ``$record.*``). Values may read the related record as ``$target``."""

    type = "update_related"
    needs_record = True
    properties = {
        "relation": {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,62}(\\.[a-z][a-z0-9_]{0,62})?$"},
        "where": {},
        "values": {**VALUES, "minProperties": 1},
    }
    required = ("relation", "values")
    acts_on_deleted = True

    def errors(
        self, action: dict[str, Any], world: RuleWorld, trigger_spec: EntitySpec | None, path: str
    ) -> Iterable[ErrorDetail]:
        if trigger_spec is None:
            return
        target, problem = related_entity(world, trigger_spec, action["relation"])
        if target is None:
            yield field_error(f"{path}.relation", problem)
            return
        yield from values_errors(action["values"], target, trigger_spec, f"{path}.values", ("$steps", "$target"))
        if "where" in action:
            yield from logic_errors(action["where"], target, f"{path}.where", free=BOUND_NAMES)

    def run(self, ctx: ActionContext, action: dict[str, Any]) -> dict[str, Any]:
        entity, condition = self._target_filter(ctx, action)
        targets: list[dict[str, Any]] = []
        cursor = None
        while True:
            page = list_records(ctx.tx, entity, ListParams(where=condition, limit=200, cursor=cursor, with_total=False))
            targets.extend(page["items"])
            cursor = page["next_cursor"]
            if cursor is None or len(targets) > MAX_RELATED:
                break
        if len(targets) > MAX_RELATED:
            raise ValidationFailed(
                f"more than {MAX_RELATED} related records match; narrow the rule's where",
                [field_error(f"{ctx.path}.where", "matches too many records")],
            )
        changed = []
        for target in targets:
            values = ctx.compute_values(action["values"], "values", {"$target": target})
            update_record(ctx.tx, entity, target["id"], values)
            changed.append(target["id"])
        return {"entity": entity, "ids": changed}

    @staticmethod
    def _target_filter(ctx: ActionContext, action: dict[str, Any]) -> tuple[str, Any]:
        specs = ctx.tx.runtime.entities.specs(ctx.tx.conn)
        source = specs[ctx.trigger.entity or ""]
        name, _, via = action["relation"].partition(".")
        record = ctx.trigger.record or {}
        if via:  # records of entity `name` whose `via` points at the trigger record
            entity, scope = name, {"==": [{"var": via}, record.get("id")]}
        else:
            fspec = source.live_fields[name]
            relation = FIELD_TYPES.get(fspec.type)
            assert isinstance(relation, RelationType)
            ids = record.get(name)
            ids = ids if isinstance(ids, list) else [ids] if ids is not None else []
            entity, scope = relation.target(fspec), {"in": [{"var": "id"}, ids]}
        if "where" in action:
            scope = {"and": [scope, bind_constants(action["where"], ctx.data)]}
        return entity, scope


def related_entity(world: RuleWorld, spec: EntitySpec, relation: str) -> tuple[EntitySpec | None, str]:
    """The entity ``relation`` leads to from ``spec``, or (None, why not)."""
    name, _, via = relation.partition(".")
    if via:
        child = world.entity(name)
        fspec = child.live_fields.get(via) if child is not None else None
        ftype = FIELD_TYPES.get(fspec.type) if fspec is not None else None
        if child is None or fspec is None or not isinstance(ftype, RelationType) or ftype.target(fspec) != spec.key:
            return None, f"{relation!r} is not a relation of some entity pointing at {spec.key!r}"
        return child, ""
    fspec = spec.live_fields.get(name)
    ftype = FIELD_TYPES.get(fspec.type) if fspec is not None else None
    if fspec is None or not isinstance(ftype, RelationType):
        return None, f"{spec.key!r} has no relation field {name!r}"
    return world.entity(ftype.target(fspec)), ""


def bind_constants(logic: Any, data: dict[str, Any]) -> Any:
    """Replace reads of the trigger's context (``$record.x``, ``$old.x``, ...) with their values,
    so a filter over other records can be compiled to SQL with them as constants."""
    return bind_variables(logic, data, BOUND_NAMES)


class Recompute(ActionType):
    """Recompute rollups and formulas of the trigger record (or of every record of an entity),
    for values whose inputs changed outside the write path (an import, a definition change)."""

    type = "recompute"
    properties = {
        "entity": KEY,
        "fields": {"type": "array", "items": KEY, "maxItems": 100},
        "scope": {"enum": ["record", "all"]},
    }

    def errors(
        self, action: dict[str, Any], world: RuleWorld, trigger_spec: EntitySpec | None, path: str
    ) -> Iterable[ErrorDetail]:
        spec = world.entity(action["entity"]) if "entity" in action else trigger_spec
        if spec is None:
            yield field_error(f"{path}.entity", "name the entity to recompute (this trigger has none)")
            return
        if action.get("scope", "record") == "record" and (trigger_spec is None or spec.key != trigger_spec.key):
            yield field_error(f"{path}.scope", "a record scope recomputes the trigger record: use scope all")
        for index, key in enumerate(action.get("fields", [])):
            fspec = spec.live_fields.get(key)
            if fspec is None or fspec.type not in ("rollup", "formula"):
                yield field_error(f"{path}.fields.{index}", f"{key!r} is not a rollup or formula of {spec.key!r}")

    def run(self, ctx: ActionContext, action: dict[str, Any]) -> dict[str, Any]:
        entity = action.get("entity") or ctx.trigger.entity
        assert entity is not None
        tx = ctx.tx
        spec = tx.runtime.entities.get(tx.conn, entity)
        if action.get("scope", "record") == "record":
            get_record(tx, entity, ctx.record_id())  # the run-as user must be able to read it
            ids = {ctx.record_id()}
        else:
            ids = _all_ids(ctx, entity)
        chosen = set(action.get("fields") or [f.key for f in spec.fields_of_type("rollup", "formula")])
        computed.recompute(tx, spec, ids, [f for f in spec.fields_of_type("rollup", "formula") if f.key in chosen])
        return {"entity": entity, "records": len(ids), "fields": sorted(chosen)}


def _all_ids(ctx: ActionContext, entity: str) -> set[Any]:
    """Every record the run-as user may read (and so recompute)."""
    ids: set[Any] = set()
    cursor = None
    while True:
        page = list_records(ctx.tx, entity, ListParams(fields=["id"], limit=500, cursor=cursor, with_total=False))
        ids.update(item["id"] for item in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            return ids
