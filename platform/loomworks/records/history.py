"""Field-level history: every write stores what changed, from what, to what, by whom, when."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert, select

from ..auth.models import users
from ..core.sqltypes import utcnow
from ..fields.entity import EntitySpec
from ..fields.temporal import format_datetime
from .models import record_history


def changes_between(before: dict[str, Any], after: dict[str, Any], keys: list[str]) -> dict[str, list[Any]]:
    """``{field: [before, after]}`` for every key whose JSON value differs."""
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def write_history(
    conn: Connection,
    entity: str,
    record_id: Any,
    version: int,
    action: str,
    changes: dict[str, list[Any]],
    user_id: int | None,
) -> None:
    row = {
        "entity": entity,
        "record_id": record_id,
        "version": version,
        "action": action,
        "changes": changes,
        "user_id": user_id,
        "at": utcnow(),
    }
    conn.execute(insert(record_history), row)  # a constant statement: compiled once, cached


def read_history(conn: Connection, spec: EntitySpec, record_id: Any, limit: int = 200) -> list[dict[str, Any]]:
    """Newest first; changes of fields that are no longer visible are left out."""
    rows = conn.execute(
        select(record_history, users.c.name.label("user_name"), users.c.email.label("user_email"))
        .outerjoin(users, users.c.id == record_history.c.user_id)
        .where(record_history.c.entity == spec.key, record_history.c.record_id == record_id)
        .order_by(record_history.c.id.desc())
        .limit(limit)
    ).mappings()
    visible = set(spec.live_fields) | {"_owner"}
    entries = []
    for row in rows:
        changes = {
            key: {"before": pair[0], "after": pair[1]} for key, pair in (row["changes"] or {}).items() if key in visible
        }
        entries.append(
            {
                "version": row["version"],
                "action": row["action"],
                "at": format_datetime(row["at"]),
                "user": {"id": row["user_id"], "name": row["user_name"] or row["user_email"]}
                if row["user_id"]
                else None,
                "changes": changes,
            }
        )
    return entries
