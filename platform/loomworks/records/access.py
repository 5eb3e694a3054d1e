"""Row scopes and field rules of the acting user, compiled into SQL for one entity and action.

``auth.permissions`` says which grants a user holds; this module turns the grants that
allow an action on an entity into SQL the query and write paths add to their
statements, so nothing is filtered row by row in Python:

* ``rows``: the rows any grant covers (``None``: every row);
* ``masks``: for a field hidden by some grants but not others, where it is visible
  (rows covered by a grant that shows it) — it is selected alongside the row and the
  field is dropped from the JSON where the mask is false;
* ``hidden``: fields no grant shows; ``restricted``: fields any grant hides. A
  restricted field cannot be filtered, sorted, searched or aggregated on, and the
  refusal reads exactly like the one for a field that does not exist.

Writes ask which grants cover the affected row (one SQL query) and accept a field
only if one of those grants leaves it neither hidden nor read-only. Together this is
the sound union of docs/architecture.md: no row-and-field combination that no single
grant allows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, false, or_, select, true

from ..auth.authorize import permissions
from ..auth.permissions import Grant
from ..core.context import Tx
from ..errors import Forbidden, field_error
from ..fields.entity import EntitySpec
from ..logic.sql import compile_filter
from .derived_rules import hide_derived, unresolved_user_values
from .filter_scope import entity_filter_scope

MASK_PREFIX = "__visible__"


@dataclass(frozen=True)
class EntityAccess:
    entity: str
    action: str
    covers: tuple[tuple[Grant, ColumnElement[bool]], ...]
    rows: ColumnElement[bool] | None
    masks: dict[str, ColumnElement[bool]]
    hidden: frozenset[str]
    restricted: frozenset[str]

    def mask_columns(self) -> list[Any]:
        return [condition.label(MASK_PREFIX + key) for key, condition in self.masks.items()]


def entity_access(tx: Tx, spec: EntitySpec, action: str, *, system: bool = False) -> EntityAccess:
    """What the actor may ``action`` on ``spec``; Forbidden when no grant allows it at all.

    ``system`` is for consequences the builder configured (cascading deletes, nulling
    references): they run whatever the actor's own grants on the affected rows are.
    Computed once per transaction for each entity version and action (an update asks for
    read and update access, then reads the result back).
    """
    memo_key = ("entity_access", spec.cache_key, action, system)
    cached: EntityAccess | None = tx.memo.get(memo_key)
    if cached is None:
        cached = tx.memo[memo_key] = _compile_access(tx, spec, action, system)
    return cached


def _compile_access(tx: Tx, spec: EntitySpec, action: str, system: bool) -> EntityAccess:
    grants = (Grant("system", spec.key, frozenset({action})),) if system else _grants(tx, spec.key, action)
    if not system:
        granted = permissions(tx)
        grants = tuple(hide_derived(spec, grant, granted) for grant in grants)
    if not grants:
        raise Forbidden(f"you may not {action} {spec.key} records", data={"entity": spec.key, "action": action})
    scope = entity_filter_scope(tx, spec)
    covers = tuple((g, _covered_rows(g, scope)) for g in grants)
    rows = None if any(g.scope is None for g in grants) else or_(*[c for _, c in covers])
    masks: dict[str, ColumnElement[bool]] = {}
    hidden: set[str] = set()
    restricted: set[str] = set()
    for key in spec.live_fields:
        showing = [(g, c) for g, c in covers if key not in g.hidden_fields]
        if len(showing) == len(covers):
            continue
        restricted.add(key)
        if not showing:
            hidden.add(key)
        else:
            masks[key] = true() if any(g.scope is None for g, _ in showing) else or_(*[c for _, c in showing])
    return EntityAccess(spec.key, action, covers, rows, masks, frozenset(hidden), frozenset(restricted))


def _covered_rows(grant: Grant, scope: Any) -> ColumnElement[bool]:
    if grant.scope is None:
        return true()
    if unresolved_user_values(grant.scope, scope.constant):
        return false()
    return compile_filter(grant.scope, scope)


def definition_hidden(tx: Tx, spec: EntitySpec) -> frozenset[str]:
    """Fields every read grant hides (computed ones included): left out of definitions and schemas."""
    granted = permissions(tx)
    grants = [hide_derived(spec, g, granted) for g in granted.grants_for(spec.key, "read")]
    if not grants:
        return frozenset(spec.live_fields)
    return frozenset(set.intersection(*[set(g.hidden_fields) for g in grants]))


def _grants(tx: Tx, entity: str, action: str) -> tuple[Grant, ...]:
    return permissions(tx).grants_for(entity, action)


def visible_keys(access: EntityAccess, spec: EntitySpec, row: Any) -> set[str]:
    """Field keys of ``spec`` this row may show (``row`` carries the mask columns)."""
    keys = set(spec.live_fields) - access.hidden
    for key in access.masks:
        if not row[MASK_PREFIX + key]:
            keys.discard(key)
    return keys


def strip_invisible(record: dict[str, Any], visible: set[str], spec: EntitySpec) -> dict[str, Any]:
    """Drop fields (and their ``_refs`` entries) the reader may not see on this record."""
    for key in spec.live_fields:
        if key not in visible:
            record.pop(key, None)
            refs = record.get("_refs")
            if isinstance(refs, dict):
                refs.pop(key, None)
    if record.get("_refs") == {}:
        record.pop("_refs")
    return record


def covering_grants(tx: Tx, access: EntityAccess, table: Any, record_id: Any) -> list[Grant]:
    """The grants (of this action) whose scope includes the row, in one query."""
    if not access.covers:
        return []
    labelled = [condition.label(f"g{index}") for index, (_, condition) in enumerate(access.covers)]
    row = tx.conn.execute(select(*labelled).where(table.c.id == record_id)).first()
    if row is None:
        return []
    return [grant for index, (grant, _) in enumerate(access.covers) if row[index]]


def check_writable(grants: Iterable[Grant], spec: EntitySpec, keys: Iterable[str], action: str) -> None:
    """403 naming each sent field that no covering grant lets the actor write."""
    grants = list(grants)
    refused = []
    for key in keys:
        if key not in spec.live_fields:
            continue
        if not any(key not in g.hidden_fields and key not in g.readonly_fields for g in grants):
            refused.append(field_error(key, "is read-only for you" if _shown(grants, key) else "unknown field"))
    if refused:
        raise Forbidden(f"you may not {action} these fields", refused)


def _shown(grants: list[Grant], key: str) -> bool:
    return any(key not in g.hidden_fields for g in grants)


def rows_condition(access: EntityAccess) -> ColumnElement[bool]:
    return true() if access.rows is None else access.rows
