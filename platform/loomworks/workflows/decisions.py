"""``POST /api/approvals/{id}``: what the people of a request may do with it.

* approve, reject, send_back (``back_to``: ``previous`` step, the default when there is
  one, or ``requester``): the caller's own pending task in an open step, nobody else's.
* delegate (transfer, ``to``: a user): the caller's task passes to someone else; an admin
  may transfer anyone's task (``task``), for an approver who is away. Transferring is not
  deciding: an admin never approves in someone else's place.
* add_approver (``users``): the caller, an approver of the open step, adds people to it.
* cc (``users``): the requester or an approver lets others know.
* withdraw: the requester (or an admin) takes the request back.

The request's row is locked first, so decisions on one request happen one after the
other: a decision sent twice finds its task no longer pending and is a 409, and the
last of two approvers of an ``all`` step always sees the other's approval.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from ..auth.authorize import permissions
from ..automation.people import people
from ..core.context import Tx
from ..core.sqltypes import utcnow
from ..errors import Conflict, Forbidden, NotFound, ValidationFailed, field_error
from ..fields.base import MAX_RECORD_ID
from . import log, notices, steps
from .approvals import advance, describe, finish, load, subject_of
from .models import tasks
from .transitions import MAX_COMMENT, system_view

DECISIONS = ("approve", "reject", "send_back", "delegate", "add_approver", "cc", "withdraw")
BODY_KEYS = ("decision", "comment", "to", "users", "back_to", "task")
MAX_USERS = 20


def decide(tx: Tx, approval_id: Any, body: Any) -> dict[str, Any]:
    decision, comment = _parse(body)
    approval = load(tx, approval_id, lock=True)
    if not can_see(tx, approval):
        raise NotFound(f"approval {approval_id} does not exist")
    if approval["status"] != "pending":
        raise Conflict(
            f"this request is already {approval['status'].replace('_', ' ')}", data={"status": approval["status"]}
        )
    handler = {
        "approve": _vote,
        "reject": _vote,
        "send_back": _send_back,
        "delegate": _delegate,
        "add_approver": _add_approvers,
        "cc": _cc,
        "withdraw": _withdraw,
    }[decision]
    handler(tx, approval, decision, comment, body)
    return describe(tx, load(tx, approval["id"]))


def can_see(tx: Tx, approval: dict[str, Any]) -> bool:
    """Admins, the requester, anyone with a task on it, and whoever may read the record."""
    if permissions(tx).is_admin or (tx.actor.id is not None and tx.actor.id == approval["requested_by"]):
        return True
    if (
        tx.actor.id is not None
        and tx.conn.execute(
            select(tasks.c.id).where(tasks.c.approval_id == approval["id"], tasks.c.user_id == tx.actor.id).limit(1)
        ).first()
    ):
        return True
    from ..records.service import get_record

    try:
        get_record(tx, approval["entity"], approval["record_id"])
    except (NotFound, Forbidden):
        return False
    return True


def _vote(tx: Tx, approval: dict[str, Any], decision: str, comment: str | None, body: dict[str, Any]) -> None:
    task = _my_task(tx, approval)
    status = "approved" if decision == "approve" else "rejected"
    _close_task(tx, task, status, comment)
    log.approval_event(tx, approval, decision, step=task["step"], comment=comment)
    advance(tx, load(tx, approval["id"]))


def _send_back(tx: Tx, approval: dict[str, Any], decision: str, comment: str | None, body: dict[str, Any]) -> None:
    task = _my_task(tx, approval)
    sequential = approval["policy"].get("order") != "parallel"
    back_to = body.get("back_to", "previous" if sequential and task["step"] > 0 else "requester")
    if back_to not in ("previous", "requester"):
        raise ValidationFailed(
            "send_back goes to the previous step or the requester",
            [field_error("back_to", "must be previous or requester")],
        )
    if back_to == "previous" and not (sequential and task["step"] > 0):
        raise ValidationFailed("there is no previous step", [field_error("back_to", "this is the first step")])
    _close_task(tx, task, "sent_back", comment)
    log.approval_event(tx, approval, decision, step=task["step"], comment=comment, data={"back_to": back_to})
    if back_to == "requester":
        finish(tx, approval, "sent_back", comment)
        return
    steps.close_pending(tx, approval["id"], "cancelled", task["step"])
    previous = task["step"] - 1
    steps.set_step(tx, approval["id"], previous)
    approval = {**approval, "step": previous}
    record = system_view(tx, approval["entity"], approval["record_id"])
    steps.open_step(tx, approval, previous, record, subject_of(tx, approval, record))


def _delegate(tx: Tx, approval: dict[str, Any], decision: str, comment: str | None, body: dict[str, Any]) -> None:
    if "task" in body and permissions(tx).is_admin:
        task = _task_in_open_step(tx, approval, body["task"])
    else:
        task = _my_task(tx, approval)
    target = _users(tx, [body.get("to")] if "to" in body else [], "to")
    if not target:
        raise ValidationFailed("delegate to whom?", [field_error("to", "is required: a user id")])
    if target[0] == tx.actor.id:  # an admin moving a task to themselves would decide in its holder's place
        raise ValidationFailed("a task cannot be passed to yourself", [field_error("to", "is you")])
    if target[0] in steps.deciders(tx, approval["id"], task["step"], task["round"]) or target[0] == task["user_id"]:
        raise Conflict("that person already has this step to decide", [field_error("to", "already an approver")])
    _refuse_requester(approval, target, "to")
    _close_task(tx, task, "delegated", comment)
    _copy_task(tx, approval, task, target, "delegated")
    log.approval_event(
        tx, approval, decision, step=task["step"], comment=comment, data={"from": task["user_id"], "to": target[0]}
    )
    _tell(tx, approval, target, "delegated", comment, f"delegated:{task['id']}")


def _add_approvers(tx: Tx, approval: dict[str, Any], decision: str, comment: str | None, body: dict[str, Any]) -> None:
    task = _my_task(tx, approval)
    deciding = steps.deciders(tx, approval["id"], task["step"], task["round"])
    added = [u for u in _users(tx, body.get("users"), "users") if u not in deciding]
    _refuse_requester(approval, added, "users")
    if not added:
        raise ValidationFailed(
            "add whom?", [field_error("users", "names nobody who is not already deciding this step")]
        )
    steps.add_tasks(tx, approval, task["step"], task["round"], added, "added", task["id"])
    log.approval_event(tx, approval, decision, step=task["step"], comment=comment, data={"users": added})
    _tell(tx, approval, added, "added", comment, f"added:{task['id']}:{','.join(map(str, added))}")


def _cc(tx: Tx, approval: dict[str, Any], decision: str, comment: str | None, body: dict[str, Any]) -> None:
    involved = (
        tx.actor.id == approval["requested_by"]
        or tx.conn.execute(
            select(tasks.c.id).where(tasks.c.approval_id == approval["id"], tasks.c.user_id == tx.actor.id).limit(1)
        ).first()
    )
    if not involved:
        raise Forbidden("only the requester and the approvers may copy others in")
    users = _users(tx, body.get("users"), "users")
    if not users:
        raise ValidationFailed("copy whom?", [field_error("users", "is required: user ids")])
    log.approval_event(tx, approval, decision, comment=comment, data={"users": users})
    _tell(tx, approval, users, "cc", comment, f"cc:{utcnow().timestamp()}")


def _withdraw(tx: Tx, approval: dict[str, Any], decision: str, comment: str | None, body: dict[str, Any]) -> None:
    if tx.actor.id != approval["requested_by"] and not permissions(tx).is_admin:
        raise Forbidden("only the requester may withdraw a request")
    waiting = steps.pending_users(tx, approval["id"], None)
    log.approval_event(tx, approval, decision, comment=comment)
    finish(tx, approval, "withdrawn", comment)
    _tell(tx, approval, sorted(waiting), "withdrawn", comment, "withdrawn")


# --- helpers ---------------------------------------------------------------------------------


def _my_task(tx: Tx, approval: dict[str, Any]) -> dict[str, Any]:
    """The caller's pending task in an open step; a task already decided is a 409."""
    mine = [
        dict(row)
        for row in tx.conn.execute(
            select(tasks)
            .where(tasks.c.approval_id == approval["id"], tasks.c.user_id == tx.actor.id)
            .order_by(tasks.c.id)
        ).mappings()
    ]
    open_now = steps.open_steps(approval)
    for task in mine:
        if task["status"] == "pending" and task["step"] in open_now:
            return task
    if mine:
        raise Conflict("you have already decided your part of this request")
    raise Forbidden("you are not an approver of this request")


def _task_in_open_step(tx: Tx, approval: dict[str, Any], task_id: Any) -> dict[str, Any]:
    row = (
        tx.conn.execute(select(tasks).where(tasks.c.id == task_id, tasks.c.approval_id == approval["id"]))
        .mappings()
        .first()
        if _is_id(task_id)
        else None
    )
    if row is None or row["status"] != "pending" or row["step"] not in steps.open_steps(approval):
        raise ValidationFailed("no such pending task", [field_error("task", "is not a pending task of this request")])
    return dict(row)


def _close_task(tx: Tx, task: dict[str, Any], status: str, comment: str | None) -> None:
    done = tx.conn.execute(
        update(tasks)
        .where(tasks.c.id == task["id"], tasks.c.status == "pending")
        .values(status=status, comment=comment, decided_at=utcnow())
    )
    if done.rowcount == 0:
        raise Conflict("this task was decided meanwhile")


def _copy_task(tx: Tx, approval: dict[str, Any], task: dict[str, Any], users: list[int], origin: str) -> None:
    steps.add_tasks(tx, approval, task["step"], task["round"], users, origin, task["id"], due=False)
    if task["due_at"] is not None:  # the new approver inherits the deadline, not a fresh one
        tx.conn.execute(
            update(tasks)
            .where(tasks.c.origin_task == task["id"], tasks.c.status == "pending")
            .values(due_at=task["due_at"], remind_at=task["remind_at"])
        )


def _refuse_requester(approval: dict[str, Any], users: list[int], path: str) -> None:
    """The requester never decides their own request unless the policy allows self-approval,
    whoever tries to hand it to them."""
    if approval["requested_by"] in users and not approval["policy"].get("self_approval", False):
        raise ValidationFailed(
            "the requester cannot approve their own request",
            [field_error(path, "names the requester, who may not approve this request")],
        )


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_RECORD_ID


def _users(tx: Tx, value: Any, path: str) -> list[int]:
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_USERS:
        raise ValidationFailed(
            "a list of user ids is expected", [field_error(path, f"must list at most {MAX_USERS} user ids")]
        )
    ids = [v for v in value if _is_id(v)]
    active = {person.id for person in people(tx.conn, ids)}
    missing = [v for v in value if not _is_id(v) or v not in active]
    if missing:
        raise ValidationFailed("unknown users", [field_error(path, f"no active user {str(v)[:40]}") for v in missing])
    return list(dict.fromkeys(ids))


def _tell(tx: Tx, approval: dict[str, Any], users: list[int], what: str, comment: str | None, key: str) -> None:
    record = system_view(tx, approval["entity"], approval["record_id"])
    subject = subject_of(tx, approval, record)
    notices.tell(
        tx,
        users,
        what,
        subject=subject,
        comment=comment,
        by=tx.actor.name or tx.actor.email,
        key=f"{approval['id']}:{key}",
    )


def _parse(body: Any) -> tuple[str, str | None]:
    if not isinstance(body, dict):
        raise ValidationFailed("the body must be an object", [field_error("body", "must be an object")])
    problems = [field_error(str(k)[:100], "unknown property") for k in sorted(map(str, body)) if k not in BODY_KEYS]
    decision = body.get("decision")
    if decision not in DECISIONS:
        problems.append(field_error("decision", f"must be one of {', '.join(DECISIONS)}"))
    comment = body.get("comment")
    if comment is not None and (not isinstance(comment, str) or len(comment) > MAX_COMMENT):
        problems.append(field_error("comment", f"must be text of at most {MAX_COMMENT} characters"))
    if problems:
        raise ValidationFailed("the decision is invalid", problems)
    return str(decision), (comment.strip() or None) if isinstance(comment, str) else None
