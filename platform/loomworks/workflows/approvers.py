"""Who an approval step means: a user, a role's holders, the people in a user field of the
record, or the manager of someone (the requester, or whoever a user field names).

Resolved when a step opens (so a role's membership is read then, and a step that opens
later sees whoever holds the role by that time), into active users only. The requester is
left out unless the approval allows self-approval; a step that leaves nobody falls back to
the admins, so a request never waits for someone who does not exist.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from ..auth.models import users
from ..automation.people import people, role_holders, users_in_fields
from ..core.context import Tx
from ..errors import ValidationFailed, field_error
from .definition import REQUESTER


def resolve(
    tx: Tx, approvers: Iterable[dict[str, Any]], entity: str, record: dict[str, Any], requester: int | None
) -> list[int]:
    """Active user ids named by ``approvers``, in the order named, each once."""
    found: list[int] = []
    for approver in approvers:
        if "user" in approver:
            ids: set[int] = {approver["user"]}
        elif "role" in approver:
            ids = role_holders(tx.conn, [approver["role"]])
        elif "field" in approver:
            ids = users_in_fields(tx, entity, record, [approver["field"]])
        else:
            name = approver["manager_of"]
            subjects = {requester} if name == REQUESTER else users_in_fields(tx, entity, record, [name])
            ids = managers_of(tx, {s for s in subjects if s is not None})
        found += sorted(ids - set(found))
    active = {person.id for person in people(tx.conn, found)}
    return [user_id for user_id in found if user_id in active]


def managers_of(tx: Tx, user_ids: set[int]) -> set[int]:
    if not user_ids:
        return set()
    rows = tx.conn.execute(select(users.c.manager_id).where(users.c.id.in_(user_ids), users.c.manager_id.is_not(None)))
    return {row.manager_id for row in rows}


def admins(tx: Tx) -> list[int]:
    return sorted(person.id for person in people(tx.conn, role_holders(tx.conn, ["admin"])))


def step_approvers(
    tx: Tx,
    approvers: Iterable[dict[str, Any]],
    entity: str,
    record: dict[str, Any],
    requester: int | None,
    self_approval: bool,
    path: str,
) -> tuple[list[int], str]:
    """The approvers of one step and how they were found (``assigned`` or ``fallback``)."""
    chosen = [u for u in resolve(tx, approvers, entity, record, requester) if self_approval or u != requester]
    if chosen:
        return chosen, "assigned"
    chosen = [u for u in admins(tx) if self_approval or u != requester]
    if chosen:
        return chosen, "fallback"
    raise ValidationFailed(
        "nobody can approve this request", [field_error(path, "names no active user other than the requester")]
    )
