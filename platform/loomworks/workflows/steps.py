"""The steps of an approval: opening one, deciding whether it is over, and moving on.

A step decides by its mode: ``any`` (或签: the first approval or rejection decides),
``all`` (会签: everyone approves; one rejection rejects), ``quorum`` (N approvals; rejected
once N can no longer be reached). Only tasks of the step's latest opening count, and a
task that was delegated, escalated, timed out or cancelled counts through the task that
replaced it (or not at all). Sequential approvals open one step after another; parallel
ones open every step at once and are approved when all are.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, update

from ..automation.triggers import UNITS
from ..core.context import Tx
from ..core.sqltypes import utcnow
from . import log, notices
from .approvers import step_approvers
from .models import approvals, tasks

COUNTED = ("pending", "approved", "rejected")


def mode_of(policy: dict[str, Any], index: int) -> tuple[str, int]:
    step = policy["steps"][index]
    mode = step.get("mode", policy.get("mode", "any"))
    return mode, int(step.get("quorum", policy.get("quorum", 1)))


def open_step(
    tx: Tx, approval: dict[str, Any], index: int, record: dict[str, Any], subject: dict[str, Any]
) -> list[int]:
    """Create the step's tasks (resolving its approvers now), with due times, and tell the approvers."""
    policy = approval["policy"]
    step = policy["steps"][index]
    approvers, origin = step_approvers(
        tx,
        step["approvers"],
        approval["entity"],
        record,
        approval["requested_by"],
        bool(policy.get("self_approval", False)),
        f"approval.steps.{index}.approvers",
    )
    round_ = latest_round(tx, approval["id"], index) + 1
    add_tasks(tx, approval, index, round_, approvers, origin)
    if origin == "fallback":
        log.approval_event(tx, approval, "fallback", step=index, data={"users": approvers}, actor_id=None)
    key = f"{approval['id']}:{index}:{round_}"
    notices.tell(
        tx, approvers, "requested", subject=subject, comment=approval["comment"], by=subject["requester"], key=key
    )
    return approvers


def add_tasks(
    tx: Tx,
    approval: dict[str, Any],
    index: int,
    round_: int,
    user_ids: list[int],
    origin: str,
    origin_task: int | None = None,
    due: bool = True,
) -> None:
    step = approval["policy"]["steps"][index]
    now = utcnow()
    due_at = _after(now, step["due"]) if due and "due" in step else None
    remind_at = due_at - _span(step["remind_before"]) if due_at is not None and "remind_before" in step else None
    for user_id in user_ids:
        tx.conn.execute(
            insert(tasks).values(
                approval_id=approval["id"],
                step=index,
                round=round_,
                user_id=user_id,
                status="pending",
                origin=origin,
                origin_task=origin_task,
                created_at=now,
                due_at=due_at,
                remind_at=remind_at,
            )
        )


def step_tasks(tx: Tx, approval_id: int, index: int) -> list[dict[str, Any]]:
    """Tasks of the step's latest opening."""
    round_ = latest_round(tx, approval_id, index)
    rows = tx.conn.execute(
        select(tasks)
        .where(tasks.c.approval_id == approval_id, tasks.c.step == index, tasks.c.round == round_)
        .order_by(tasks.c.id)
    ).mappings()
    return [dict(row) for row in rows]


def outcome(tx: Tx, approval: dict[str, Any], index: int) -> str | None:
    """``approved``, ``rejected``, or None while the step is still open."""
    mode, quorum = mode_of(approval["policy"], index)
    counted = [t["status"] for t in step_tasks(tx, approval["id"], index) if t["status"] in COUNTED]
    approved, rejected, pending = counted.count("approved"), counted.count("rejected"), counted.count("pending")
    if mode == "any":
        return "approved" if approved else "rejected" if rejected else None
    if mode == "all":
        if rejected:
            return "rejected"
        return "approved" if not pending and approved else None
    need = min(quorum, approved + rejected + pending)
    if approved >= need:
        return "approved"
    return "rejected" if approved + pending < need else None


def open_steps(approval: dict[str, Any]) -> list[int]:
    """The steps being decided now."""
    if approval["status"] != "pending":
        return []
    if approval["policy"].get("order") == "parallel":
        return list(range(len(approval["policy"]["steps"])))
    return [approval["step"]]


def close_pending(tx: Tx, approval_id: int, status: str, index: int | None = None) -> None:
    """Pending tasks that are no longer needed (the step or the request is over)."""
    where = [tasks.c.approval_id == approval_id, tasks.c.status == "pending"]
    if index is not None:
        where.append(tasks.c.step == index)
    tx.conn.execute(update(tasks).where(*where).values(status=status, decided_at=utcnow()))


def pending_users(tx: Tx, approval_id: int, index: int | None = None) -> set[int]:
    """Who still has a decision to make on the request (in step ``index``, or any)."""
    query = select(tasks.c.user_id).where(tasks.c.approval_id == approval_id, tasks.c.status == "pending")
    if index is not None:
        query = query.where(tasks.c.step == index)
    return set(tx.conn.execute(query).scalars())


def deciders(tx: Tx, approval_id: int, index: int, round_: int) -> set[int]:
    """Who is deciding, or has decided, step ``index`` in this round: giving any of them
    another task of the step would let them count twice."""
    query = select(tasks.c.user_id).where(
        tasks.c.approval_id == approval_id,
        tasks.c.step == index,
        tasks.c.round == round_,
        tasks.c.status.in_(("pending", "approved", "rejected", "sent_back")),
    )
    return set(tx.conn.execute(query).scalars())


def latest_round(tx: Tx, approval_id: int, index: int) -> int:
    found = tx.conn.execute(
        select(func.max(tasks.c.round)).where(tasks.c.approval_id == approval_id, tasks.c.step == index)
    ).scalar()
    return int(found or 0)


def _span(duration: dict[str, Any]) -> timedelta:
    return timedelta(seconds=duration["amount"] * UNITS[duration["unit"]])


def _after(moment: datetime, duration: dict[str, Any]) -> datetime:
    return moment + _span(duration)


def set_step(tx: Tx, approval_id: int, index: int) -> None:
    tx.conn.execute(update(approvals).where(approvals.c.id == approval_id).values(step=index))
