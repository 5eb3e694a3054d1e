"""``GET /api/approvals``: the requests waiting for the caller, the ones they asked for, and
(for admins) all of them; ``GET /api/approvals/{id}``: one request with its steps and tasks.

Each person sees only requests they are part of (as requester or approver) unless they
are an admin; ``mine=1`` is the to-do list: requests where the caller has a pending task.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, or_, select

from ..auth.authorize import permissions
from ..automation.paging import check_choice, newest_first
from ..core.context import Tx
from ..errors import NotFound, Unauthorized
from .approvals import describe, load
from .decisions import can_see
from .models import approvals, tasks

STATUSES = ("pending", "approved", "rejected", "sent_back", "withdrawn", "cancelled")


def list_approvals(
    tx: Tx,
    *,
    mine: bool = False,
    requested: bool = False,
    status: str | None = None,
    entity: str | None = None,
    record_id: int | None = None,
    limit: int = 50,
    before: int | None = None,
) -> dict[str, Any]:
    if tx.actor.id is None:
        raise Unauthorized("sign in first")
    check_choice("status", status, STATUSES)
    me = tx.actor.id
    has_task = exists().where(tasks.c.approval_id == approvals.c.id, tasks.c.user_id == me)
    query = select(approvals)
    if mine:
        pending_task = exists().where(
            tasks.c.approval_id == approvals.c.id, tasks.c.user_id == me, tasks.c.status == "pending"
        )
        query = query.where(approvals.c.status == "pending", pending_task)
    if requested:
        query = query.where(approvals.c.requested_by == me)
    if not (mine or requested or permissions(tx).is_admin):
        query = query.where(or_(approvals.c.requested_by == me, has_task))
    if status is not None:
        query = query.where(approvals.c.status == status)
    if entity is not None:
        query = query.where(approvals.c.entity == entity)
    if record_id is not None:
        query = query.where(approvals.c.record_id == record_id)
    return newest_first(tx.conn, query, approvals.c.id, limit, before, lambda row: describe(tx, row))


def get_approval(tx: Tx, approval_id: Any) -> dict[str, Any]:
    if tx.actor.id is None and not tx.actor.is_admin:
        raise Unauthorized("sign in first")
    approval = load(tx, approval_id)
    if not can_see(tx, approval):
        raise NotFound(f"approval {approval_id} does not exist")
    return describe(tx, approval)
