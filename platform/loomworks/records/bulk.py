"""Bulk edit, delete and restore: the one write path, once per record, each on its own.

Every record goes through the records service exactly as a single write would (grants,
validation, history, rules), inside a savepoint: a record that fails is reported with
its problems and left unchanged, and the others still change.
"""

from __future__ import annotations

from typing import Any

from ..core.context import Tx
from ..errors import BadRequest, LoomworksError, field_error
from ..fields.base import MAX_RECORD_ID
from .service import delete_record, restore_record, update_record

MAX_BULK = 1000
ACTIONS = ("update", "delete", "restore")


def bulk_change(tx: Tx, entity: str, body: Any) -> dict[str, Any]:
    action, ids, values = _parse(body)
    tx.runtime.entities.get(tx.conn, entity)  # 404 for an unknown entity, before any row
    done, errors = [], []
    for record_id in ids:
        try:
            with tx.savepoint():
                if action == "update":
                    update_record(tx, entity, record_id, values)
                elif action == "delete":
                    delete_record(tx, entity, record_id)
                else:
                    restore_record(tx, entity, record_id)
        except LoomworksError as exc:
            errors.append(
                {
                    "id": record_id,
                    "code": exc.code,
                    "message": exc.message,
                    "details": [d.to_json() for d in exc.details],
                }
            )
        else:
            done.append(record_id)
    return {"action": action, "succeeded": done, "failed": len(errors), "errors": errors}


def _parse(body: Any) -> tuple[str, list[int], dict[str, Any]]:
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object", [field_error("body", "must be an object")])
    unknown = sorted(set(body) - {"action", "ids", "values"})
    if unknown:
        raise BadRequest("unknown properties", [field_error(name, "unknown property") for name in unknown])
    action = body.get("action")
    if action not in ACTIONS:
        raise BadRequest(f"action must be one of {', '.join(ACTIONS)}", [field_error("action", "unknown action")])
    ids = body.get("ids")
    if not isinstance(ids, list) or not 0 < len(ids) <= MAX_BULK or not all(_is_id(i) for i in ids):
        raise BadRequest(f"ids must be a list of 1 to {MAX_BULK} record ids", [field_error("ids", "invalid")])
    values = body.get("values")
    if action == "update" and (not isinstance(values, dict) or not values):
        raise BadRequest("an update needs values", [field_error("values", "must be a non-empty object")])
    if action != "update" and values is not None:
        raise BadRequest(f"a {action} takes no values", [field_error("values", "not allowed here")])
    return action, list(dict.fromkeys(ids)), values or {}


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_RECORD_ID
