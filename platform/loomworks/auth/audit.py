"""The audit log: an append-only record of security-relevant events.

Sign-ins (successful or not), token and user changes, definition changes and, later,
exports and grant changes. Entries are written in the transaction of the change they
describe, so a rolled-back change leaves no entry claiming it happened; failed sign-ins
are written on their own (there is no change to roll back). Nothing in the platform
updates or deletes entries; only admins may read them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select

from ..core.context import Actor
from ..core.sqltypes import utcnow
from ..errors import BadRequest, Forbidden, field_error
from .models import audit_log

MAX_PAGE = 500


def record(
    conn: Connection,
    actor: Actor | None,
    action: str,
    target: str | None = None,
    data: dict[str, Any] | None = None,
    address: str | None = None,
) -> None:
    conn.execute(
        insert(audit_log),
        {
            "at": utcnow(),
            "actor_id": actor.id if actor else None,
            "actor_email": actor.email if actor else None,
            "action": action,
            "target": target[:200] if target else None,
            "address": address[:64] if address else None,
            "data": data,
        },
    )


def query(
    conn: Connection,
    actor: Actor,
    *,
    action: str | None = None,
    actor_id: int | None = None,
    before: int | None = None,
    limit: int = 100,
) -> dict[str, Any]:
    """Newest first; ``before`` (an entry id) pages further back."""
    from .policy import permissions_for  # the policy store imports this module

    if not permissions_for(conn, actor).is_admin:  # inherited admin counts too
        raise Forbidden("only admins may read the audit log")
    if not 1 <= limit <= MAX_PAGE:
        raise BadRequest(f"limit must be between 1 and {MAX_PAGE}", [field_error("limit", "out of range")])
    statement = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit + 1)
    if action:
        statement = statement.where(audit_log.c.action == action)
    if actor_id is not None:
        statement = statement.where(audit_log.c.actor_id == actor_id)
    if before is not None:
        statement = statement.where(audit_log.c.id < before)
    rows = [dict(row) for row in conn.execute(statement).mappings()]
    more = len(rows) > limit
    items = [_public(row) for row in rows[:limit]]
    return {"items": items, "next_before": items[-1]["id"] if more and items else None}


def _public(row: dict[str, Any]) -> dict[str, Any]:
    at: datetime = row["at"]
    return {
        "id": row["id"],
        "at": at.isoformat(),
        "actor": {"id": row["actor_id"], "email": row["actor_email"]} if row["actor_id"] else None,
        "action": row["action"],
        "target": row["target"],
        "address": row["address"],
        "data": row["data"],
    }
