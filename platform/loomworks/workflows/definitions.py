"""``/api/meta/workflows``: workflow definitions, stored and versioned like every definition.

Saving an active workflow does, in the save's transaction:

* refuses a second active workflow on the same field, and a transition key another active
  workflow of the entity already uses (``POST .../transitions/{key}`` must mean one thing);
* adds each state the select field lacks as a choice (labelled and coloured like the
  state), which shows as an entity revision like any other change;
* moves existing rows into states: empty values take the initial state, values listed in
  ``map`` take theirs, and values that are neither states nor mapped refuse the save
  with a 422 naming each value and how many rows hold it (nothing is guessed). Each moved
  row gets a version and a history entry, as any change does.

Switching a workflow off (or deleting it) cancels its pending approval requests, telling
the people involved; the field is then free to change.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update

from ..automation.definitions import rule_world
from ..core.context import Tx
from ..core.sqltypes import utcnow
from ..errors import Conflict, ValidationFailed, field_error
from ..fields.entity import EntitySpec
from ..meta import documents, entities, store
from ..records.computed import refresh_formulas, refresh_rollups, rollups_over
from ..records.history import write_history
from .definition import KIND, Workflow, validate_workflow
from .models import approvals


def _validated(tx: Tx, doc: dict[str, Any]) -> dict[str, Any]:
    return validate_workflow(doc, rule_world(tx))


def _after_save(tx: Tx, before: store.StoredDefinition | None, after: store.StoredDefinition) -> None:
    workflow = Workflow(after.key, after.version, after.effective)
    if after.deleted or not workflow.active:
        _cancel_pending(tx, workflow)
        return
    _check_unique(tx, workflow)
    spec = _add_missing_choices(tx, workflow)
    _move_rows_into_states(tx, workflow, spec)


WORKFLOWS = documents.DocumentKind(KIND, _validated, _after_save)


def _check_unique(tx: Tx, workflow: Workflow) -> None:
    for other in store.list_definitions(tx.conn, KIND):
        doc = other.effective
        if other.key == workflow.key or doc["entity"] != workflow.entity or not doc.get("active", True):
            continue
        if doc["field"] == workflow.field:
            raise Conflict(
                f"workflow {other.key!r} already guards {workflow.entity}.{workflow.field}; switch it off first",
                [field_error("field", f"is guarded by {other.key!r}")],
            )
        taken = {t["key"] for t in doc["transitions"]} & set(workflow.transitions)
        for index, key in enumerate(workflow.transitions):
            if key in taken:
                raise Conflict(
                    f"workflow {other.key!r} of {workflow.entity!r} already has a transition {key!r}",
                    [field_error(f"transitions.{index}.key", f"is taken by {other.key!r}")],
                )


def _add_missing_choices(tx: Tx, workflow: Workflow) -> EntitySpec:
    spec: EntitySpec = tx.runtime.entities.get(tx.conn, workflow.entity)
    fspec = spec.live_fields[workflow.field]
    choices = list(fspec.options.get("choices", []))
    have = {c["value"] for c in choices}
    missing = [s for s in workflow.states.values() if s["key"] not in have]
    if not missing:
        return spec
    for state in missing:
        choice: dict[str, Any] = {"value": state["key"], "label": state.get("label") or {"en": state["key"]}}
        if "color" in state:
            choice["color"] = state["color"]
        choices.append(choice)
    entities.update_field(tx, spec.key, fspec.key, {"options": {**fspec.options, "choices": choices}})
    updated: EntitySpec = tx.runtime.entities.get(tx.conn, workflow.entity)
    return updated


def _move_rows_into_states(tx: Tx, workflow: Workflow, spec: EntitySpec) -> None:
    table = tx.runtime.tables_for(spec).main
    column = table.c[workflow.field]
    held = tx.conn.execute(select(column, func.count()).group_by(column)).all()  # deleted rows too
    mapping = dict(workflow.doc.get("map", {}))
    unmapped = [(v, n) for v, n in held if v is not None and v not in workflow.states and v not in mapping]
    if unmapped:
        raise ValidationFailed(
            f"existing {spec.key} rows hold values that are not states of {workflow.key!r}; map them to states",
            [
                field_error(f"map.{value}", f"{count} row(s) hold {value!r}: map it to a state")
                for value, count in unmapped
            ],
        )
    # Deleted rows move too, so a restored record comes back in a state.
    moves: dict[Any, str] = {value: state for value, state in mapping.items() if value not in workflow.states}
    moves[None] = workflow.initial
    moved: set[Any] = set()
    for old, new in moves.items():
        condition = column.is_(None) if old is None else column == old
        rows = tx.conn.execute(select(table.c.id, table.c.version).where(condition)).all()
        moved |= {row.id for row in rows}
        for row in rows:
            tx.conn.execute(
                update(table)
                .where(table.c.id == row.id)
                .values({workflow.field: new, "version": row.version + 1, "updated_at": utcnow()})
            )
            write_history(
                tx.conn, spec.key, row.id, row.version + 1, "update", {workflow.field: [old, new]}, tx.actor.id
            )
    _refresh_computed(tx, spec, moved)


def _refresh_computed(tx: Tx, spec: EntitySpec, moved: set[Any]) -> None:
    """Formulas of the moved rows and rollups over them follow the new values, as after any
    write; rules do not fire: mapping values to states is a migration, not a business event."""
    if not moved:
        return
    refresh_formulas(tx, spec, moved)
    table = tx.runtime.tables_for(spec).main
    vias = {f.options["via"] for _, f in rollups_over(tx.runtime.entities.specs(tx.conn), spec.key)}
    parents: dict[str, set[Any]] = {via: set() for via in vias if via in table.c}
    ids = sorted(moved)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for via in parents:
            parents[via] |= set(tx.conn.execute(select(table.c[via]).where(table.c.id.in_(chunk))).scalars())
    refresh_rollups(tx, spec, parents)


def _cancel_pending(tx: Tx, workflow: Workflow) -> None:
    from .approvals import finish

    rows = tx.conn.execute(
        select(approvals).where(approvals.c.workflow == workflow.key, approvals.c.status == "pending")
    ).mappings()
    for row in [dict(r) for r in rows]:
        finish(tx, row, "cancelled", "the workflow was switched off")


def list_workflows(tx: Tx, include_deleted: bool = False) -> list[dict[str, Any]]:
    return documents.list_documents(tx, WORKFLOWS, include_deleted)


def get_workflow(tx: Tx, key: str) -> dict[str, Any]:
    return documents.get_document(tx, WORKFLOWS, key)


def create_workflow(tx: Tx, doc: Any, address: str | None = None) -> dict[str, Any]:
    return documents.create_document(tx, WORKFLOWS, doc, address)


def replace_workflow(tx: Tx, key: str, doc: Any, address: str | None = None) -> dict[str, Any]:
    return documents.replace_document(tx, WORKFLOWS, key, doc, address)


def patch_workflow(tx: Tx, key: str, patch: Any, address: str | None = None) -> dict[str, Any]:
    return documents.patch_document(tx, WORKFLOWS, key, patch, address)


def delete_workflow(tx: Tx, key: str, address: str | None = None) -> dict[str, Any]:
    return documents.delete_document(tx, WORKFLOWS, key, address)


def restore_workflow(tx: Tx, key: str, address: str | None = None) -> dict[str, Any]:
    return documents.restore_document(tx, WORKFLOWS, key, address)
