"""``assign``: put a user from a pool into a user field of the trigger record.

Round-robin keeps its position per rule in ``lw_rule_state`` (advanced with one atomic
UPDATE, so two writes at once never hand out the same turn); least-loaded counts the
records of this entity each candidate already holds (optionally only the open ones,
``load_where``) through the aggregate query path, and takes the lowest, ties by user id.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ...errors import ErrorDetail, ValidationFailed, field_error
from ...fields.entity import EntitySpec
from ...records.aggregate import aggregate
from ...records.auto_numbers import next_counter
from ...records.service import update_record
from ..checks import logic_errors
from ..people import people, role_holders
from ..triggers import RuleWorld
from .base import KEY, ActionContext, ActionType
from .records import BOUND_NAMES, bind_constants


class Assign(ActionType):
    type = "assign"
    needs_record = True
    properties = {
        "field": KEY,
        "strategy": {"enum": ["round_robin", "least_loaded"]},
        "pool": {
            "type": "object",
            "properties": {
                "roles": {"type": "array", "items": KEY, "maxItems": 20},
                "users": {"type": "array", "items": {"type": "integer", "minimum": 1}, "maxItems": 500},
            },
            "additionalProperties": False,
            "minProperties": 1,
        },
        "load_where": {},
        "overwrite": {"type": "boolean"},
    }
    required = ("field", "strategy", "pool")

    def errors(
        self, action: dict[str, Any], world: RuleWorld, trigger_spec: EntitySpec | None, path: str
    ) -> Iterable[ErrorDetail]:
        if trigger_spec is None:
            return
        fspec = trigger_spec.live_fields.get(action["field"])
        if fspec is None or fspec.type != "user":
            yield field_error(f"{path}.field", f"{action['field']!r} is not a user field of {trigger_spec.key!r}")
        for index, role in enumerate(action["pool"].get("roles", [])):
            if role not in world.roles:
                yield field_error(f"{path}.pool.roles.{index}", f"no role {role!r}")
        if "load_where" in action:
            yield from logic_errors(action["load_where"], trigger_spec, f"{path}.load_where", free=BOUND_NAMES)

    def run(self, ctx: ActionContext, action: dict[str, Any]) -> dict[str, Any]:
        entity = ctx.trigger.entity
        assert entity is not None
        current = (ctx.trigger.record or {}).get(action["field"])
        if current is not None and not action.get("overwrite", False):
            return {"entity": entity, "id": ctx.record_id(), "kept": current}
        pool = action["pool"]
        wanted = {*pool.get("users", []), *role_holders(ctx.tx.conn, pool.get("roles", []))}
        candidates = [person.id for person in people(ctx.tx.conn, wanted)]
        if not candidates:
            raise ValidationFailed(
                "nobody to assign: the pool has no active user", [field_error(f"{ctx.path}.pool", "is empty")]
            )
        if action["strategy"] == "round_robin":
            chosen = candidates[_next_turn(ctx) % len(candidates)]
        else:
            chosen = _least_loaded(ctx, action, entity, candidates)
        update_record(ctx.tx, entity, ctx.record_id(), {action["field"]: chosen})
        ctx.data[action["field"]] = chosen
        return {"entity": entity, "id": ctx.record_id(), "field": action["field"], "user": chosen}


def _next_turn(ctx: ActionContext) -> int:
    """This rule's next round-robin position (0, 1, 2, ...)."""
    return next_counter(ctx.tx.conn, f"rule:{ctx.rule.key}", f"turn_{ctx.index}") - 1


def _least_loaded(ctx: ActionContext, action: dict[str, Any], entity: str, candidates: list[int]) -> int:
    holding = {"in": [{"var": action["field"]}, candidates]}
    where = {"and": [holding, bind_constants(action["load_where"], ctx.data)]} if "load_where" in action else holding
    groups = aggregate(ctx.tx, entity, [action["field"]], ["count"], where)["groups"]
    load = {group["key"][action["field"]]: group["count"] for group in groups}
    return min(candidates, key=lambda user_id: (load.get(user_id, 0), user_id))
