"""Approval requests: opening one when a transition needs it, moving it on, ending it.

A request snapshots the transition's approval policy, so editing the workflow does not
change a request already running. While it is pending the record stays in its state and
no other transition of that workflow can be taken; when the last step approves, the
record moves to the transition's target as the last approver's doing. A rejection leaves
it where it was (or moves it to ``on_reject``); a send-back to the requester ends the
request, and the requester takes the transition again when ready.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from ..auth.authorize import permissions
from ..core.context import SYSTEM_ACTOR, Tx
from ..core.sqltypes import utcnow
from ..errors import Conflict, LoomworksError, NotFound
from ..records.access import entity_access
from ..records.query import readable_rows
from ..records.serialize import target_titles
from ..records.service import get_record
from . import log, notices, steps
from .approvers import resolve
from .definition import Transition, Workflow
from .models import approvals, tasks
from .people import names
from .transitions import move, system_view


def request(
    tx: Tx, workflow: Workflow, transition: Transition, record: dict[str, Any], comment: str | None
) -> dict[str, Any]:
    assert transition.approval is not None
    now = utcnow()
    values = {
        "workflow": workflow.key,
        "entity": workflow.entity,
        "record_id": record["id"],
        "transition": transition.key,
        "from_state": record.get(workflow.field),
        "to_state": transition.to,
        "policy": {**transition.approval, "label": transition.label},
        "requested_by": tx.actor.id,
        "comment": comment,
        "status": "pending",
        "step": 0,
        "open_key": f"{workflow.entity}:{record['id']}:{workflow.key}",
        "created_at": now,
    }
    try:
        with tx.conn.begin_nested():
            result = tx.conn.execute(insert(approvals).values(**values))
    except IntegrityError:
        raise Conflict(f"this {workflow.entity} already waits for an approval; decide or withdraw it first") from None
    assert result.inserted_primary_key is not None
    approval = {**values, "id": int(result.inserted_primary_key[0])}
    log.write(
        tx,
        workflow.key,
        workflow.entity,
        record["id"],
        "requested",
        transition=transition.key,
        from_state=values["from_state"],
        to_state=transition.to,
        approval_id=approval["id"],
        comment=comment,
    )
    subject = subject_of(tx, approval, record)
    for index in steps.open_steps(approval):
        steps.open_step(tx, approval, index, record, subject)
    cc = resolve(tx, approval["policy"].get("cc", []), workflow.entity, record, tx.actor.id)
    notices.tell(tx, cc, "cc", subject=subject, comment=comment, by=subject["requester"], key=f"{approval['id']}:cc")
    return describe(tx, load(tx, approval["id"]))


def pending_for(tx: Tx, entity: str, record_id: int, workflow: str) -> dict[str, Any] | None:
    row = (
        tx.conn.execute(
            select(approvals).where(
                approvals.c.entity == entity,
                approvals.c.record_id == record_id,
                approvals.c.workflow == workflow,
                approvals.c.status == "pending",
            )
        )
        .mappings()
        .first()
    )
    return describe(tx, dict(row)) if row is not None else None


def load(tx: Tx, approval_id: Any, lock: bool = False) -> dict[str, Any]:
    """The request's row; locked (``FOR UPDATE``) when it is about to be decided, so two
    decisions on one request happen one after the other and each sees the other's."""
    if isinstance(approval_id, bool) or not isinstance(approval_id, int):
        raise NotFound(f"approval {str(approval_id)[:40]} does not exist")
    query = select(approvals).where(approvals.c.id == approval_id)
    row = tx.conn.execute(query.with_for_update() if lock else query).mappings().first()
    if row is None:
        raise NotFound(f"approval {approval_id} does not exist")
    return dict(row)


def advance(tx: Tx, approval: dict[str, Any], forced: dict[int, str] | None = None) -> None:
    """After a decision: close finished steps, open the next one, or end the request."""
    forced = forced or {}
    results = {index: forced.get(index) or steps.outcome(tx, approval, index) for index in steps.open_steps(approval)}
    if "rejected" in results.values():
        finish(tx, approval, "rejected")
        return
    for index, result in results.items():
        if result == "approved":
            steps.close_pending(tx, approval["id"], "cancelled", index)
    if any(result is None for result in results.values()):
        return
    following = approval["step"] + 1
    if approval["policy"].get("order") != "parallel" and following < len(approval["policy"]["steps"]):
        steps.set_step(tx, approval["id"], following)
        approval = {**approval, "step": following}
        record = system_view(tx, approval["entity"], approval["record_id"])
        steps.open_step(tx, approval, following, record, subject_of(tx, approval, record))
        return
    finish(tx, approval, "approved")


def finish(tx: Tx, approval: dict[str, Any], status: str, comment: str | None = None) -> None:
    """End the request; an approved one moves the record, if it still can (a record deleted,
    or a workflow switched off or changed meanwhile, cancels it instead)."""
    waiting = steps.pending_users(tx, approval["id"])
    steps.close_pending(tx, approval["id"], "cancelled")
    record = _live_record(tx, approval)
    workflow = tx.runtime.workflows.get(tx).get(approval["workflow"])
    transition = workflow.transitions.get(approval["transition"]) if workflow is not None else None
    movable = (
        record is not None
        and workflow is not None
        and workflow.active
        and transition is not None
        and record.get(workflow.field) == approval["from_state"]
    )
    target = {"approved": approval["to_state"], "rejected": approval["policy"].get("on_reject")}.get(status)
    if status == "approved" and not movable:
        status = "cancelled"
    tx.conn.execute(
        update(approvals)
        .where(approvals.c.id == approval["id"])
        .values(status=status, step=-1, open_key=None, decided_at=utcnow())
    )
    log.approval_event(tx, approval, f"approval_{status}", comment=comment)
    if target and movable:
        assert workflow is not None and transition is not None and record is not None
        if status == "approved":
            move(tx, workflow, transition, record, target, comment=None, approval_id=approval["id"])
        else:  # back to on_reject: not the transition that was asked for
            move(tx, workflow, None, record, target, comment=None, approval_id=approval["id"], event="returned")
    named = record or _deleted_record(tx, approval)
    subject = subject_of(tx, approval, named)
    cc = resolve(tx, approval["policy"].get("cc", []), approval["entity"], named or {}, approval["requested_by"])
    told = {approval["requested_by"]} | set(cc) | (waiting if status == "cancelled" else set())
    told -= {tx.actor.id}
    by = tx.actor.name or tx.actor.email
    notices.tell(tx, told, status, subject=subject, comment=comment, by=by, key=f"{approval['id']}:end")


def subject_of(tx: Tx, approval: dict[str, Any], record: dict[str, Any] | None) -> dict[str, Any]:
    """What notices say the request is about: the record's title and the transition's label."""
    spec = tx.runtime.entities.get(tx.conn, approval["entity"])
    title = record.get(spec.title_field) if record and spec.title_field else None
    requester = names(tx, [approval["requested_by"]]).get(approval["requested_by"], {})
    return {
        "entity": approval["entity"],
        "record_id": approval["record_id"],
        "record": str(title) if title not in (None, "") else f"{spec.key} #{approval['record_id']}",
        "action": approval["policy"].get("label") or {"en": approval["transition"]},
        "requester": requester.get("name") or "system",
    }


def describe(tx: Tx, approval: dict[str, Any]) -> dict[str, Any]:
    rows = [
        dict(r)
        for r in tx.conn.execute(
            select(tasks).where(tasks.c.approval_id == approval["id"]).order_by(tasks.c.step, tasks.c.id)
        ).mappings()
    ]
    people = names(tx, [approval["requested_by"], *(r["user_id"] for r in rows)])
    policy = approval["policy"]
    open_now = steps.open_steps(approval)
    described_steps = []
    for index, step in enumerate(policy["steps"]):
        mode, quorum = steps.mode_of(policy, index)
        latest = max((r["round"] for r in rows if r["step"] == index), default=0)
        described_steps.append(
            {
                "index": index,
                "key": step.get("key"),
                "label": step.get("label"),
                "mode": mode,
                "quorum": quorum if mode == "quorum" else None,
                "open": index in open_now,
                "tasks": [_task(r, people) for r in rows if r["step"] == index and r["round"] == latest],
            }
        )
    mine = [r["id"] for r in rows if r["user_id"] == tx.actor.id and r["status"] == "pending" and r["step"] in open_now]
    involved = tx.actor.id is not None and (
        tx.actor.id == approval["requested_by"] or any(r["user_id"] == tx.actor.id for r in rows)
    )
    shows_states = involved or _state_readable(tx, approval)
    return {
        "id": approval["id"],
        "workflow": approval["workflow"],
        "entity": approval["entity"],
        "record_id": approval["record_id"],
        "record_title": _title(tx, approval, involved),
        "transition": approval["transition"],
        "label": policy.get("label"),
        "from": approval["from_state"] if shows_states else None,
        "to": approval["to_state"] if shows_states else None,
        "status": approval["status"],
        "requested_by": people.get(approval["requested_by"]),
        "comment": approval["comment"],
        "created_at": approval["created_at"].isoformat(),
        "decided_at": approval["decided_at"].isoformat() if approval["decided_at"] else None,
        "order": policy.get("order", "sequential"),
        "steps": described_steps,
        "my_task": mine[0] if mine else None,
    }


def _title(tx: Tx, approval: dict[str, Any], involved: bool) -> str | None:
    """The record's title, for the to-do list: its people see it (they are asked about that
    record); anyone else as the record's read rules show it to them (or null)."""
    titles = target_titles(
        tx.conn,
        tx.runtime.tables_by_key,
        approval["entity"],
        {approval["record_id"]},
        include_deleted=True,
        readable=None if involved or permissions(tx).is_admin else readable_rows(tx),
    )
    return titles.get(approval["record_id"])


def _state_readable(tx: Tx, approval: dict[str, Any]) -> bool:
    """Whether a reader of the record (not part of the request) may see its state field: the
    request's states say what the field holds. A field masked on some rows counts as hidden."""
    if permissions(tx).is_admin:
        return True
    field = log.state_field(tx, approval["workflow"])
    try:
        access = entity_access(tx, tx.runtime.entities.get(tx.conn, approval["entity"]), "read")
    except LoomworksError:
        return False
    return field is not None and field not in access.hidden and field not in access.masks


def _task(row: dict[str, Any], people: dict[int, dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "user": people.get(row["user_id"]),
        "status": row["status"],
        "origin": row["origin"],
        "comment": row["comment"],
        "due_at": row["due_at"].isoformat() if row["due_at"] else None,
        "decided_at": row["decided_at"].isoformat() if row["decided_at"] else None,
    }


def _live_record(tx: Tx, approval: dict[str, Any]) -> dict[str, Any] | None:
    try:
        return system_view(tx, approval["entity"], approval["record_id"])
    except NotFound:
        return None


def _deleted_record(tx: Tx, approval: dict[str, Any]) -> dict[str, Any] | None:
    """A record deleted meanwhile, so that notices can still name it."""
    try:
        return get_record(tx.acting_as(SYSTEM_ACTOR), approval["entity"], approval["record_id"], include_deleted=True)
    except NotFound:
        return None
