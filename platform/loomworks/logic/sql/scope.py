"""What a filter's variables refer to: the contract between the compiler and its caller.

The compiler knows no entities or tables; the caller (:mod:`loomworks.records.filter_scope`)
maps each variable path to a column of a known kind, or to a constant of the request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Protocol

from sqlalchemy.sql.elements import ColumnElement

#: The kinds of value a filterable column holds (see :class:`ColumnRef`).
KINDS: Final = frozenset({"text", "number", "boolean", "date", "datetime", "json_list"})


@dataclass(frozen=True)
class ColumnRef:
    """Where a variable's value lives: a column or correlated scalar subquery, and its kind.

    ``json_list`` is a JSON array of strings (JSON on SQLite, JSONB on PostgreSQL); SQL
    NULL, JSON ``null`` and ``[]`` all read as ``null``.
    """

    expr: ColumnElement[Any]
    kind: str


class FilterScope(Protocol):
    """What a filter's variables mean; :mod:`loomworks.records.filter_scope` is the real one."""

    def column(self, path: str) -> ColumnRef | None:
        """The column for a field path, None if the path is not a field (``$user.id``)."""

    def constant(self, path: str) -> tuple[bool, Any]:
        """``(True, value)`` for a constant of the request (``$user.*``, ``$now``)."""
