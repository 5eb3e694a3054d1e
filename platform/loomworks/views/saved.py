"""Saved views: a person's named list state (filters, sort, columns) for one entity.

Each belongs to its owner, who alone may change or delete it; a shared one is listed to
everyone who may read the entity. ``state`` is the browser's own JSON object (at most 64 kB);
the server keeps it as it came and never interprets it.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Column, Index, String, Table, UniqueConstraint, or_, select

from ..auth.authorize import authorize, permissions
from ..auth.models import users
from ..core.context import Tx
from ..core.schema import SYSTEM_METADATA
from ..core.sqltypes import UtcDateTime, utcnow
from ..errors import BadRequest, Conflict, Forbidden, NotFound, Unauthorized, field_error
from ..storage.tables import ID_TYPE

MAX_NAME = 100
MAX_STATE_BYTES = 64 * 1024

saved_views = Table(
    "lw_saved_views",
    SYSTEM_METADATA,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("user_id", BigInteger, nullable=False),
    Column("entity", String(63), nullable=False),
    Column("name", String(MAX_NAME), nullable=False),
    Column("state", JSON, nullable=False),
    Column("shared", Boolean, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    UniqueConstraint("user_id", "entity", "name", name="uq_lw_saved_views_name"),
    Index("ix_lw_saved_views_entity", "entity", "shared"),
)


def list_saved_views(tx: Tx, entity: str | None) -> dict[str, Any]:
    me = _me(tx)
    granted = permissions(tx)
    query = select(saved_views, users.c.name.label("owner_name"), users.c.email.label("owner_email")).join(
        users, users.c.id == saved_views.c.user_id
    )
    query = query.where(or_(saved_views.c.user_id == me, saved_views.c.shared.is_(True)))
    if entity:
        query = query.where(saved_views.c.entity == entity)
    rows = tx.conn.execute(query.order_by(saved_views.c.entity, saved_views.c.name, saved_views.c.id)).mappings()
    items = [_item(row, me) for row in rows if row["user_id"] == me or granted.grants_for(row["entity"], "read")]
    return {"items": [item for item in items if item["mine"] or _entity_live(tx, item["entity"])]}


def create_saved_view(tx: Tx, body: Any) -> dict[str, Any]:
    me = _me(tx)
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    entity = body.get("entity")
    if not isinstance(entity, str) or not entity:
        raise BadRequest("entity is required", [field_error("entity", "is required")])
    if not _entity_live(tx, entity):
        raise BadRequest(f"entity {entity[:63]!r} does not exist", [field_error("entity", "unknown entity")])
    authorize(tx, "read", f"entity:{entity}")
    name = _name(body.get("name"))
    state = _state(body.get("state"))
    shared = _shared(body.get("shared", False))
    _refuse_taken(tx, me, entity, name, None)
    now = utcnow()
    values = {"user_id": me, "entity": entity, "name": name, "state": state, "shared": shared}
    new_id = tx.conn.execute(
        saved_views.insert().values(**values, created_at=now, updated_at=now).returning(saved_views.c.id)
    ).scalar_one()
    return _one(tx, new_id, me)


def update_saved_view(tx: Tx, view_id: int, body: Any) -> dict[str, Any]:
    me = _me(tx)
    row = _owned(tx, view_id, me)
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    unknown = [k for k in body if k not in ("name", "state", "shared")]
    if unknown:
        raise BadRequest("unknown properties", [field_error(k[:100], "cannot be changed") for k in unknown])
    changes: dict[str, Any] = {}
    if "name" in body:
        changes["name"] = _name(body["name"])
        _refuse_taken(tx, me, row["entity"], changes["name"], view_id)
    if "state" in body:
        changes["state"] = _state(body["state"])
    if "shared" in body:
        changes["shared"] = _shared(body["shared"])
    if changes:
        tx.conn.execute(saved_views.update().where(saved_views.c.id == view_id).values(**changes, updated_at=utcnow()))
    return _one(tx, view_id, me)


def delete_saved_view(tx: Tx, view_id: int) -> None:
    me = _me(tx)
    _owned(tx, view_id, me)
    tx.conn.execute(saved_views.delete().where(saved_views.c.id == view_id))


# --- helpers ---------------------------------------------------------------------------------


def _me(tx: Tx) -> int:
    if tx.actor.id is None:
        raise Unauthorized("sign in first")
    return int(tx.actor.id)


def _entity_live(tx: Tx, entity: str) -> bool:
    cache = tx.runtime.entities
    return entity in cache.specs(tx.conn) and not cache.is_deleted(entity)


def _owned(tx: Tx, view_id: int, me: int) -> Any:
    """The caller's own saved view; another's shared view of a readable entity is 403, else 404."""
    row = tx.conn.execute(select(saved_views).where(saved_views.c.id == view_id)).mappings().first()
    others = row is not None and row["user_id"] != me
    if row is None or (others and not (row["shared"] and permissions(tx).grants_for(row["entity"], "read"))):
        raise NotFound(f"saved view {view_id} does not exist")
    if row["user_id"] != me:
        raise Forbidden("only its owner may change a saved view")
    return row


def _one(tx: Tx, view_id: int, me: int) -> dict[str, Any]:
    query = (
        select(saved_views, users.c.name.label("owner_name"), users.c.email.label("owner_email"))
        .join(users, users.c.id == saved_views.c.user_id)
        .where(saved_views.c.id == view_id)
    )
    return _item(tx.conn.execute(query).mappings().one(), me)


def _item(row: Any, me: int) -> dict[str, Any]:
    return {
        "id": row["id"],
        "entity": row["entity"],
        "name": row["name"],
        "state": row["state"],
        "shared": bool(row["shared"]),
        "mine": row["user_id"] == me,
        "owner": {"id": row["user_id"], "name": row["owner_name"] or row["owner_email"]},
        "created_at": row["created_at"].isoformat(),
        "updated_at": row["updated_at"].isoformat(),
    }


def _name(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise BadRequest("name is required", [field_error("name", "is required")])
    name = value.strip()
    if len(name) > MAX_NAME:
        raise BadRequest(f"name is at most {MAX_NAME} characters", [field_error("name", "too long")])
    return name


def _state(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BadRequest("state must be a JSON object", [field_error("state", "must be an object")])
    if len(json.dumps(value, ensure_ascii=False).encode()) > MAX_STATE_BYTES:
        raise BadRequest("state is at most 64 kB", [field_error("state", "too large")])
    return value


def _shared(value: Any) -> bool:
    if not isinstance(value, bool):
        raise BadRequest("shared must be true or false", [field_error("shared", "must be a boolean")])
    return value


def _refuse_taken(tx: Tx, me: int, entity: str, name: str, except_id: int | None) -> None:
    query = select(saved_views.c.id).where(
        saved_views.c.user_id == me, saved_views.c.entity == entity, saved_views.c.name == name
    )
    if except_id is not None:
        query = query.where(saved_views.c.id != except_id)
    if tx.conn.execute(query).first() is not None:
        raise Conflict(f"you already have a view named {name!r}", [field_error("name", "already taken")])
