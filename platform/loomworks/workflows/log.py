"""The workflow history of a record: transitions and every approval event, who and when.

Read through ``GET /api/records/{entity}/{id}/workflow``, for whoever may read the record;
a person named in an event is shown by name and email, as on the record's field history.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select

from ..auth.models import users
from ..core.context import Tx
from ..core.sqltypes import utcnow
from ..meta import store
from .definition import KIND
from .models import events


def write(
    tx: Tx,
    workflow: str,
    entity: str,
    record_id: int,
    event: str,
    *,
    transition: str | None = None,
    from_state: str | None = None,
    to_state: str | None = None,
    approval_id: int | None = None,
    step: int | None = None,
    comment: str | None = None,
    data: dict[str, Any] | None = None,
    actor_id: int | None | bool = False,
) -> None:
    """One event, by the transaction's actor unless ``actor_id`` says otherwise (None: the system)."""
    tx.conn.execute(
        insert(events).values(
            entity=entity,
            record_id=record_id,
            workflow=workflow,
            event=event,
            transition=transition,
            from_state=from_state,
            to_state=to_state,
            approval_id=approval_id,
            step=step,
            actor_id=tx.actor.id if actor_id is False else actor_id,
            comment=comment,
            data=data,
            at=utcnow(),
        )
    )


def approval_event(
    tx: Tx,
    approval: dict[str, Any],
    event: str,
    *,
    step: int | None = None,
    comment: str | None = None,
    data: dict[str, Any] | None = None,
    actor_id: int | None | bool = False,
) -> None:
    """An event of an approval request, on the record it is about."""
    write(
        tx,
        approval["workflow"],
        approval["entity"],
        approval["record_id"],
        event,
        transition=approval["transition"],
        approval_id=approval["id"],
        step=step,
        comment=comment,
        data=data,
        actor_id=actor_id,
    )


def read(tx: Tx, entity: str, record_id: int, visible: set[str]) -> list[dict[str, Any]]:
    """The record's workflow events as a reader who sees the fields ``visible`` may read them:
    values of other fields (a transition's form, a hidden state field) are left out, as in
    the record's own history."""
    rows = tx.conn.execute(
        select(events, users.c.name, users.c.email)
        .select_from(events.outerjoin(users, users.c.id == events.c.actor_id))
        .where(events.c.entity == entity, events.c.record_id == record_id)
        .order_by(events.c.id)
    ).mappings()
    fields: dict[str, str | None] = {}
    found = []
    for row in rows:
        if row["workflow"] not in fields:
            fields[row["workflow"]] = state_field(tx, row["workflow"])
        found.append(_for_reader(describe(dict(row)), fields[row["workflow"]], visible))
    return found


def state_field(tx: Tx, workflow: str) -> str | None:
    """The field a workflow guards (or guarded: its events outlive a deleted definition)."""
    stored = store.get_definition(tx.conn, KIND, workflow)
    return str(stored.effective["field"]) if stored is not None else None


def _for_reader(event: dict[str, Any], state_field: str | None, visible: set[str]) -> dict[str, Any]:
    if state_field is None or state_field not in visible:
        event["from"] = event["to"] = None
    fields = event["data"].get("fields")
    if isinstance(fields, dict):
        event["data"] = {**event["data"], "fields": {k: v for k, v in fields.items() if k in visible}}
    return event


def describe(row: dict[str, Any]) -> dict[str, Any]:
    actor = {"id": row["actor_id"], "name": row.get("name") or row.get("email"), "email": row.get("email")}
    return {
        "id": row["id"],
        "at": row["at"].isoformat(),
        "workflow": row["workflow"],
        "event": row["event"],
        "transition": row["transition"],
        "from": row["from_state"],
        "to": row["to_state"],
        "approval": row["approval_id"],
        "step": row["step"],
        "user": actor if row["actor_id"] is not None else None,
        "comment": row["comment"],
        "data": row["data"] or {},
    }
