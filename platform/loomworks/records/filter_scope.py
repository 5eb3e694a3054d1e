"""How JsonLogic variables map onto an entity's columns, for the SQL compiler.

Record fields resolve to their columns; system fields use their record-JSON names
(``_owner``, ``_created_at``...); ``relation.field`` follows one relation hop as a
correlated subquery; ``$user.*`` and ``$now`` are constants of the request.
Anything else is a clear 400 naming the variable.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, select

from ..errors import BadRequest
from ..fields.entity import EntitySpec
from ..fields.registry import FIELD_TYPES
from ..fields.relations import RelationType
from ..logic.sql import ColumnRef

SYSTEM_REFS = {
    "id": ("id", "number"),
    "_version": ("version", "number"),
    "_owner": ("owner_id", "number"),
    "_created_by": ("created_by", "number"),
    "_updated_by": ("updated_by", "number"),
    "_created_at": ("created_at", "datetime"),
    "_updated_at": ("updated_at", "datetime"),
}


class UnknownFilterField(BadRequest):
    pass


class EntityFilterScope:
    """FilterScope over one entity table; ``tables_by_key`` finds relation targets."""

    def __init__(self, spec: EntitySpec, table: Table, tables_by_key: Any, constants: dict[str, Any]) -> None:
        self.spec = spec
        self.table = table
        self.tables_by_key = tables_by_key
        self.constants = constants

    def column(self, path: str) -> ColumnRef | None:
        if not isinstance(path, str) or path.startswith("$"):
            return None
        ref = self._local(self.spec, self.table, path)
        if ref is not None:
            return ref
        head, _, rest = path.partition(".")
        fspec = self.spec.live_fields.get(head)
        ftype = FIELD_TYPES.get(fspec.type) if fspec else None
        if rest and isinstance(ftype, RelationType) and fspec and not ftype.is_many(fspec):
            target = self.tables_by_key(ftype.target(fspec))
            inner = self._local(target.spec, target.main, rest)
            if inner is not None:
                hop = (
                    select(inner.expr)
                    .where(target.main.c.id == self.table.c[head])
                    .correlate(self.table)
                    .scalar_subquery()
                )
                return ColumnRef(hop, inner.kind)
        raise UnknownFilterField(f"cannot filter on {path[:100]!r}: no such field or it is not filterable")

    @staticmethod
    def _local(spec: EntitySpec, table: Table, path: str) -> ColumnRef | None:
        if path in SYSTEM_REFS:
            column, kind = SYSTEM_REFS[path]
            return ColumnRef(table.c[column], kind)
        fspec = spec.live_fields.get(path)
        if fspec is None:
            return None
        ftype = FIELD_TYPES.get(fspec.type)
        field_kind = ftype.kind(fspec)
        column_name = ftype.system_column(fspec) or (fspec.key if ftype.stores_column(fspec) else None)
        if field_kind is None or column_name is None:
            return None
        return ColumnRef(table.c[column_name], field_kind)

    def constant(self, path: str) -> tuple[bool, Any]:
        if not isinstance(path, str) or not path.startswith("$"):
            return False, None
        head, _, rest = path.partition(".")
        if head not in self.constants:
            return False, None
        value = self.constants[head]
        for part in rest.split(".") if rest else []:
            if isinstance(value, dict) and part in value:
                value = value[part]
            else:
                return True, None
        return True, value
