"""The records service: the only way records change.

authorize → coerce and validate (``prepare``) → defaults, auto-numbers, formulas →
write with a version check → child rows and links → rollups → history. Everything
runs on the caller's transaction (``Tx``), so an API call, an import row or a
rule action either fully happens or not at all.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from ..auth.authorize import authorize
from ..core.context import Tx
from ..core.sqltypes import utcnow
from ..errors import Conflict, Forbidden, NotFound, Unauthorized, ValidationFailed, field_error
from ..fields.base import MAX_RECORD_ID
from ..fields.entity import EntitySpec
from ..fields.registry import FIELD_TYPES
from ..fields.relations import RelationType
from . import computed
from .access import (
    EntityAccess,
    check_writable,
    covering_grants,
    entity_access,
    rows_condition,
    strip_invisible,
    visible_keys,
)
from .auto_numbers import missing_numbers, next_auto_number
from .children import remove_link_targets, write_children, write_links
from .events import announce, changed_keys
from .guards import before_create, before_update
from .history import changes_between, read_history, write_history
from .integrity import TAKEN, enforce_restrict, missing_targets, stale_version, unique_conflicts
from .prepare import Prepared, prepare
from .query import readable_rows
from .serialize import Record, attach_related, row_to_record

MAX_CASCADE_DEPTH = 8


def get_record(tx: Tx, entity: str, record_id: Any, include_deleted: bool = False) -> Record:
    spec = tx.runtime.entities.get(tx.conn, entity)
    authorize(tx, "read", f"entity:{entity}")
    access = entity_access(tx, spec, "read")
    row = _row(tx, spec, record_id, include_deleted, access)
    return _for_reader(tx, spec, access, row)


def create_record(
    tx: Tx, entity: str, body: Any, *, system: bool = False, answer: bool = True, vouched: frozenset[Any] = frozenset()
) -> Record:
    """Insert a record; ``system`` marks a creation the builder configured (an anonymous
    submission of a public form), which the actor's own grants do not decide. Without
    ``answer`` only ``id`` and ``_version`` come back (an import does not read each row back).
    ``vouched`` references (a signed link's) are checked to exist, not to be readable."""
    spec = tx.runtime.entities.get(tx.conn, entity)
    if not system:
        authorize(tx, "create", f"entity:{entity}")
    access = entity_access(tx, spec, "create", system=system)
    tables = tx.runtime.tables_for(spec)
    sent = set(body) if isinstance(body, dict) else set()
    if not system:
        _refuse_hidden(access, sent)
    body = before_create(tx, spec, body)
    prepared = prepare(tx, spec, computed.apply_defaults(spec, body) if isinstance(body, dict) else body, None, vouched)
    now = utcnow()
    values = dict(prepared.db_values)
    json_record = dict(prepared.json_values)
    for key, empty in computed.empty_rollups(spec).items():
        values[key] = empty
        json_record[key] = FIELD_TYPES.get("rollup").from_db(empty, spec.all_fields[key])
    for fspec in spec.fields_of_type("auto_number"):
        values[fspec.key] = json_record[fspec.key] = next_auto_number(tx.conn, entity, fspec, now)
    _apply_formulas(tx, spec, json_record, values)
    _check_unique(tx, spec, tables.main, values, None)
    columns = {
        "created_at": now,
        "updated_at": now,
        "created_by": tx.actor.id,
        "updated_by": tx.actor.id,
        "owner_id": prepared.owner if prepared.owner_sent else tx.actor.id,
        "version": 1,
    }
    try:
        result = tx.conn.execute(insert(tables.main), {**columns, **values})
    except IntegrityError as exc:
        raise _integrity_conflict(spec, exc) from None
    assert result.inserted_primary_key is not None
    record_id = result.inserted_primary_key[0]
    if not system:
        _check_write_allowed(tx, spec, access, record_id, sent)
    _write_owned_rows(tx, spec, record_id, prepared)
    if prepared.children and computed.has_sub_table_rollups(spec):
        # Rollups over the rows just written, and formulas using them, changed the row.
        computed.refresh_sub_table_rollups(tx, spec, {record_id})
        record = _serialize(tx, spec, _row(tx, spec, record_id))
        json_record.update(_derived(spec, record))
    else:
        # Every column, so the answer has the same shape as a later get (unsent fields are null).
        row: dict[str, Any] = {column.name: None for column in tables.main.columns}
        row.update({"id": record_id, **columns, "deleted_at": None, **values})
        record = _serialize(tx, spec, row)
    history = {k: [None, v] for k, v in json_record.items() if not FIELD_TYPES.get(spec.all_fields[k].type).is_empty(v)}
    write_history(tx.conn, entity, record_id, 1, "create", history, tx.actor.id)
    _refresh_parents(tx, spec, [{}, json_record])
    announce(tx, spec.key, "created", record, None, changed_keys(None, record, list(spec.live_fields)))
    if not answer:
        return {"id": record_id, "_version": 1}
    return _result_for_reader(tx, spec, record)


def update_record(
    tx: Tx,
    entity: str,
    record_id: Any,
    body: Any,
    expected_version: int | None = None,
    *,
    system: bool = False,
    cause: str | None = None,
) -> Record:
    """Change fields; ``system`` marks a consequence the builder configured (nulling a reference
    to a deleted record, a workflow transition), which applies whatever the actor's own grants
    on this row are. ``cause`` says how it came about, for the rules it triggers."""
    spec = tx.runtime.entities.get(tx.conn, entity)
    if not system:
        authorize(tx, "update", f"entity:{entity}")
    access = entity_access(tx, spec, "update", system=system)
    tables = tx.runtime.tables_for(spec)
    row = _row(tx, spec, record_id, False, entity_access(tx, spec, "read", system=system))
    if not system:
        sent = set(body) if isinstance(body, dict) else set()
        _refuse_hidden(access, sent)
        _check_write_allowed(tx, spec, access, record_id, sent)
    if expected_version is not None and expected_version != row["version"]:
        raise stale_version(row["version"])
    current = _serialize(tx, spec, row)
    before_update(tx, spec, body, current)
    prepared = prepare(tx, spec, body, current)
    values = dict(prepared.db_values)
    merged = {**current, **prepared.json_values}
    _apply_formulas(tx, spec, merged, values)
    _check_unique(tx, spec, tables.main, values, record_id)
    if prepared.owner_sent:
        values["owner_id"] = prepared.owner
        merged["_owner"] = prepared.owner
    changes = changes_between(current, merged, [*spec.live_fields, "_owner"])
    if not changes:
        return {} if system else _result_for_reader(tx, spec, {"id": record_id, "_version": row["version"]})
    now = utcnow()
    version = row["version"] + 1
    statement = (
        update(tables.main)
        .where(tables.main.c.id == record_id, tables.main.c.version == row["version"])
        .values(**values, version=version, updated_at=now, updated_by=tx.actor.id)
    )
    try:
        if tx.conn.execute(statement).rowcount == 0:
            raise stale_version(None)
    except IntegrityError as exc:
        raise _integrity_conflict(spec, exc) from None
    if not system and not covering_grants(tx, access, tables.main, record_id):
        raise Forbidden("this change would move the record outside what you may update")
    _write_owned_rows(tx, spec, record_id, prepared)
    if prepared.children:
        computed.refresh_sub_table_rollups(tx, spec, {record_id})
        if computed.has_sub_table_rollups(spec):
            merged.update(_derived(spec, _serialize(tx, spec, _row(tx, spec, record_id))))
            changes = changes_between(current, merged, [*spec.live_fields, "_owner"])
    write_history(tx.conn, entity, record_id, version, "update", changes, tx.actor.id)
    _refresh_parents(tx, spec, [current, merged])
    after = {**merged, "_version": version}
    cause = cause or ("integrity" if system else "write")
    announce(tx, spec.key, "updated", after, current, frozenset(changes), cause=cause)
    return {} if system else _result_for_reader(tx, spec, {"id": record_id, "_version": version})


def delete_record(tx: Tx, entity: str, record_id: Any, _depth: int = 0) -> None:
    """Soft delete, following each inbound relation's ``on_delete``.

    The actor needs a delete grant covering this record; what the relations then do to
    other records (cascade, set null) is the builder's configured integrity and runs as such.
    """
    spec = tx.runtime.entities.get(tx.conn, entity)
    system = _depth > 0
    if not system:
        authorize(tx, "delete", f"entity:{entity}")
    if _depth > MAX_CASCADE_DEPTH:
        raise Conflict("cascading delete goes too deep; delete the related records first")
    row = _row(tx, spec, record_id, False, entity_access(tx, spec, "read", system=system))
    access = entity_access(tx, spec, "delete", system=system)
    if not covering_grants(tx, access, tx.runtime.tables_for(spec).main, record_id):
        raise Forbidden(f"you may not delete this {spec.key}")
    referrers = enforce_restrict(tx, entity, record_id)
    current = _serialize(tx, spec, row)
    # Deleted first, so a cycle of cascading relations ends here.
    _set_deleted(tx, spec, row, deleted=True)
    for source, fspec, ids in referrers:
        relation = FIELD_TYPES.get(fspec.type)
        assert isinstance(relation, RelationType)
        if relation.is_many(fspec) and relation.on_delete(fspec) != "cascade":
            remove_link_targets(tx.conn, tx.runtime.tables_for(source), fspec, record_id)
            continue
        # A referrer may point here through several relations, or be gone by an earlier cascade.
        for source_id in ids:
            if not _is_live(tx, source, source_id):
                continue
            if relation.on_delete(fspec) == "cascade":
                delete_record(tx, source.key, source_id, _depth + 1)
            else:
                update_record(tx, source.key, source_id, {fspec.key: None}, system=True)
    _refresh_parents(tx, spec, [current])
    announce(tx, spec.key, "deleted", current, current, frozenset(), cause="integrity" if system else "write")


def restore_record(tx: Tx, entity: str, record_id: Any) -> Record:
    spec = tx.runtime.entities.get(tx.conn, entity)
    authorize(tx, "update", f"entity:{entity}")
    row = _row(tx, spec, record_id, True, entity_access(tx, spec, "read"))
    if not covering_grants(tx, entity_access(tx, spec, "update"), tx.runtime.tables_for(spec).main, record_id):
        raise Forbidden(f"you may not restore this {spec.key}")
    if row["deleted_at"] is None:
        raise Conflict("this record is not deleted")
    tables = tx.runtime.tables_for(spec)
    problems = unique_conflicts(tx, spec, tables.main, {k: row[k] for k in spec.live_fields if k in row}, record_id)
    for fspec in spec.fields_of_type("relation"):
        relation = FIELD_TYPES.get(fspec.type)
        assert isinstance(relation, RelationType)
        target = row.get(fspec.key)
        if not relation.is_many(fspec) and target is not None and missing_targets(tx, relation.target(fspec), {target}):
            problems.append(field_error(fspec.key, f"points at a deleted {relation.target(fspec)}; restore that first"))
    if problems:
        raise Conflict("this record cannot be restored yet", problems)
    # Deleted when its auto-number field was added, it missed the numbering of live rows.
    _set_deleted(tx, spec, row, deleted=False, numbers=missing_numbers(tx.conn, spec, row))
    record = get_record(tx, entity, record_id)
    _refresh_parents(tx, spec, [record])
    return record


def record_history(tx: Tx, entity: str, record_id: Any) -> list[dict[str, Any]]:
    spec = tx.runtime.entities.get(tx.conn, entity)
    authorize(tx, "read", f"entity:{entity}")
    access = entity_access(tx, spec, "read")
    row = _row(tx, spec, record_id, True, access)
    return read_history(tx.conn, spec.without(frozenset(spec.live_fields) - visible_keys(access, spec, row)), record_id)


# --- steps -----------------------------------------------------------------------------------


def _row(
    tx: Tx, spec: EntitySpec, record_id: Any, include_deleted: bool = False, access: EntityAccess | None = None
) -> dict[str, Any]:
    """The row, if it exists and (with ``access``) the reader may see it: otherwise 404, never 403,
    so ids outside someone's scope reveal nothing. Mask columns come along for field rules."""
    if isinstance(record_id, bool) or not isinstance(record_id, int) or not 0 < record_id <= MAX_RECORD_ID:
        raise NotFound(f"{spec.key} {str(record_id)[:40]} does not exist")
    table = tx.runtime.tables_for(spec).main
    statement = select(table).where(table.c.id == record_id)
    if access is not None:
        statement = select(table, *access.mask_columns()).where(table.c.id == record_id, rows_condition(access))
    row = tx.conn.execute(statement).mappings().first()
    if row is None or (row["deleted_at"] is not None and not include_deleted):
        raise NotFound(f"{spec.key} {record_id} does not exist", data={"entity": spec.key, "id": record_id})
    return dict(row)


def _is_live(tx: Tx, spec: EntitySpec, record_id: Any) -> bool:
    table = tx.runtime.tables_for(spec).main
    query = select(table.c.id).where(table.c.id == record_id, table.c.deleted_at.is_(None))
    return tx.conn.execute(query).first() is not None


def _serialize(tx: Tx, spec: EntitySpec, row: dict[str, Any]) -> Record:
    fields = list(spec.live_fields.values())
    record = row_to_record(spec, row, fields)
    attach_related(tx.conn, tx.runtime.tables_by_key, tx.runtime.tables_for(spec), [record], fields)
    return record


def _for_reader(tx: Tx, spec: EntitySpec, access: EntityAccess, row: dict[str, Any]) -> Record:
    """The record as this reader may see it: fields hidden from them on this row are left out."""
    fields = [f for f in spec.live_fields.values() if f.key not in access.hidden]
    record = row_to_record(spec, row, fields)
    tables = tx.runtime.tables_for(spec)
    attach_related(tx.conn, tx.runtime.tables_by_key, tables, [record], fields, readable_rows(tx))
    return strip_invisible(record, visible_keys(access, spec, row), spec) if access.masks else record


def _result_for_reader(tx: Tx, spec: EntitySpec, record: Record) -> Record:
    """What the writer sees of the record: the read view, or just id and version if they may not read it."""
    try:
        return get_record(tx, spec.key, record["id"])
    except (Forbidden, NotFound, Unauthorized):  # Unauthorized: an anonymous public-form visitor
        return {"id": record["id"], "_version": record["_version"]}


def _refuse_hidden(access: EntityAccess, sent: set[str]) -> None:
    """A field hidden from the writer by every grant is refused exactly like a field that does not exist."""
    hidden = sorted(sent & access.hidden)
    if hidden:
        raise ValidationFailed(
            f"{len(hidden)} problem(s) in the submitted values", [field_error(key, "unknown field") for key in hidden]
        )


def _check_write_allowed(tx: Tx, spec: EntitySpec, access: EntityAccess, record_id: Any, sent: set[str]) -> None:
    """A grant of this action must cover the row and leave every sent field writable."""
    grants = covering_grants(tx, access, tx.runtime.tables_for(spec).main, record_id)
    if not grants:
        raise Forbidden(f"you may not {access.action} this {spec.key}")
    check_writable(grants, spec, sent, access.action)


def _derived(spec: EntitySpec, record: Record) -> dict[str, Any]:
    """The rollup and formula values of a record as read back after its rows were written."""
    return {f.key: record.get(f.key) for f in spec.fields_of_type("rollup", "formula")}


def _apply_formulas(tx: Tx, spec: EntitySpec, json_record: dict[str, Any], values: dict[str, Any]) -> None:
    if not computed.formula_fields(spec):
        return
    for key, value in computed.evaluate_formulas(spec, json_record, computed.logic_context(tx)).items():
        fspec = spec.all_fields[key]
        json_record[key] = value
        values[key] = (
            None
            if value is None
            else (FIELD_TYPES.get("date").to_db(value, fspec) if fspec.options.get("result_type") == "date" else value)
        )


def _check_unique(tx: Tx, spec: EntitySpec, table: Any, values: dict[str, Any], record_id: Any) -> None:
    problems = unique_conflicts(tx, spec, table, values, record_id)
    if problems:
        raise Conflict("a unique value is already taken", problems)


def _write_owned_rows(tx: Tx, spec: EntitySpec, record_id: Any, prepared: Prepared) -> None:
    tables = tx.runtime.tables_for(spec)
    problems = []
    for key, rows in prepared.children.items():
        problems.extend(write_children(tx.conn, tables, spec.all_fields[key], record_id, rows))
    for key, targets in prepared.links.items():
        write_links(tx.conn, tables, spec.all_fields[key], record_id, targets)
    if problems:
        from ..errors import ValidationFailed

        raise ValidationFailed("sub-table rows do not match this record", problems)


def _set_deleted(
    tx: Tx, spec: EntitySpec, row: dict[str, Any], *, deleted: bool, numbers: dict[str, str] | None = None
) -> None:
    table = tx.runtime.tables_for(spec).main
    now = utcnow()
    version = row["version"] + 1
    result = tx.conn.execute(
        update(table)
        .where(table.c.id == row["id"], table.c.version == row["version"])
        .values(
            deleted_at=now if deleted else None,
            version=version,
            updated_at=now,
            updated_by=tx.actor.id,
            **(numbers or {}),
        )
    )
    if result.rowcount == 0:
        raise stale_version(None)
    changes = {key: [None, number] for key, number in (numbers or {}).items()}
    write_history(tx.conn, spec.key, row["id"], version, "delete" if deleted else "restore", changes, tx.actor.id)


def _refresh_parents(tx: Tx, spec: EntitySpec, states: list[dict[str, Any]]) -> None:
    """Recompute rollups of every parent the record belonged to before or after the write."""
    rollups = computed.rollups_over(tx.runtime.entities.specs(tx.conn), spec.key)
    if not rollups:
        return
    parents: dict[str, set[Any]] = {}
    for _, fspec in rollups:
        via = fspec.options["via"]
        parents.setdefault(via, set()).update(s.get(via) for s in states if s.get(via) is not None)
    computed.refresh_rollups(tx, spec, parents)


def _integrity_conflict(spec: EntitySpec, exc: IntegrityError) -> Conflict:
    text = str(exc.orig)
    fields = [f.key for f in spec.live_fields.values() if f.unique and f.key in text]
    details = [field_error(f, TAKEN) for f in fields]
    return Conflict("the change conflicts with existing data", details or [field_error(None, "integrity constraint")])
