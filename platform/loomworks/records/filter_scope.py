"""How JsonLogic variables map onto an entity's columns, for the SQL compiler.

Record fields resolve to their columns; system fields use their record-JSON names
(``_owner``, ``_created_at``...); ``relation.field`` follows one relation hop as a
correlated subquery; ``$user.*`` and ``$now`` are constants of the request.
Anything else is a clear 400 naming the variable.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, Table, select

from ..core.context import Tx
from ..core.sqltypes import utcnow
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


#: For a relation hop: the target's readable rows (None: all) and fields the reader may not use.
HopAccess = Callable[[EntitySpec], tuple[ColumnElement[bool] | None, frozenset[str]]]


class EntityFilterScope:
    """FilterScope over one entity table; ``tables_by_key`` finds relation targets.

    ``restricted`` fields (hidden from the reader by some grant) and, through
    ``hop_access``, the target's restricted fields and unreadable rows behave exactly
    like fields that do not exist: a filter cannot be used to probe them.
    """

    def __init__(
        self,
        spec: EntitySpec,
        table: Table,
        tables_by_key: Any,
        constants: dict[str, Any],
        restricted: frozenset[str] = frozenset(),
        hop_access: HopAccess | None = None,
    ) -> None:
        self.spec = spec
        self.table = table
        self.tables_by_key = tables_by_key
        self.constants = constants
        self.restricted = restricted
        self.hop_access = hop_access

    def column(self, path: str) -> ColumnRef | None:
        if not isinstance(path, str) or path.startswith("$"):
            return None
        head, _, rest = path.partition(".")
        if head in self.restricted:
            raise _unknown(path)
        ref = self._local(self.spec, self.table, path)
        if ref is not None:
            return ref
        fspec = self.spec.live_fields.get(head)
        ftype = FIELD_TYPES.get(fspec.type) if fspec else None
        if rest and isinstance(ftype, RelationType) and fspec and not ftype.is_many(fspec):
            target = self.tables_by_key(ftype.target(fspec))
            rows, hidden = self.hop_access(target.spec) if self.hop_access else (None, frozenset())
            inner = None if rest in hidden else self._local(target.spec, target.main, rest)
            if inner is not None:
                hop = select(inner.expr).where(target.main.c.id == self.table.c[head])
                if rows is not None:
                    hop = hop.where(rows)  # an unreadable target reads as empty
                return ColumnRef(hop.correlate(self.table).scalar_subquery(), inner.kind)
        raise _unknown(path)

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


def _unknown(path: str) -> UnknownFilterField:
    return UnknownFilterField(f"cannot filter on {path[:100]!r}: no such field or it is not filterable")


def entity_filter_scope(
    tx: Tx,
    spec: EntitySpec,
    restricted: frozenset[str] = frozenset(),
    hop_access: HopAccess | None = None,
) -> EntityFilterScope:
    """The scope filters and row scopes of ``spec`` compile in: fields, one hop, ``$user``, ``$now``."""
    constants = {"$user": tx.actor.logic_context(), "$now": utcnow().isoformat()}
    table = tx.runtime.tables_for(spec).main
    return EntityFilterScope(spec, table, tx.runtime.tables_by_key, constants, restricted, hop_access)
