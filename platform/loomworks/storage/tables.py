"""Entity definition → SQLAlchemy ``Table`` objects (main, sub_table children, link tables).

Columns of removed fields stay in the table (hidden by the records layer) so a
field can be restored with its data. Built tables are cached per entity version
by ``TableCache``; a definition change bumps the version and so the cache key.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Table,
)

from ..core.sqltypes import UtcDateTime
from ..fields.base import FieldSpec
from ..fields.entity import EntitySpec
from ..fields.registry import FIELD_TYPES
from ..fields.relations import RelationType, SubTableType
from . import naming

ID_TYPE = BigInteger().with_variant(Integer(), "sqlite")


def id_column() -> Column[Any]:
    return Column("id", ID_TYPE, primary_key=True, autoincrement=True)


def system_columns() -> list[Column[Any]]:
    return [
        id_column(),
        Column("created_at", UtcDateTime(), nullable=False),
        Column("created_by", BigInteger(), nullable=True),
        Column("updated_at", UtcDateTime(), nullable=False),
        Column("updated_by", BigInteger(), nullable=True),
        Column("owner_id", BigInteger(), nullable=True),
        Column("version", Integer(), nullable=False, server_default="1"),
        Column("deleted_at", UtcDateTime(), nullable=True),
    ]


def field_column(spec: FieldSpec, entity_key: str | None = None) -> Column[Any] | None:
    """The column a field owns, or None when it has none (sub_table, many-to-many, audit)."""
    ftype = FIELD_TYPES.get(spec.type)
    if not ftype.stores_column(spec):
        return None
    args: list[Any] = []
    if isinstance(ftype, RelationType):
        target = naming.entity_table(ftype.target(spec))
        args.append(ForeignKey(f"{target}.id", name=None))
    return Column(spec.key, ftype.column_type(spec), *args, nullable=True)


def field_indexes(table: Table, spec: FieldSpec) -> list[Index]:
    """Indexes a field asks for, bound to ``table``. Unique ones ignore soft-deleted rows."""
    ftype = FIELD_TYPES.get(spec.type)
    if spec.removed or not ftype.stores_column(spec) or not ftype.indexable:
        return []
    column = table.c[spec.key]
    if spec.unique:
        live = table.c.deleted_at.is_(None)
        name = naming.index_name(table.name, spec.key, unique=True)
        return [Index(name, column, unique=True, sqlite_where=live, postgresql_where=live)]
    if spec.indexed or isinstance(ftype, RelationType):
        return [Index(naming.index_name(table.name, spec.key), column)]
    return []


@dataclass
class EntityTables:
    """Everything stored for one entity version."""

    spec: EntitySpec
    metadata: MetaData
    main: Table
    children: dict[str, Table] = field(default_factory=dict)  # sub_table field → child table
    links: dict[str, Table] = field(default_factory=dict)  # many relation field → link table


def build_tables(spec: EntitySpec) -> EntityTables:
    metadata = MetaData()
    _stub_targets(metadata, spec)
    name = naming.entity_table(spec.key)
    columns = system_columns()
    for fspec in spec.fields:
        column = field_column(fspec)
        if column is not None:
            columns.append(column)
    main = Table(name, metadata, *columns)
    for fspec in spec.fields:
        field_indexes(main, fspec)
    tables = EntityTables(spec=spec, metadata=metadata, main=main)
    for fspec in spec.fields:
        ftype = FIELD_TYPES.get(fspec.type)
        if isinstance(ftype, SubTableType):
            tables.children[fspec.key] = child_table(metadata, spec.key, fspec)
        elif isinstance(ftype, RelationType) and ftype.is_many(fspec):
            tables.links[fspec.key] = link_table(metadata, spec.key, fspec)
    return tables


def child_table(metadata: MetaData, entity: str, fspec: FieldSpec) -> Table:
    """Child rows of a sub_table: parent id, position, then one column per child field."""
    parent = naming.entity_table(entity)
    name = naming.child_table(entity, fspec.key)
    sub = FIELD_TYPES.get(fspec.type)
    assert isinstance(sub, SubTableType)
    columns: list[Column[Any]] = [
        id_column(),
        Column(
            "parent_id",
            ID_TYPE,
            ForeignKey(f"{parent}.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        Column("position", Integer(), nullable=False),
    ]
    for child in sub.child_specs(fspec):
        column = field_column(child)
        if column is not None:
            columns.append(column)
    return Table(name, metadata, *columns)


def link_table(metadata: MetaData, entity: str, fspec: FieldSpec) -> Table:
    relation = FIELD_TYPES.get(fspec.type)
    assert isinstance(relation, RelationType)
    source = naming.entity_table(entity)
    target = naming.entity_table(relation.target(fspec))
    name = naming.link_table(entity, fspec.key)
    return Table(
        name,
        metadata,
        Column("source_id", ID_TYPE, ForeignKey(f"{source}.id", ondelete="CASCADE"), primary_key=True),
        Column("target_id", ID_TYPE, ForeignKey(f"{target}.id"), primary_key=True, index=True),
        Column("position", Integer(), nullable=False, server_default="0"),
    )


def _stub_targets(metadata: MetaData, spec: EntitySpec) -> None:
    """Minimal tables for foreign-key targets so DDL can render REFERENCES clauses."""
    names = {naming.entity_table(spec.key)}
    for fspec in _relation_specs(spec):
        relation = FIELD_TYPES.get(fspec.type)
        assert isinstance(relation, RelationType)
        names.add(naming.entity_table(relation.target(fspec)))
    names.discard(naming.entity_table(spec.key))
    for name in sorted(names):
        Table(name, metadata, id_column())


def _relation_specs(spec: EntitySpec) -> list[FieldSpec]:
    found: list[FieldSpec] = []
    for fspec in spec.fields:
        if fspec.type == "relation":
            found.append(fspec)
        elif fspec.type == "sub_table":
            sub = FIELD_TYPES.get("sub_table")
            assert isinstance(sub, SubTableType)
            found.extend(c for c in sub.child_specs(fspec) if c.type == "relation")
    return found


class TableCache:
    """Built tables per entity definition: building is cheap but not free on hot paths."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cache: dict[tuple[str, int, str], EntityTables] = {}

    def get(self, spec: EntitySpec) -> EntityTables:
        key = spec.cache_key
        tables = self._cache.get(key)
        if tables is None:
            with self._lock:  # request threads share one Runtime
                stale = [k for k in self._cache if k[0] == spec.key and k != key]
                for k in stale:
                    del self._cache[k]
                tables = self._cache.get(key) or build_tables(spec)
                self._cache[key] = tables
        return tables
