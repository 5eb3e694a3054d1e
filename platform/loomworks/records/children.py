"""Rows that belong to a record: sub_table child rows and many-to-many links.

A sub_table value is the complete list of child rows. Items with an ``id`` of an
existing child update it (the columns they leave out keep their values), items
without one are inserted, and children left out are deleted; the parent's history
keeps the whole list before and after, so nothing disappears without a trace.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from ..errors import ErrorDetail, field_error
from ..fields.base import FieldSpec, ValueError_
from ..fields.registry import FIELD_TYPES
from ..fields.relations import SubTableType
from ..storage.tables import EntityTables
from .retired import final


def coerce_children(
    fspec: FieldSpec, rows: list[dict[str, Any]], kept: dict[int, dict[str, Any]] | None = None
) -> tuple[list[dict[str, Any]], list[ErrorDetail]]:
    """Child rows in database form, with every problem reported as ``field.index.child``.

    ``kept`` holds, by row index, retired choice values set aside from validation
    (``retired.set_aside``); they go back into their rows unchanged.
    """
    sub = FIELD_TYPES.get(fspec.type)
    assert isinstance(sub, SubTableType)
    children = {c.key: c for c in sub.child_specs(fspec) if not c.removed}
    coerced: list[dict[str, Any]] = []
    errors: list[ErrorDetail] = []
    seen: set[Any] = set()
    for index, row in enumerate(rows):
        item: dict[str, Any] = {}
        if row.get("id") is not None:
            item["id"] = row["id"]
            if row["id"] in seen:
                errors.append(field_error(f"{fspec.key}.{index}.id", f"row {row['id']} is sent twice"))
            seen.add(row["id"])
        for key, value in row.items():
            if key == "id":
                continue
            child = children[key]
            ctype = FIELD_TYPES.get(child.type)
            if value is None:
                item[key] = None
                continue
            try:
                item[key] = ctype.to_db(value, child)
            except ValueError_ as exc:
                errors.append(field_error(f"{fspec.key}.{index}.{key}", str(exc)))
        item.update({key: final(value) for key, value in (kept or {}).get(index, {}).items()})
        errors.extend(_empty_required(fspec, children.values(), index, item))
        coerced.append(item)
    return coerced, errors


def empty_required_cells(
    fspec: FieldSpec, rows: Any, kept: dict[int, dict[str, Any]] | None = None
) -> list[ErrorDetail]:
    """Required cells left empty in rows that failed schema validation elsewhere: reported
    with the schema errors, so one answer names every cell to fill in. ``kept`` as for
    ``coerce_children`` (retired choices set aside are still values)."""
    sub = FIELD_TYPES.get(fspec.type)
    if not isinstance(sub, SubTableType) or not isinstance(rows, list):
        return []
    children = [c for c in sub.child_specs(fspec) if not c.removed]
    return [
        error
        for index, row in enumerate(rows)
        if isinstance(row, dict)
        for error in _empty_required(fspec, children, index, {**row, **(kept or {}).get(index, {})})
    ]


def _empty_required(
    fspec: FieldSpec, children: Iterable[FieldSpec], index: int, row: dict[str, Any]
) -> list[ErrorDetail]:
    return [
        field_error(f"{fspec.key}.{index}.{child.key}", "is required")
        for child in children
        if child.required and row.get(child.key) in (None, "", [])
    ]


def write_children(
    conn: Connection, tables: EntityTables, fspec: FieldSpec, parent_id: Any, rows: list[dict[str, Any]]
) -> list[ErrorDetail]:
    table = tables.children[fspec.key]
    existing = {r[0] for r in conn.execute(select(table.c.id).where(table.c.parent_id == parent_id))}
    kept: set[Any] = set()
    errors: list[ErrorDetail] = []
    for position, row in enumerate(rows):
        values = {k: v for k, v in row.items() if k != "id"}
        values["position"] = position
        child_id = row.get("id")
        if child_id is not None:
            if child_id not in existing:
                errors.append(field_error(f"{fspec.key}.{position}.id", f"row {child_id} is not part of this record"))
                continue
            conn.execute(update(table).where(table.c.id == child_id).values(values))
            kept.add(child_id)
        else:
            conn.execute(insert(table).values(parent_id=parent_id, **values))
    gone = existing - kept
    if gone:
        conn.execute(delete(table).where(table.c.id.in_(gone)))
    return errors


def write_links(
    conn: Connection, tables: EntityTables, fspec: FieldSpec, source_id: Any, target_ids: list[Any]
) -> None:
    link = tables.links[fspec.key]
    conn.execute(delete(link).where(link.c.source_id == source_id))
    if target_ids:
        conn.execute(
            insert(link),
            [{"source_id": source_id, "target_id": t, "position": i} for i, t in enumerate(target_ids)],
        )


def remove_link_targets(conn: Connection, tables: EntityTables, fspec: FieldSpec, target_id: Any) -> None:
    link = tables.links[fspec.key]
    conn.execute(delete(link).where(link.c.target_id == target_id))
