"""DDL primitives run inside the caller's transaction, through Alembic operations.

Both SQLite and PostgreSQL have transactional DDL, so a definition change and
its DDL commit or roll back together. Adding a column never rewrites a table:
on SQLite a foreign-key column is added with SQLite's own ``ADD COLUMN ...
REFERENCES`` (Alembic would otherwise insist on a batch copy); only purging a
foreign-key column uses Alembic's batch (copy-and-move) mode there.
"""

from __future__ import annotations

from typing import Any

from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import Column, Connection, Index, Table, inspect
from sqlalchemy.schema import CreateColumn, CreateIndex


def operations(conn: Connection) -> Operations:
    return Operations(MigrationContext.configure(conn))


def create_table(conn: Connection, table: Table) -> None:
    table.create(conn)


def drop_table(conn: Connection, name: str) -> None:
    operations(conn).drop_table(name)


def add_column(conn: Connection, table: Table, column: Column[Any]) -> None:
    """Add ``table.c[column.name]`` (already bound to ``table``) without rewriting the table."""
    foreign_keys = list(column.foreign_keys)
    if conn.dialect.name == "sqlite" and foreign_keys:
        _sqlite_add_fk_column(conn, table, column)
        return
    detached = column._copy()  # noqa: SLF001 - Alembic needs a column not bound to a table
    operations(conn).add_column(table.name, detached)


def _sqlite_add_fk_column(conn: Connection, table: Table, column: Column[Any]) -> None:
    preparer = conn.dialect.identifier_preparer
    column_sql = str(CreateColumn(column).compile(dialect=conn.dialect))
    target = next(iter(column.foreign_keys)).column
    conn.exec_driver_sql(
        f"ALTER TABLE {preparer.format_table(table)} ADD COLUMN {column_sql} "
        f"REFERENCES {preparer.format_table(target.table)} ({preparer.quote(target.name)})"
    )


def drop_column(conn: Connection, table: Table, column_name: str) -> None:
    column = table.c[column_name]
    if conn.dialect.name == "sqlite" and (column.foreign_keys or _sqlite_indexed(conn, table, column_name)):
        with operations(conn).batch_alter_table(table.name, recreate="always") as batch:
            batch.drop_column(column_name)
        return
    operations(conn).drop_column(table.name, column_name)


def _sqlite_indexed(conn: Connection, table: Table, column_name: str) -> bool:
    return any(column_name in (index.get("column_names") or []) for index in inspect(conn).get_indexes(table.name))


def rename_column(conn: Connection, table: str, old: str, new: str) -> None:
    operations(conn).alter_column(table, old, new_column_name=new)


def create_index(conn: Connection, index: Index) -> None:
    conn.execute(CreateIndex(index))


def drop_index(conn: Connection, table: str, name: str) -> None:
    if name in existing_indexes(conn, table):
        operations(conn).drop_index(name, table_name=table)


def existing_indexes(conn: Connection, table: str) -> set[str]:
    return {str(ix["name"]) for ix in inspect(conn).get_indexes(table)}


def table_exists(conn: Connection, name: str) -> bool:
    return inspect(conn).has_table(name)
