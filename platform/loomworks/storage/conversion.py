"""Field type conversion with a preview of every value that would change.

A value converts losslessly when converting it back gives the original; anything
else (an error, rounding, a dropped leading zero) is lossy. Lossy conversions
stop with a 409 carrying the affected rows unless the caller confirmed them.
The column is rebuilt portably: a scratch column of the new type is filled, the
old column dropped and the scratch column renamed, all in the open transaction.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, Connection, MetaData, Table, bindparam, select, update

from ..errors import Conflict, field_error
from ..fields.base import FieldSpec, ValueError_
from ..fields.registry import FIELD_TYPES
from . import ddl, naming
from .tables import ID_TYPE

PREVIEW_ROWS = 20
BATCH = 1000


def plan_conversion(
    rows: list[tuple[Any, Any]], before: FieldSpec, after: FieldSpec
) -> tuple[dict[Any, Any], list[dict[str, Any]]]:
    """Convert ``(id, db_value)`` rows; return new JSON values by id and the lossy ones."""
    old_type, new_type = FIELD_TYPES.get(before.type), FIELD_TYPES.get(after.type)
    converted: dict[Any, Any] = {}
    lossy: list[dict[str, Any]] = []
    for row_id, raw in rows:
        original = old_type.from_db(raw, before)
        if original is None:
            converted[row_id] = None
            continue
        try:
            result = new_type.coerce(original, after)
        except ValueError_ as exc:
            converted[row_id] = None
            lossy.append({"id": row_id, "before": original, "after": None, "reason": str(exc)})
            continue
        converted[row_id] = result
        if not _round_trips(original, result, before, after):
            lossy.append({"id": row_id, "before": original, "after": result})
    return converted, lossy


def _round_trips(original: Any, result: Any, before: FieldSpec, after: FieldSpec) -> bool:
    if result is None:
        return False
    try:
        back = FIELD_TYPES.get(before.type).coerce(result, before)
    except ValueError_:
        return False
    return bool(back == original)


def convert_column(
    conn: Connection,
    old_table: Table,
    before: FieldSpec,
    after: FieldSpec,
    new_table: Table,
    *,
    confirm: bool,
) -> dict[str, Any]:
    column = old_table.c[before.key]
    rows = [(r[0], r[1]) for r in conn.execute(select(old_table.c.id, column)).all()]
    converted, lossy = plan_conversion(rows, before, after)
    summary: dict[str, Any] = {
        "field": after.key,
        "from": before.type,
        "to": after.type,
        "rows": len(rows),
        "lossy": len(lossy),
    }
    if lossy and not confirm:
        raise Conflict(
            f"converting {after.key} from {before.type} to {after.type} changes "
            f"{len(lossy)} of {len(rows)} value(s); repeat with confirm: true to apply",
            [field_error(after.key, "lossy conversion needs confirmation")],
            data={"preview": {**summary, "affected": lossy[:PREVIEW_ROWS]}},
        )
    _rebuild_column(conn, old_table, before, after, new_table, converted)
    return summary


def _rebuild_column(
    conn: Connection,
    old_table: Table,
    before: FieldSpec,
    after: FieldSpec,
    new_table: Table,
    converted: dict[Any, Any],
) -> None:
    new_type = FIELD_TYPES.get(after.type)
    scratch_name = naming.temp_column(after.key)
    scratch = Table(
        old_table.name,
        MetaData(),
        Column("id", ID_TYPE, primary_key=True),
        Column(scratch_name, new_table.c[after.key].type, nullable=True),
    )
    ddl.add_column(conn, scratch, scratch.c[scratch_name])
    statement = update(scratch).where(scratch.c.id == bindparam("_id")).values({scratch_name: bindparam("_value")})
    batch: list[dict[str, Any]] = []
    for row_id, value in converted.items():
        if value is None:
            continue
        batch.append({"_id": row_id, "_value": new_type.to_db(value, after)})
        if len(batch) >= BATCH:
            conn.execute(statement, batch)
            batch = []
    if batch:
        conn.execute(statement, batch)
    for unique in (True, False):
        ddl.drop_index(conn, old_table.name, naming.index_name(old_table.name, before.key, unique))
    ddl.drop_column(conn, old_table, before.key)
    ddl.rename_column(conn, old_table.name, scratch_name, after.key)
