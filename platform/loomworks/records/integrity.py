"""Referential integrity the database alone cannot express with soft deletes.

A relation must point at a live record (422 otherwise). Deleting a record that
others point at follows each relation's ``on_delete``: ``restrict`` refuses with
the count of referencing records, ``set_null`` clears the references and
``cascade`` deletes the referencing records too, each through the records
service so they get history and their own integrity checks.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, and_, func, select

from ..auth.models import users
from ..core.context import Tx
from ..errors import Conflict, ErrorDetail, Forbidden, field_error
from ..fields.base import FieldSpec
from ..fields.entity import EntitySpec
from ..fields.files import AttachmentType
from ..fields.registry import FIELD_TYPES
from ..fields.relations import RelationType
from .models import files

#: The message of a unique field whose value another record holds (the forms layer translates it).
TAKEN = "this value is already used by another record"


def check_references(
    tx: Tx, spec: EntitySpec, values: dict[str, Any], prefix: str = "", known: set[Any] | None = None
) -> list[ErrorDetail]:
    """Errors for relation, user and attachment values that point at nothing usable.

    A new reference must point at a record the writer may read, and one they may not read
    answers exactly like one that does not exist: otherwise writes would tell which ids
    exist. References the record already had (``known``) are kept as they are.
    """
    errors: list[ErrorDetail] = []
    for key, value in values.items():
        fspec = spec.all_fields.get(key) if not prefix else _child_spec(spec, prefix, key)
        if fspec is None or value is None:
            continue
        ftype = FIELD_TYPES.get(fspec.type)
        if isinstance(ftype, RelationType):
            wanted = set(value) if isinstance(value, list) else {value}
            missing = missing_targets(tx, ftype.target(fspec), wanted - (known or set()), readable_only=True)
            missing |= missing_targets(tx, ftype.target(fspec), wanted & (known or set()))
            for target in sorted(missing):
                errors.append(field_error(prefix + key, f"{ftype.target(fspec)} {target} does not exist"))
        elif fspec.type == "user" and not user_exists(tx.conn, value):
            errors.append(field_error(prefix + key, f"user {value} does not exist"))
    return errors


def _child_spec(spec: EntitySpec, prefix: str, key: str) -> FieldSpec | None:
    parent = spec.all_fields.get(prefix.split(".")[0])
    if parent is None:
        return None
    for child in FIELD_TYPES.get("sub_table").child_specs(parent):  # type: ignore[attr-defined]
        if child.key == key:
            return child  # type: ignore[no-any-return]
    return None


def missing_targets(tx: Tx, entity: str, ids: set[Any], readable_only: bool = False) -> set[Any]:
    """The ids with no live record of ``entity`` (with ``readable_only``: none the actor may read)."""
    if not ids:
        return set()
    target_spec = tx.runtime.entities.specs(tx.conn).get(entity)
    if target_spec is None or tx.runtime.entities.is_deleted(entity):
        return set(ids)
    table = tx.runtime.tables_for(target_spec).main
    conditions = [table.c.id.in_(ids), table.c.deleted_at.is_(None)]
    if readable_only:
        from .access import entity_access, rows_condition  # access imports this package's query side

        try:
            conditions.append(rows_condition(entity_access(tx, target_spec, "read")))
        except Forbidden:
            return set(ids)
    found = {row[0] for row in tx.conn.execute(select(table.c.id).where(*conditions))}
    return set(ids) - found


def user_exists(conn: Connection, user_id: Any) -> bool:
    return conn.execute(select(users.c.id).where(users.c.id == user_id, users.c.active.is_(True))).first() is not None


def resolve_attachments(conn: Connection, fspec: FieldSpec, value: Any) -> list[dict[str, Any]]:
    """Replace file ids by their stored descriptions; unknown ids are an error."""
    ftype = FIELD_TYPES.get(fspec.type)
    assert isinstance(ftype, AttachmentType)
    ids = ftype.file_ids(value)
    if not ids:
        return []
    rows = {
        row["id"]: row
        for row in conn.execute(
            select(files.c.id, files.c.name, files.c.size, files.c.content_type).where(files.c.id.in_(ids))
        ).mappings()
    }
    missing = [i for i in ids if i not in rows]
    if missing:
        from ..fields.base import ValueError_

        raise ValueError_(f"file {missing[0]} does not exist")
    return [dict(rows[i]) for i in ids]


def unique_conflicts(
    tx: Tx, spec: EntitySpec, table: Any, db_values: dict[str, Any], record_id: Any = None
) -> list[ErrorDetail]:
    """Values that another live record already holds in a unique field."""
    errors = []
    for key, value in db_values.items():
        fspec = spec.all_fields.get(key)
        if fspec is None or not fspec.unique or fspec.removed or value is None:
            continue
        query = select(table.c.id).where(table.c[key] == value, table.c.deleted_at.is_(None))
        if record_id is not None:
            query = query.where(table.c.id != record_id)
        if tx.conn.execute(query.limit(1)).first():
            errors.append(field_error(key, TAKEN))
    return errors


def inbound_relations(tx: Tx, entity: str) -> list[tuple[EntitySpec, FieldSpec]]:
    """Live relation fields, anywhere, whose target is ``entity``."""
    found = []
    for spec in tx.runtime.entities.specs(tx.conn).values():
        if tx.runtime.entities.is_deleted(spec.key):
            continue
        for fspec in spec.fields_of_type("relation"):
            if fspec.options.get("target") == entity:
                found.append((spec, fspec))
    return found


def referencing_ids(tx: Tx, source: EntitySpec, fspec: FieldSpec, target_id: Any) -> list[Any]:
    tables = tx.runtime.tables_for(source)
    relation = FIELD_TYPES.get(fspec.type)
    assert isinstance(relation, RelationType)
    main = tables.main
    if relation.is_many(fspec):
        link = tables.links[fspec.key]
        query = select(main.c.id).join(link, link.c.source_id == main.c.id).where(link.c.target_id == target_id)
    else:
        query = select(main.c.id).where(main.c[fspec.key] == target_id)
    query = query.where(main.c.deleted_at.is_(None))
    return [row[0] for row in tx.conn.execute(query)]


def enforce_restrict(tx: Tx, entity: str, record_id: Any) -> list[tuple[EntitySpec, FieldSpec, list[Any]]]:
    """Refuse when a ``restrict`` relation points here; return the other references to handle."""
    blocking: list[ErrorDetail] = []
    to_handle = []
    for source, fspec in inbound_relations(tx, entity):
        ids = referencing_ids(tx, source, fspec, record_id)
        if source.key == entity:
            ids = [i for i in ids if i != record_id]
        if not ids:
            continue
        rule = FIELD_TYPES.get("relation").on_delete(fspec)  # type: ignore[attr-defined]
        if rule == "restrict":
            blocking.append(
                field_error(
                    f"{source.key}.{fspec.key}",
                    f"{len(ids)} {source.key} record(s) point at this record",
                    count=len(ids),
                )
            )
        else:
            to_handle.append((source, fspec, ids))
    if blocking:
        raise Conflict("this record is still referenced; change or delete those records first", blocking)
    return to_handle


def count_live(conn: Connection, table: Any, *conditions: Any) -> int:
    return int(
        conn.execute(
            select(func.count()).select_from(table).where(and_(table.c.deleted_at.is_(None), *conditions))
        ).scalar_one()
    )


def stale_version(current_version: int | None) -> Conflict:
    """The 409 of a write based on a version someone else has since replaced."""
    data = {"current_version": current_version} if current_version is not None else {}
    return Conflict(
        "this record was changed by someone else; reload it and apply your change again",
        [field_error("_version", "is stale")],
        data=data,
    )
