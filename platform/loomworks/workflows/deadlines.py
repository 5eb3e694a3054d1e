"""Due times of approval steps, checked on every tick of the automation worker.

A step with ``due`` gives each of its tasks a deadline (and, with ``remind_before``, a
reminder time). On a tick, each reminder and each deadline that has passed is claimed
with a conditional UPDATE (``WHERE reminded_at IS NULL`` / ``due_handled_at IS NULL``), so
with several workers each happens exactly once; each request is handled in a transaction
of its own, so one failing does not hold up the others. When a deadline passes, the
step's ``on_due`` decides:

* ``remind`` (the default): the approvers are told the request is overdue;
* ``escalate``: the overdue task passes to ``escalate_to`` (default: the approver's
  manager; failing that, the admins), who are told; the new task has no deadline, so
  escalation happens once;
* ``approve`` / ``reject``: the step is decided automatically, as the system.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from ..core.context import SYSTEM_ACTOR, Tx
from ..core.sqltypes import utcnow
from . import log, notices, steps
from .approvals import advance, load, subject_of
from .approvers import admins, managers_of, resolve
from .models import tasks
from .transitions import system_view

logger = logging.getLogger(__name__)


def tick(runtime: Any, now: datetime | None = None) -> int:
    """Handle every reminder and deadline that has come; returns how many tasks were handled."""
    now = now or utcnow()
    with runtime.transaction(SYSTEM_ACTOR, write=False) as tx:
        reminders = _due_ids(tx, tasks.c.remind_at, tasks.c.reminded_at, now)
        deadlines = _due_ids(tx, tasks.c.due_at, tasks.c.due_handled_at, now)
    handled = 0
    for approval_id in sorted(set(reminders) | set(deadlines)):
        try:
            with runtime.transaction(SYSTEM_ACTOR) as tx:
                handled += _remind(tx, approval_id, reminders.get(approval_id, []), now)
                handled += _on_due(tx, approval_id, deadlines.get(approval_id, []), now)
        except Exception:  # one broken request must not stop the others
            logger.exception("deadline handling of approval %s failed", approval_id)
    return handled


def _due_ids(tx: Tx, when: Any, done: Any, now: datetime) -> dict[int, list[int]]:
    rows = tx.conn.execute(
        select(tasks.c.approval_id, tasks.c.id).where(tasks.c.status == "pending", when <= now, done.is_(None))
    )
    found: dict[int, list[int]] = {}
    for approval_id, task_id in rows:
        found.setdefault(approval_id, []).append(task_id)
    return found


def _claim(tx: Tx, task_ids: list[int], done: Any, now: datetime) -> list[dict[str, Any]]:
    claimed = []
    for task_id in task_ids:
        moved = tx.conn.execute(
            update(tasks).where(tasks.c.id == task_id, tasks.c.status == "pending", done.is_(None)).values({done: now})
        )
        if moved.rowcount:
            claimed.append(dict(tx.conn.execute(select(tasks).where(tasks.c.id == task_id)).mappings().one()))
    return claimed


def _remind(tx: Tx, approval_id: int, task_ids: list[int], now: datetime) -> int:
    if not task_ids:
        return 0
    approval = load(tx, approval_id, lock=True)
    claimed = _claim(tx, task_ids, tasks.c.reminded_at, now)
    if approval["status"] != "pending" or not claimed:
        return len(claimed)
    subject = subject_of(tx, approval, system_view(tx, approval["entity"], approval["record_id"]))
    for task in claimed:
        due = task["due_at"].isoformat(timespec="minutes") if task["due_at"] else ""
        notices.tell(
            tx, [task["user_id"]], "reminder", subject=subject, due=due, key=f"{approval_id}:remind:{task['id']}"
        )
        log.approval_event(tx, approval, "remind", step=task["step"], data={"user": task["user_id"]}, actor_id=None)
    return len(claimed)


def _on_due(tx: Tx, approval_id: int, task_ids: list[int], now: datetime) -> int:
    if not task_ids:
        return 0
    approval = load(tx, approval_id, lock=True)
    claimed = _claim(tx, task_ids, tasks.c.due_handled_at, now)
    if approval["status"] != "pending":
        return len(claimed)
    record = system_view(tx, approval["entity"], approval["record_id"])
    subject = subject_of(tx, approval, record)
    forced: dict[int, str] = {}
    for task in claimed:
        step = approval["policy"]["steps"][task["step"]]
        action = step.get("on_due", "remind")
        due = task["due_at"].isoformat(timespec="minutes")
        if action == "escalate" and _escalate(tx, approval, task, step, record, subject):
            continue
        if action in ("approve", "reject"):
            tx.conn.execute(update(tasks).where(tasks.c.id == task["id"]).values(status="timed_out", decided_at=now))
            forced[task["step"]] = "approved" if action == "approve" else "rejected"
            log.approval_event(
                tx, approval, f"auto_{action}", step=task["step"], data={"user": task["user_id"]}, actor_id=None
            )
            continue
        notices.tell(
            tx, [task["user_id"]], "overdue", subject=subject, due=due, key=f"{approval_id}:overdue:{task['id']}"
        )
        log.approval_event(tx, approval, "overdue", step=task["step"], data={"user": task["user_id"]}, actor_id=None)
    if forced:
        advance(tx, load(tx, approval_id), forced)
    return len(claimed)


def _escalate(
    tx: Tx,
    approval: dict[str, Any],
    task: dict[str, Any],
    step: dict[str, Any],
    record: dict[str, Any],
    subject: dict[str, Any],
) -> bool:
    """Pass the overdue task on; False when there is nobody to pass it to (then it is a reminder)."""
    if "escalate_to" in step:
        targets = resolve(tx, step["escalate_to"], approval["entity"], record, approval["requested_by"])
    else:
        targets = sorted(managers_of(tx, {task["user_id"]})) or admins(tx)
    deciding = set(
        tx.conn.execute(
            select(tasks.c.user_id).where(tasks.c.approval_id == approval["id"], tasks.c.status == "pending")
        ).scalars()
    )
    targets = [t for t in targets if t not in deciding and t != approval["requested_by"]]
    if not targets:
        return False
    tx.conn.execute(update(tasks).where(tasks.c.id == task["id"]).values(status="escalated", decided_at=utcnow()))
    steps.add_tasks(tx, approval, task["step"], task["round"], targets, "escalated", task["id"], due=False)
    log.approval_event(
        tx, approval, "escalate", step=task["step"], data={"from": task["user_id"], "to": targets}, actor_id=None
    )
    notices.tell(tx, targets, "escalated", subject=subject, key=f"{approval['id']}:escalate:{task['id']}")
    return True
