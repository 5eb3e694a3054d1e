"""Rows → record JSON, with related data loaded set-based (one query per field, never per row)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Table, select, true

from ..auth.models import users
from ..fields.base import FieldSpec
from ..fields.entity import EntitySpec
from ..fields.registry import FIELD_TYPES
from ..fields.relations import RelationType, SubTableType
from ..fields.temporal import format_datetime
from ..storage.tables import EntityTables

Record = dict[str, Any]


def row_to_record(spec: EntitySpec, row: Mapping[Any, Any], fields: Iterable[FieldSpec]) -> Record:
    """The JSON of one row: ``id``, the chosen fields, then the system properties."""
    return RecordReader(fields, row.keys())(row)


class RecordReader:
    """Turns rows into record JSON; the per-field work is decided once, not once per row.

    Fields without a column in the row (sub-tables, many-to-many relations) are left
    for ``attach_related``.
    """

    def __init__(self, fields: Iterable[FieldSpec], columns: Iterable[Any]) -> None:
        available = set(columns)
        self.readers: list[tuple[str, str, Any, FieldSpec]] = []
        for fspec in fields:
            ftype = FIELD_TYPES.get(fspec.type)
            column = ftype.system_column(fspec) or fspec.key
            if column in available:
                self.readers.append((fspec.key, column, ftype.from_db, fspec))
        self.has_deleted_at = "deleted_at" in available

    def __call__(self, row: Mapping[Any, Any]) -> Record:
        record: Record = {"id": row["id"]}
        for key, column, from_db, fspec in self.readers:
            record[key] = from_db(row[column], fspec)
        record["_version"] = row["version"]
        record["_created_at"] = _when(row["created_at"])
        record["_updated_at"] = _when(row["updated_at"])
        record["_created_by"] = row["created_by"]
        record["_updated_by"] = row["updated_by"]
        record["_owner"] = row["owner_id"]
        if self.has_deleted_at and row["deleted_at"] is not None:
            record["_deleted_at"] = _when(row["deleted_at"])
        return record


def _when(value: Any) -> str | None:
    return None if value is None else format_datetime(value)


def attach_related(
    conn: Connection,
    entity_tables: Any,
    tables: EntityTables,
    records: Sequence[Record],
    fields: Iterable[FieldSpec],
    readable: Any = None,
) -> None:
    """Fill sub_table rows, many-to-many ids and ``_refs`` (id + title) for ``records``.

    ``entity_tables(key)`` returns the EntityTables of another entity (for titles);
    ``readable(spec)`` (the reader's row scope and restricted fields of that entity, see
    ``records.query.readable_rows``) keeps titles of records the reader may not read,
    or whose title field is hidden from them, on the server: the id stays, the title is null.
    """
    if not records:
        return
    ids = [r["id"] for r in records]
    refs: dict[Any, dict[str, Any]] = {r["id"]: {} for r in records}
    for fspec in fields:
        ftype = FIELD_TYPES.get(fspec.type)
        if isinstance(ftype, SubTableType):
            _attach_children(conn, tables.children[fspec.key], fspec, ftype, records, ids)
        elif isinstance(ftype, RelationType):
            _attach_relation(conn, entity_tables, tables, fspec, ftype, records, refs, ids, readable)
        elif fspec.type in ("user", "created_by", "updated_by"):
            _attach_users(conn, fspec.key, records, refs)
    for record in records:
        if refs[record["id"]]:
            record["_refs"] = refs[record["id"]]


def _attach_children(
    conn: Connection,
    child: Table,
    fspec: FieldSpec,
    sub: SubTableType,
    records: Sequence[Record],
    ids: list[Any],
) -> None:
    children = [c for c in sub.child_specs(fspec) if not c.removed]
    rows = conn.execute(
        select(child).where(child.c.parent_id.in_(ids)).order_by(child.c.parent_id, child.c.position, child.c.id)
    ).mappings()
    by_parent: dict[Any, list[Record]] = defaultdict(list)
    for row in rows:
        item: Record = {"id": row["id"]}
        for c in children:
            ctype = FIELD_TYPES.get(c.type)
            if ctype.stores_column(c):
                item[c.key] = ctype.from_db(row[c.key], c)
        by_parent[row["parent_id"]].append(item)
    for record in records:
        record[fspec.key] = by_parent.get(record["id"], [])


def _attach_relation(
    conn: Connection,
    entity_tables: Any,
    tables: EntityTables,
    fspec: FieldSpec,
    relation: RelationType,
    records: Sequence[Record],
    refs: dict[Any, dict[str, Any]],
    ids: list[Any],
    readable: Any = None,
) -> None:
    if relation.is_many(fspec):
        link = tables.links[fspec.key]
        rows = conn.execute(
            select(link.c.source_id, link.c.target_id)
            .where(link.c.source_id.in_(ids))
            .order_by(link.c.source_id, link.c.position)
        ).all()
        targets: dict[Any, list[Any]] = defaultdict(list)
        for source_id, target_id in rows:
            targets[source_id].append(target_id)
        titles = target_titles(conn, entity_tables, relation.target(fspec), {t for _, t in rows}, readable=readable)
        for record in records:
            live = [t for t in targets.get(record["id"], []) if t in titles]
            record[fspec.key] = live
            if live:
                refs[record["id"]][fspec.key] = [{"id": t, "title": titles[t]} for t in live]
        return
    wanted = {r.get(fspec.key) for r in records if r.get(fspec.key) is not None}
    titles = target_titles(conn, entity_tables, relation.target(fspec), wanted, include_deleted=True, readable=readable)
    for record in records:
        target = record.get(fspec.key)
        if target is not None and target in titles:
            refs[record["id"]][fspec.key] = {"id": target, "title": titles[target]}


def target_titles(
    conn: Connection,
    entity_tables: Any,
    entity: str,
    ids: set[Any],
    include_deleted: bool = False,
    readable: Any = None,
) -> dict[Any, str | None]:
    """``{id: title}`` of live (optionally also deleted) rows of ``entity``.

    With ``readable``, rows the reader may not read (or whose title field is hidden
    from them) keep their id but get a null title.
    """
    if not ids:
        return {}
    target: EntityTables = entity_tables(entity)
    title_key = target.spec.title_key()
    table = target.main
    rows_scope, restricted = readable(target.spec) if readable else (None, frozenset())
    title_column = table.c[title_key] if title_key and title_key not in restricted else table.c.id
    shown = (rows_scope if rows_scope is not None else true()).label("readable")
    query = select(table.c.id, title_column, shown).where(table.c.id.in_(ids))
    if not include_deleted:
        query = query.where(table.c.deleted_at.is_(None))
    hide_title = bool(title_key and title_key in restricted)
    return {
        row[0]: None if hide_title or not row[2] else ("" if row[1] is None else str(row[1]))
        for row in conn.execute(query)
    }


def user_names(conn: Connection, ids: Iterable[Any]) -> dict[Any, str]:
    """How people are named on screen: their name, else their email (user fields' titles)."""
    wanted = set(ids)
    if not wanted:
        return {}
    rows = conn.execute(select(users.c.id, users.c.name, users.c.email).where(users.c.id.in_(wanted)))
    return {row[0]: row[1] or row[2] for row in rows}


def _attach_users(conn: Connection, key: str, records: Sequence[Record], refs: dict[Any, dict[str, Any]]) -> None:
    wanted = {r.get(key) for r in records if r.get(key) is not None}
    if not wanted:
        return
    names = user_names(conn, wanted)
    for record in records:
        user_id = record.get(key)
        if user_id in names:
            refs[record["id"]][key] = {"id": user_id, "title": names[user_id]}
