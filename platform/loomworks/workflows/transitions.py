"""Taking transitions: what the caller may take now, and taking one.

Who may take a transition: an admin; else anyone holding one of its ``roles`` or named in
one of its ``user_fields``; a transition naming neither is open to whoever may update the
record. In every case the caller must be able to read the record (otherwise it is a 404,
as everywhere), and the guard must hold on the record as it would be with the fields the
transition asks for.

The record's row is locked (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite has one
writer anyway) before anything is decided, so of two people taking transitions on one
record at once, the second sees the first's outcome and gets a 409. The state and the
transition's fields are written as the builder configured (the taker needs no update
grant on the field, which the workflow guards), through the records service, so history,
formulas, rollups and rules follow as for any write.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ..auth.authorize import permissions
from ..automation.people import users_in_fields
from ..core.context import SYSTEM_ACTOR, Tx
from ..errors import Conflict, Forbidden, LoomworksError, NotFound, ValidationFailed, field_error
from ..fields.entity import EntitySpec
from ..logic.evaluator import LogicError, evaluate
from ..logic.jsvalues import truthy
from ..records.access import covering_grants, entity_access
from ..records.computed import logic_context
from ..records.integrity import stale_version
from ..records.service import get_record, update_record
from . import log
from .definition import Transition, Workflow
from .guard import moving

MAX_COMMENT = 5000
BODY_KEYS = ("comment", "fields", "_version")


def list_transitions(tx: Tx, entity: str, record_id: Any) -> dict[str, Any]:
    """The record's state in each active workflow, and what the caller may take from it now.

    A record of an entity without a workflow simply offers nothing (empty lists, not a 404):
    the record page asks every record the same question."""
    readable = get_record(tx, entity, record_id)  # the caller may read it, or it is a 404
    record = system_view(tx, entity, record_id)
    from .approvals import pending_for

    result: list[dict[str, Any]] = []
    items: list[dict[str, Any]] = []
    for workflow in tx.runtime.workflows.get(tx).active_on(entity):
        pending = pending_for(tx, entity, record_id, workflow.key)
        state = record.get(workflow.field)
        open_now = [] if pending else offered(tx, workflow, record)
        items += open_now
        result.append(
            {
                "workflow": workflow.key,
                "field": workflow.field,
                "state": describe_state(workflow, state) if workflow.field in readable else None,
                "items": open_now,
                "approval": pending,
            }
        )
    return {"items": items, "workflows": result}


def offered(tx: Tx, workflow: Workflow, record: dict[str, Any]) -> list[dict[str, Any]]:
    """Transitions from the record's state that the caller may take, guards considered: one
    whose guard fails only on fields its own form asks for is listed with ``guard_met: false``
    (the form is where the taker supplies them; taking it checks the guard with them)."""
    listed = []
    for transition in workflow.from_state(record.get(workflow.field)):
        reason = refusal(tx, workflow, transition, record)
        if reason is None or (reason == "guard" and transition.guard_reads_form):
            listed.append(describe_transition(workflow, transition, guard_met=reason is None))
    return listed


def take(tx: Tx, entity: str, record_id: Any, key: str, body: Any) -> tuple[dict[str, Any], bool]:
    """Take transition ``key``: (the record, False), or (``{approval}``, True) when it waits for approval."""
    comment, fields, version = _parse_body(body)
    readable = get_record(tx, entity, record_id)
    spec = tx.runtime.entities.get(tx.conn, entity)
    _lock(tx, spec, record_id)
    record = system_view(tx, entity, record_id)
    workflow, transition = _find(tx, entity, key)
    if version is not None and version != record["_version"]:
        raise stale_version(record["_version"])
    if not may_take(tx, workflow, transition, record):
        raise Forbidden(f"you may not take {key!r} on this {entity}")
    from .approvals import pending_for, request

    pending = pending_for(tx, entity, record_id, workflow.key)
    if pending is not None:
        raise Conflict(
            f"this {entity} waits for approval of {pending['transition']!r}; decide or withdraw that first",
            data={"approval": pending["id"]},
        )
    if record.get(workflow.field) not in transition.sources:
        raise _wrong_state(tx, workflow, transition, record, workflow.field in readable)
    _check_form(transition, comment, fields)
    if fields:  # written first, so the guard sees the values as stored; a refusal rolls them back
        _write_fields(tx, entity, record, fields)
        record = system_view(tx, entity, record_id)
    if not _guard_holds(tx, transition, record):
        raise ValidationFailed(
            f"the conditions of {key!r} are not met by this {entity}",
            [field_error("guard", "is not met")],
        )
    if transition.approval is not None:
        return {"approval": request(tx, workflow, transition, record, comment)}, True
    move(tx, workflow, transition, record, transition.to, comment=comment, fields=fields)
    return reader_view(tx, entity, record_id), False


def move(
    tx: Tx,
    workflow: Workflow,
    transition: Transition | None,
    record: dict[str, Any],
    to: str,
    *,
    comment: str | None,
    fields: dict[str, Any] | None = None,
    approval_id: int | None = None,
    event: str = "transitioned",
) -> None:
    """Put the record in state ``to``, log it, and run the rules listening for transitions.

    ``transition`` is None when no transition was taken: a rejected request returning the
    record to its ``on_reject`` state (rules naming a transition do not fire for it)."""
    entity, record_id = workflow.entity, record["id"]
    before = record.get(workflow.field)
    with moving(tx, entity, record_id):
        update_record(tx, entity, record_id, {workflow.field: to}, record["_version"], system=True, cause="write")
    log.write(
        tx,
        workflow.key,
        entity,
        record_id,
        event,
        transition=transition.key if transition else None,
        from_state=before,
        to_state=to,
        approval_id=approval_id,
        comment=comment,
        data={"fields": fields} if fields else None,
    )
    from .automation import announce_transition

    announce_transition(tx, workflow, transition, record, to, comment, approval_id)


def refusal(tx: Tx, workflow: Workflow, transition: Transition, record: dict[str, Any]) -> str | None:
    """Why the caller may not take ``transition`` on ``record`` (``"who"``, ``"guard"``), or None."""
    if not may_take(tx, workflow, transition, record):
        return "who"
    return None if _guard_holds(tx, transition, record) else "guard"


def _guard_holds(tx: Tx, transition: Transition, record: dict[str, Any]) -> bool:
    """The guard on the record (a guard that cannot be evaluated on it does not hold)."""
    if transition.guard is None:
        return True
    try:
        return truthy(evaluate(transition.guard, {**record, **logic_context(tx)}))
    except LogicError:
        return False


def may_take(tx: Tx, workflow: Workflow, transition: Transition, record: dict[str, Any]) -> bool:
    """Admins may; a rule acting as its own system user may where its grants let it update the
    record; people hold one of the roles or are named in one of the user fields."""
    grants = permissions(tx)
    if grants.is_admin:
        return True
    if tx.actor.automated or (not transition.roles and not transition.user_fields):
        return _may_update(tx, workflow.entity, record["id"])
    if set(transition.roles) & grants.roles:
        return True
    if transition.user_fields and tx.actor.id is not None:
        return tx.actor.id in users_in_fields(tx, workflow.entity, record, transition.user_fields)
    return False


def _may_update(tx: Tx, entity: str, record_id: int) -> bool:
    spec = tx.runtime.entities.get(tx.conn, entity)
    try:
        access = entity_access(tx, spec, "update")
    except LoomworksError:
        return False
    return bool(covering_grants(tx, access, tx.runtime.tables_for(spec).main, record_id))


def describe_state(workflow: Workflow, state: Any) -> dict[str, Any] | None:
    if state not in workflow.states:
        return None if state is None else {"key": state, "label": {"en": str(state)}, "category": None}
    doc = workflow.states[state]
    return {
        "key": state,
        "label": doc.get("label") or {"en": state},
        "color": doc.get("color"),
        "category": doc["category"],
    }


def describe_transition(workflow: Workflow, transition: Transition, *, guard_met: bool = True) -> dict[str, Any]:
    spec_fields = transition.fields
    return {
        "key": transition.key,
        "workflow": workflow.key,
        "label": transition.label,
        "to": describe_state(workflow, transition.to),
        "fields": [{"key": key, "required": required} for key, required in spec_fields],
        "comment": "required" if transition.comment_required else "optional",
        "approval": transition.approval is not None,
        "guard_met": guard_met,
    }


def system_view(tx: Tx, entity: str, record_id: Any) -> dict[str, Any]:
    """The whole record, as rules and guards see it (the caller's own view decides nothing here)."""
    return get_record(tx.acting_as(SYSTEM_ACTOR), entity, record_id)


def reader_view(tx: Tx, entity: str, record_id: Any) -> dict[str, Any]:
    try:
        return get_record(tx, entity, record_id)
    except (Forbidden, NotFound):  # moved outside what the caller may read
        return {"id": record_id}


def _workflows(tx: Tx, entity: str) -> list[Workflow]:
    workflows = tx.runtime.workflows.get(tx).active_on(entity)
    if not workflows:
        raise NotFound(f"{entity!r} has no active workflow", data={"entity": entity})
    return list(workflows)


def _find(tx: Tx, entity: str, key: str) -> tuple[Workflow, Transition]:
    for workflow in _workflows(tx, entity):
        if key in workflow.transitions:
            return workflow, workflow.transitions[key]
    raise NotFound(f"no transition {key[:100]!r} on {entity!r}", data={"transition": key[:100]})


def _lock(tx: Tx, spec: EntitySpec, record_id: Any) -> None:
    table = tx.runtime.tables_for(spec).main
    tx.conn.execute(select(table.c.id).where(table.c.id == record_id).with_for_update()).first()


def _parse_body(body: Any) -> tuple[str | None, dict[str, Any], int | None]:
    if body is None:
        body = {}
    if not isinstance(body, dict):
        raise ValidationFailed("the body must be an object", [field_error("body", "must be an object")])
    problems = [field_error(str(k)[:100], "unknown property") for k in sorted(map(str, body)) if k not in BODY_KEYS]
    comment = body.get("comment")
    if comment is not None and (not isinstance(comment, str) or len(comment) > MAX_COMMENT):
        problems.append(field_error("comment", f"must be text of at most {MAX_COMMENT} characters"))
    fields = body.get("fields", {})
    if not isinstance(fields, dict):
        problems.append(field_error("fields", "must be an object of field values"))
    version = body.get("_version")
    if version is not None and (isinstance(version, bool) or not isinstance(version, int)):
        problems.append(field_error("_version", "must be an integer"))
    if problems:
        raise ValidationFailed("the transition request is invalid", problems)
    return (comment.strip() or None) if isinstance(comment, str) else None, dict(fields), version


def _write_fields(tx: Tx, entity: str, record: dict[str, Any], fields: dict[str, Any]) -> None:
    """The transition's small form, written as configured; a bad value names ``fields.<key>``."""
    try:
        update_record(tx, entity, record["id"], fields, record["_version"], system=True, cause="write")
    except ValidationFailed as exc:
        details = [field_error(f"fields.{d.field}" if d.field else "fields", d.message) for d in exc.details]
        raise ValidationFailed(exc.message, details) from None


def _wrong_state(
    tx: Tx, workflow: Workflow, transition: Transition, record: dict[str, Any], state_visible: bool
) -> Conflict:
    """The 409 of a transition that does not leave the record's state; the state is named only
    to a caller who may see the field."""
    open_now = [t["key"] for t in offered(tx, workflow, record)]
    if not state_visible:
        return Conflict(
            f"{transition.key!r} does not leave this {workflow.entity}'s current state",
            data={"transitions": open_now},
        )
    state = record.get(workflow.field)
    return Conflict(
        f"this {workflow.entity} is in {state!r}; {transition.key!r} does not leave that state",
        [field_error(workflow.field, f"is {state!r}")],
        data={"state": state, "transitions": open_now},
    )


def _check_form(transition: Transition, comment: str | None, fields: dict[str, Any]) -> None:
    asked = dict(transition.fields)
    problems = [field_error(f"fields.{k[:100]}", "is not asked by this transition") for k in fields if k not in asked]
    for key, required in transition.fields:
        if required and fields.get(key) in (None, "", []):
            problems.append(field_error(f"fields.{key}", "is required to take this transition"))
    if transition.comment_required and not comment:
        problems.append(field_error("comment", "is required to take this transition"))
    if problems:
        raise ValidationFailed(f"{transition.key!r} needs more information", problems)
