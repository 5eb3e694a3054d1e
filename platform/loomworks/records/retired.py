"""Retired choices on the write path: values a record keeps after their choice was removed.

Removing a choice keeps the values records hold (``storage/retired_choices.py``).
Such a record must stay editable: a form sends the whole record back, retired
value included, and refusing that would force the user to change a value they
never touched. So a retired value that a write sends back *unchanged* (the same
select value, or a multi_select item the record already holds) is set aside
before validation and put back afterwards. A retired value the record does not
already hold is refused like any unknown choice: nobody can pick one anew.
The same applies to select fields of sub-table rows sent with their ``id``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..fields.base import FieldSpec
from ..fields.choice import choice_values
from ..fields.entity import EntitySpec
from ..fields.registry import FIELD_TYPES
from ..fields.relations import SubTableType


@dataclass
class Kept:
    """Retired values set aside from a body: by field, and by sub-table field and row index."""

    fields: dict[str, Any] = field(default_factory=dict)
    rows: dict[str, dict[int, dict[str, Any]]] = field(default_factory=dict)


def set_aside(spec: EntitySpec, body: dict[str, Any], current: Mapping[str, Any] | None) -> tuple[dict[str, Any], Kept]:
    """``body`` without the retired values it carries over from ``current``, and those values."""
    kept = Kept()
    if current is None:
        return body, kept
    checked, kept.fields = _split(spec.live_fields, body, current)
    for key, rows in body.items():
        fspec = spec.live_fields.get(key)
        if fspec is None or not isinstance(rows, list) or not isinstance(current.get(key), list):
            continue
        sub = FIELD_TYPES.get(fspec.type)
        if not isinstance(sub, SubTableType):
            continue
        children = {c.key: c for c in sub.child_specs(fspec) if not c.removed}
        held = {r["id"]: r for r in current[key] if isinstance(r, dict) and "id" in r}
        new_rows = list(rows)
        for index, row in enumerate(rows):
            row_id = row.get("id") if isinstance(row, dict) else None
            if not isinstance(row_id, int) or row_id not in held:
                continue
            new_rows[index], row_kept = _split(children, row, held[row_id])
            if row_kept:
                kept.rows.setdefault(key, {})[index] = row_kept
        if key in kept.rows:
            checked[key] = new_rows
    return checked, kept


def final(value: Any) -> Any:
    """The value to store for a set-aside one (a multi_select list loses duplicates, keeps order)."""
    return list(dict.fromkeys(value)) if isinstance(value, list) else value


def _split(
    fields: Mapping[str, FieldSpec], sent: dict[str, Any], held: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    checked = dict(sent)
    kept: dict[str, Any] = {}
    for key, value in sent.items():
        fspec = fields.get(key)
        if fspec is None or fspec.type not in ("select", "multi_select"):
            continue
        offered = set(choice_values(fspec))
        before = held.get(key)
        if fspec.type == "select":
            if isinstance(value, str) and value == before and value not in offered:
                del checked[key]
                kept[key] = value
            continue
        if not isinstance(value, list) or not isinstance(before, list):
            continue
        retired = {v for v in before if isinstance(v, str) and v not in offered}
        carried = [v for v in value if isinstance(v, str) and v in retired]
        if carried:
            checked[key] = [v for v in value if not (isinstance(v, str) and v in retired)]
            kept[key] = value
    return checked, kept
