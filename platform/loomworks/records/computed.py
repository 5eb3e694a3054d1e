"""Values the platform computes on write: defaults, formulas and rollups (auto-numbers: ``auto_numbers``).

Formulas are evaluated by the JsonLogic engine over the record's JSON (plus
``$user`` and ``$now``) in field order, so a formula may use earlier formulas.
Rollups are recomputed with one aggregate query for all affected parents. A
rollup refresh is not a user edit: it neither bumps the parent's ``_version``
(which would make people editing the parent hit false conflicts) nor writes
history.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select, update

from ..core.context import Tx
from ..core.sqltypes import utcnow
from ..fields.base import FieldSpec, ValueError_
from ..fields.computed import DEFAULT_FORMULA_SCALE, FormulaType
from ..fields.entity import EntitySpec
from ..fields.registry import FIELD_TYPES
from ..logic.evaluator import LogicError, evaluate, truthy
from .auto_numbers import number_existing
from .events import RecordEvent, changed_keys, emit, listening


def apply_defaults(spec: EntitySpec, body: dict[str, Any]) -> dict[str, Any]:
    """Static defaults for writable fields the client did not send."""
    result = dict(body)
    for fspec in spec.live_fields.values():
        if fspec.key not in result and fspec.has_default and FIELD_TYPES.get(fspec.type).writable:
            result[fspec.key] = fspec.default
    return result


# --- formulas --------------------------------------------------------------------------------


def formula_fields(spec: EntitySpec) -> list[FieldSpec]:
    return spec.fields_of_type("formula")


def evaluate_formulas(spec: EntitySpec, record: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
    """JSON values of every formula, evaluated in field order over ``record``."""
    values: dict[str, Any] = {}
    data = {**record, **context}
    for fspec in formula_fields(spec):
        value = _evaluate_one(fspec, data)
        values[fspec.key] = value
        data[fspec.key] = value
    return values


def _evaluate_one(fspec: FieldSpec, data: dict[str, Any]) -> Any:
    ftype = FIELD_TYPES.get("formula")
    assert isinstance(ftype, FormulaType)
    try:
        raw = evaluate(fspec.options["expression"], data)
    except LogicError:
        return None
    return coerce_result(raw, ftype.result_type(fspec), ftype.scale(fspec))


def coerce_result(raw: Any, result_type: str, scale: int = DEFAULT_FORMULA_SCALE) -> Any:
    """Fit a JsonLogic result to the formula's declared type; unfit results become null."""
    if raw is None:
        return None
    try:
        if result_type == "number":
            if isinstance(raw, bool):
                return int(raw)
            number = float(raw)
            if number != number or number in (float("inf"), float("-inf")):
                return None
            number = round(number, scale)
            return int(number) if number.is_integer() and abs(number) < 2**53 else number
        if result_type == "boolean":
            return truthy(raw)
        if result_type == "date":
            return FIELD_TYPES.get("date").coerce(raw, FieldSpec("f", "date", {}))
        return raw if isinstance(raw, str) else FIELD_TYPES.get("text").coerce(raw, FieldSpec("f", "text", {}))
    except (ValueError, ValueError_, TypeError, OverflowError):
        return None


def logic_context(tx: Tx) -> dict[str, Any]:
    return {"$user": tx.actor.logic_context(), "$now": utcnow().isoformat()}


# --- rollups ---------------------------------------------------------------------------------


def rollups_over(specs: dict[str, EntitySpec], child: str) -> list[tuple[EntitySpec, FieldSpec]]:
    """Rollup fields anywhere that aggregate rows of entity ``child``."""
    found = []
    for spec in specs.values():
        for fspec in spec.fields_of_type("rollup"):
            if fspec.options.get("entity") == child:
                found.append((spec, fspec))
    return found


def refresh_rollups(tx: Tx, child: EntitySpec, parent_ids_by_via: dict[str, set[Any]]) -> None:
    """Recompute rollups of parents whose children (rows of ``child``) changed."""
    specs = tx.runtime.entities.specs(tx.conn)
    for parent_spec, fspec in rollups_over(specs, child.key):
        via = fspec.options["via"]
        parent_ids = {p for p in parent_ids_by_via.get(via, set()) if p is not None}
        if not parent_ids or via not in child.all_fields:
            continue
        child_table = tx.runtime.tables_for(child).main
        parent_table = tx.runtime.tables_for(parent_spec).main
        before = _current_records(tx, parent_spec, parent_ids) if listening(tx, parent_spec.key) else None
        values = _aggregate(
            tx.conn,
            child_table,
            child_table.c[via],
            fspec,
            child_table.c.deleted_at.is_(None),
            parent_ids,
        )
        for parent_id in parent_ids:
            tx.conn.execute(
                update(parent_table)
                .where(parent_table.c.id == parent_id)
                .values({fspec.key: values.get(parent_id, _empty(fspec))})
            )
        refresh_formulas(tx, parent_spec, parent_ids)
        if before is not None:
            _announce_refreshed(tx, parent_spec, before)


def _current_records(tx: Tx, spec: EntitySpec, ids: set[Any]) -> dict[Any, dict[str, Any]]:
    """The records as an ordinary write announces them: related titles (``_refs``) included,
    so a rule fired by a rollup can name the project's customer like any other rule."""
    from .serialize import attach_related, row_to_record  # local: serialize imports computed's siblings

    tables = tx.runtime.tables_for(spec)
    table = tables.main
    fields = list(spec.live_fields.values())
    rows = tx.conn.execute(select(table).where(table.c.id.in_(ids), table.c.deleted_at.is_(None))).mappings()
    records = [row_to_record(spec, row, fields) for row in rows]
    attach_related(tx.conn, tx.runtime.tables_by_key, tables, records, fields)
    return {record["id"]: record for record in records}


def _announce_refreshed(tx: Tx, spec: EntitySpec, before: dict[Any, dict[str, Any]]) -> None:
    """A rollup (and the formulas over it) moving is a change rules may react to ("progress
    reaches 80%"), though no one edited the record: announced with cause ``rollup``."""
    after = _current_records(tx, spec, set(before))
    keys = list(spec.live_fields)
    for record_id, old in before.items():
        new = after.get(record_id)
        changed = changed_keys(old, new, keys) if new is not None else frozenset()
        if changed and new is not None:
            emit(tx, RecordEvent(spec.key, "updated", record_id, new, old, changed, tx.actor, "rollup"))


def empty_rollups(spec: EntitySpec) -> dict[str, float | None]:
    """Column values of every rollup of a record with no related rows yet (count/sum are 0)."""
    return {fspec.key: _empty(fspec) for fspec in spec.fields_of_type("rollup")}


def has_sub_table_rollups(spec: EntitySpec) -> bool:
    return any("sub_table" in f.options for f in spec.fields_of_type("rollup"))


def refresh_sub_table_rollups(tx: Tx, spec: EntitySpec, record_ids: set[Any]) -> dict[Any, dict[str, Any]]:
    """Recompute rollups over this entity's own sub-tables, then the formulas that may use them.

    Returns the new rollup values by record id.
    """
    tables = tx.runtime.tables_for(spec)
    result: dict[Any, dict[str, Any]] = {rid: {} for rid in record_ids}
    for fspec in spec.fields_of_type("rollup"):
        sub = fspec.options.get("sub_table")
        if not sub or sub not in tables.children:
            continue
        child = tables.children[sub]
        values = _aggregate(tx.conn, child, child.c.parent_id, fspec, None, record_ids)
        for rid in record_ids:
            value = values.get(rid, _empty(fspec))
            tx.conn.execute(update(tables.main).where(tables.main.c.id == rid).values({fspec.key: value}))
            result[rid][fspec.key] = FIELD_TYPES.get("rollup").from_db(value, fspec)
    if any(result.values()):
        refresh_formulas(tx, spec, record_ids)
    return result


def _aggregate(
    conn: Connection, table: Any, group_column: Any, fspec: FieldSpec, condition: Any, ids: set[Any]
) -> dict[Any, Any]:
    aggregate = fspec.options["aggregate"]
    measure = func.count() if aggregate == "count" else getattr(func, aggregate)(table.c[fspec.options["field"]])
    query = select(group_column, measure).where(group_column.in_(ids)).group_by(group_column)
    if condition is not None:
        query = query.where(condition)
    return {row[0]: (float(row[1]) if row[1] is not None else None) for row in conn.execute(query)}


def _empty(fspec: FieldSpec) -> float | None:
    return 0.0 if fspec.options["aggregate"] in ("count", "sum") else None


def refresh_formulas(tx: Tx, spec: EntitySpec, record_ids: set[Any]) -> None:
    """Recompute stored formulas of existing rows (after a rollup or definition change)."""
    formulas = formula_fields(spec)
    if not formulas or not record_ids:
        return
    from .serialize import row_to_record  # local: serialize imports computed's siblings

    tables = tx.runtime.tables_for(spec)
    table = tables.main
    context = logic_context(tx)
    ftype = FIELD_TYPES.get("formula")
    ids = list(record_ids)
    for start in range(0, len(ids), 500):
        rows = tx.conn.execute(select(table).where(table.c.id.in_(ids[start : start + 500]))).mappings().all()
        for row in rows:
            record = row_to_record(spec, row, spec.live_fields.values())
            values = evaluate_formulas(spec, record, context)
            db_values = {
                k: (None if v is None else _formula_db(ftype, v, spec.all_fields[k])) for k, v in values.items()
            }
            tx.conn.execute(update(table).where(table.c.id == row["id"]).values(db_values))


def _formula_db(ftype: Any, value: Any, fspec: FieldSpec) -> Any:
    if ftype.result_type(fspec) == "date":
        return FIELD_TYPES.get("date").to_db(value, fspec)
    return value


def backfill(tx: Tx, old: EntitySpec | None, new: EntitySpec) -> None:
    """After a definition change, fill computed fields that are new, restored or changed.

    Auto-numbers that became live number the live rows without one (so they come
    first: a formula may use them); new or changed formulas and rollups are computed
    for every row. Like a rollup refresh, this is no user edit: no version, no history.
    """
    if old is None:
        return
    table = tx.runtime.tables_for(new).main

    def became_live(f: FieldSpec) -> bool:
        before = old.all_fields.get(f.key)
        return before is None or before.removed or before.type != f.type

    numbered = number_existing(tx.conn, new, table, [f for f in new.fields_of_type("auto_number") if became_live(f)])
    changed = [
        f
        for f in new.fields_of_type("formula", "rollup")
        if became_live(f) or old.all_fields[f.key].options != f.options
    ]
    if not changed and not numbered:
        return
    ids = {row[0] for row in tx.conn.execute(select(table.c.id))}
    if any(f.type == "rollup" for f in changed):
        _backfill_rollups(tx, new, [f for f in changed if f.type == "rollup"], ids)
    refresh_formulas(tx, new, ids)


def _backfill_rollups(tx: Tx, spec: EntitySpec, fields: list[FieldSpec], ids: set[Any]) -> None:
    specs = tx.runtime.entities.specs(tx.conn)
    main = tx.runtime.tables_for(spec).main
    for fspec in fields:
        if "sub_table" in fspec.options:
            refresh_sub_table_rollups(tx, spec, ids)
            continue
        child_spec = specs[fspec.options["entity"]]
        child = tx.runtime.tables_for(child_spec).main
        via = child.c[fspec.options["via"]]
        values = _aggregate(tx.conn, child, via, fspec, child.c.deleted_at.is_(None), ids)
        for rid in ids:
            tx.conn.execute(update(main).where(main.c.id == rid).values({fspec.key: values.get(rid, _empty(fspec))}))


def recompute(tx: Tx, spec: EntitySpec, ids: set[Any], fields: list[FieldSpec]) -> None:
    """Recompute ``fields`` (rollups and formulas) of records ``ids`` from their inputs, for a
    rule's ``recompute`` action; the changes are announced like a rollup refresh."""
    if not ids:
        return
    before = _current_records(tx, spec, ids) if listening(tx, spec.key) else None
    rollups = [f for f in fields if f.type == "rollup"]
    if rollups:
        _backfill_rollups(tx, spec, rollups, ids)
    refresh_formulas(tx, spec, ids)
    if before is not None:
        _announce_refreshed(tx, spec, before)
