"""Bring an entity's tables from one definition version to the next, inside one transaction.

The entity service computes the new definition; this module works out what the
database must do about it, checks the data first (a new ``required`` flag on a
field with empty rows, a new ``unique`` flag over duplicates, a lossy type
conversion, choices removed while records use them) and only then runs the DDL.
Nothing here deletes user data: a removed field keeps its column, a removed
choice keeps its values; only ``purge_*`` drops anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Connection, Table, func, select, update

from ..errors import Conflict, ValidationFailed, field_error
from ..fields.base import FieldSpec
from ..fields.entity import EntitySpec
from ..fields.registry import FIELD_TYPES
from ..fields.relations import RelationType, SubTableType
from . import ddl, naming, retired_choices
from .conversion import convert_column
from .tables import EntityTables, build_tables, field_column


@dataclass
class MigrationReport:
    """What a change did to the database, returned to the caller and kept in the revision."""

    created_tables: list[str] = field(default_factory=list)
    added_columns: list[str] = field(default_factory=list)
    converted: list[dict[str, Any]] = field(default_factory=list)
    indexes_created: list[str] = field(default_factory=list)
    indexes_dropped: list[str] = field(default_factory=list)
    filled_defaults: list[dict[str, Any]] = field(default_factory=list)
    retired_choices: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v}


def migrate(conn: Connection, old: EntitySpec | None, new: EntitySpec, *, confirm: bool) -> MigrationReport:
    report = MigrationReport()
    new_tables = build_tables(new)
    if old is None:
        _create_all(conn, new_tables, report)
        return report
    old_tables = build_tables(old)
    _check_no_field_dropped(old, new)
    for fspec in new.fields:
        previous = old.all_fields.get(fspec.key)
        if previous is None:
            _add_field(conn, new_tables, fspec, report)
        else:
            _change_field(conn, old_tables, new_tables, previous, fspec, confirm, report)
    _sync_indexes(conn, old_tables.main, new_tables.main, report)
    return report


def _create_all(conn: Connection, tables: EntityTables, report: MigrationReport) -> None:
    for table in [tables.main, *tables.children.values(), *tables.links.values()]:
        ddl.create_table(conn, table)
        report.created_tables.append(table.name)


def _check_no_field_dropped(old: EntitySpec, new: EntitySpec) -> None:
    missing = [key for key in old.all_fields if key not in new.all_fields]
    if missing:
        raise ValidationFailed(
            "fields cannot vanish from a definition; remove them instead (data is kept)",
            [field_error(key, "missing from the new definition") for key in missing],
        )


def _add_field(conn: Connection, tables: EntityTables, fspec: FieldSpec, report: MigrationReport) -> None:
    ftype = FIELD_TYPES.get(fspec.type)
    if isinstance(ftype, SubTableType):
        ddl.create_table(conn, tables.children[fspec.key])
        report.created_tables.append(tables.children[fspec.key].name)
    elif isinstance(ftype, RelationType) and ftype.is_many(fspec):
        ddl.create_table(conn, tables.links[fspec.key])
        report.created_tables.append(tables.links[fspec.key].name)
    elif ftype.stores_column(fspec):
        ddl.add_column(conn, tables.main, tables.main.c[fspec.key])
        report.added_columns.append(fspec.key)
    if fspec.required and not fspec.removed:
        if fills_default(fspec):
            report.filled_defaults.append(_fill_default(conn, tables.main, fspec))
        _check_required(conn, tables.main, fspec)


def fills_default(fspec: FieldSpec) -> bool:
    """Whether adding ``fspec`` writes its default into the existing live rows.

    Only a required field does: adding it would otherwise be refused for every row
    that has no value yet, and the default is the value the builder chose for a
    record nobody filled in (like ``ADD COLUMN ... DEFAULT``). A field that is not
    required leaves existing rows empty, as a changed default does: defaults are
    for records created from now on. Attachments are never filled: their stored
    value is resolved from uploaded files by the records service, not written as given.
    """
    ftype = FIELD_TYPES.get(fspec.type)
    return (
        fspec.required
        and not fspec.removed
        and fspec.has_default
        and fspec.default is not None
        and ftype.writable
        and ftype.stores_column(fspec)
        and fspec.type != "attachment"
    )


def _fill_default(conn: Connection, table: Table, fspec: FieldSpec) -> dict[str, Any]:
    """Write the default into every live row of a just-added column (soft-deleted rows stay empty)."""
    live = table.c.deleted_at.is_(None)
    if fspec.unique:
        rows = conn.execute(select(func.count()).select_from(table).where(live)).scalar_one()
        if rows > 1:
            raise Conflict(
                f"{fspec.key} is unique, so its default cannot fill {rows} existing records; "
                "add it without required, give each record its own value, then make it required",
                [field_error(fspec.key, "a unique default cannot fill several records", records=rows)],
            )
    value = FIELD_TYPES.get(fspec.type).to_db(fspec.default, fspec)
    filled = conn.execute(update(table).where(live).values({fspec.key: value})).rowcount
    return {"field": fspec.key, "rows": filled}


def _change_field(
    conn: Connection,
    old_tables: EntityTables,
    new_tables: EntityTables,
    before: FieldSpec,
    after: FieldSpec,
    confirm: bool,
    report: MigrationReport,
) -> None:
    old_type, new_type = FIELD_TYPES.get(before.type), FIELD_TYPES.get(after.type)
    if isinstance(old_type, RelationType) or isinstance(new_type, RelationType):
        _check_relation_change(before, after)
    if isinstance(old_type, SubTableType) and isinstance(new_type, SubTableType):
        _change_children(conn, old_tables, new_tables, before, after, confirm, report)
    elif _storage_changed(before, after):
        _check_convertible(before, after)
        result = convert_column(conn, old_tables.main, before, after, new_tables.main, confirm=confirm)
        report.converted.append(result)
    else:
        retired = retired_choices.check_main(conn, new_tables.main, before, after, confirm=confirm)
        if retired:
            report.retired_choices.append(retired)
    if after.required and not after.removed and (not before.required or before.removed):
        _check_required(conn, new_tables.main, after)
    if after.unique and not after.removed and (not before.unique or before.removed):
        _check_unique(conn, new_tables.main, after)


def _storage_changed(before: FieldSpec, after: FieldSpec) -> bool:
    if before.type != after.type:
        return True
    old_column, new_column = field_column(before), field_column(after)
    if old_column is None or new_column is None:
        return False
    return repr(old_column.type) != repr(new_column.type)


def _check_relation_change(before: FieldSpec, after: FieldSpec) -> None:
    if before.type != after.type:
        raise ValidationFailed(
            "relations cannot be converted to or from other types",
            [field_error(after.key, "add a new field instead; this one keeps its data")],
        )
    if before.options.get("target") != after.options.get("target") or bool(before.options.get("many")) != bool(
        after.options.get("many")
    ):
        raise ValidationFailed(
            "a relation's target and cardinality cannot change",
            [field_error(after.key, "add a new relation field instead")],
        )


def _check_convertible(before: FieldSpec, after: FieldSpec) -> None:
    old_type = FIELD_TYPES.get(before.type)
    if before.type != after.type and after.type not in old_type.converts_to:
        raise ValidationFailed(
            f"cannot convert {before.type} to {after.type}",
            [
                field_error(
                    after.key,
                    f"{before.type} converts only to: {', '.join(sorted(old_type.converts_to)) or 'nothing'}",
                )
            ],
        )


def _change_children(
    conn: Connection,
    old_tables: EntityTables,
    new_tables: EntityTables,
    before: FieldSpec,
    after: FieldSpec,
    confirm: bool,
    report: MigrationReport,
) -> None:
    sub = FIELD_TYPES.get("sub_table")
    assert isinstance(sub, SubTableType)
    old_children = {c.key: c for c in sub.child_specs(before)}
    old_table, new_table = old_tables.children[before.key], new_tables.children[after.key]
    for child in sub.child_specs(after):
        previous = old_children.pop(child.key, None)
        if previous is None:
            if FIELD_TYPES.get(child.type).stores_column(child):
                ddl.add_column(conn, new_table, new_table.c[child.key])
                report.added_columns.append(f"{after.key}.{child.key}")
        elif _storage_changed(previous, child):
            _check_convertible(previous, child)
            report.converted.append(convert_column(conn, old_table, previous, child, new_table, confirm=confirm))
        else:
            retired = retired_choices.check_child(
                conn, new_tables.main, new_table, after, previous, child, confirm=confirm
            )
            if retired:
                report.retired_choices.append(retired)
    if old_children:
        raise ValidationFailed(
            "sub-table fields cannot vanish; mark them removed instead",
            [field_error(f"{after.key}.{key}", "missing from the new definition") for key in old_children],
        )


def _check_required(conn: Connection, table: Table, fspec: FieldSpec) -> None:
    ftype = FIELD_TYPES.get(fspec.type)
    if not ftype.stores_column(fspec):
        return
    column = table.c[fspec.key]
    empty: ColumnElement[bool] = column.is_(None)
    if fspec.type in ("text", "long_text", "rich_text", "email", "phone", "url", "select"):
        empty = empty | (column == "")
    count = conn.execute(
        select(func.count()).select_from(table).where(table.c.deleted_at.is_(None), empty)
    ).scalar_one()
    if count:
        # A default is not invented for rows a user left empty: it applies to new records.
        hint = " (its default applies to new records only)" if fspec.default not in (None, "", []) else ""
        raise ValidationFailed(
            f"{count} record(s) have no value for {fspec.key}; fill them before making it required{hint}",
            [field_error(fspec.key, f"{count} record(s) are empty", empty_count=count)],
        )


def _check_unique(conn: Connection, table: Table, fspec: FieldSpec) -> None:
    column = table.c[fspec.key]
    duplicates = conn.execute(
        select(column, func.count().label("n"))
        .where(table.c.deleted_at.is_(None), column.is_not(None))
        .group_by(column)
        .having(func.count() > 1)
        .limit(20)
    ).all()
    if duplicates:
        values = [{"value": row[0], "count": row[1]} for row in duplicates]
        raise Conflict(
            f"{fspec.key} has duplicate values; resolve them before making it unique",
            [field_error(fspec.key, "duplicate values exist", duplicates=values)],
        )


def _sync_indexes(conn: Connection, old_table: Table, new_table: Table, report: MigrationReport) -> None:
    """Create the indexes the new definition wants and drop the ones it no longer does."""
    existing = ddl.existing_indexes(conn, new_table.name)
    wanted = {ix.name: ix for ix in new_table.indexes}
    ours = {ix.name for ix in old_table.indexes}
    for name in sorted(str(n) for n in (ours | existing) - set(wanted) if n is not None):
        if name in existing and name.startswith(("ix_", "ux_")):
            ddl.drop_index(conn, new_table.name, name)
            report.indexes_dropped.append(name)
    for index_name, index in sorted(wanted.items(), key=lambda item: str(item[0])):
        if index_name not in existing:
            ddl.create_index(conn, index)
            report.indexes_created.append(str(index_name))


def purge_field(conn: Connection, spec: EntitySpec, fspec: FieldSpec) -> None:
    """Drop a removed field's storage for good (explicit admin action)."""
    tables = build_tables(spec)
    ftype = FIELD_TYPES.get(fspec.type)
    if isinstance(ftype, SubTableType):
        ddl.drop_table(conn, tables.children[fspec.key].name)
    elif isinstance(ftype, RelationType) and ftype.is_many(fspec):
        ddl.drop_table(conn, tables.links[fspec.key].name)
    elif ftype.stores_column(fspec):
        for unique in (True, False):
            ddl.drop_index(conn, tables.main.name, naming.index_name(tables.main.name, fspec.key, unique))
        ddl.drop_column(conn, tables.main, fspec.key)


def purge_entity(conn: Connection, spec: EntitySpec) -> None:
    tables = build_tables(spec)
    for table in [*tables.links.values(), *tables.children.values(), tables.main]:
        if ddl.table_exists(conn, table.name):
            ddl.drop_table(conn, table.name)
