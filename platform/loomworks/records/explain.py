"""Explaining access to one record: which grants' row scopes cover it for a given user.

``auth.policy.explain_access`` answers for an entity and action; with a record id the
answer also says whether that record falls inside a scope that grants the action. The
scopes are compiled as the *explained* user (``$user`` is them, not the admin asking).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ..auth import policy, users
from ..core.context import Tx
from ..errors import Forbidden, NotFound
from .access import covering_grants, entity_access


def explain_record(tx: Tx, user_id: int | None, entity: str, action: str, record_id: int | None) -> dict[str, Any]:
    result = policy.explain_access(tx, user_id, entity, action)  # checks the caller is an admin
    if record_id is None:
        return result
    spec = tx.runtime.entities.get(tx.conn, entity)
    table = tx.runtime.tables_for(spec).main
    if tx.conn.execute(select(table.c.id).where(table.c.id == record_id)).first() is None:
        raise NotFound(f"{entity} {record_id} does not exist", data={"entity": entity, "id": record_id})
    subject = users.actor_for(users.get_user(tx.conn, user_id)) if user_id else tx.actor
    as_subject = Tx(conn=tx.conn, actor=subject, runtime=tx.runtime)
    try:
        covering = covering_grants(as_subject, entity_access(as_subject, spec, action), table, record_id)
    except Forbidden:
        covering = []
    roles = sorted({grant.role for grant in covering})
    result["record"] = {"id": record_id, "covered_by": roles}
    if covering:
        result["reason"] += f"; {entity} {record_id} is inside the scope of {', '.join(roles)}"
    elif result.get("allowed"):
        result["reason"] += f"; but {entity} {record_id} is outside every scope that grants {action}"
    result["allowed"] = bool(covering)
    return result
