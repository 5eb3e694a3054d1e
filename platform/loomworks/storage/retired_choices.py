"""Choices taken out of a select or multi_select while live records still hold them.

Records store a choice's ``value``, so removing a choice from the definition would
leave every record that uses it holding a value the field no longer offers. That
changes what users see of their data, so it is treated like a lossy conversion:
a 409 with the count and a sample of the affected records (``id`` and stored
value, and the child ``row`` for a sub-table field) unless the caller confirmed.

Confirmed or not, nothing is deleted. The value stays in the column as a
*retired* choice: records keep showing it, a write that sends it back unchanged
is accepted (``records/retired.py``), and putting the choice back into the
definition makes those values ordinary again.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, Table, select

from ..errors import Conflict, field_error
from ..fields.base import FieldSpec
from ..fields.choice import choice_values
from .conversion import PREVIEW_ROWS

CHOICE_TYPES = frozenset({"select", "multi_select"})


def removed_choices(before: FieldSpec, after: FieldSpec) -> list[str]:
    """Choice values ``before`` offered that ``after`` no longer does (same choice type only).

    A change of type is a conversion and judged as one, value by value.
    """
    if before.type != after.type or after.type not in CHOICE_TYPES:
        return []
    offered = set(choice_values(after))
    return [value for value in choice_values(before) if value not in offered]


def check_main(
    conn: Connection, table: Table, before: FieldSpec, after: FieldSpec, *, confirm: bool
) -> dict[str, Any] | None:
    """Judge removed choices of a field of the entity table; live records only."""
    removed = removed_choices(before, after)
    if not removed:
        return None
    column = table.c[after.key]
    query = select(table.c.id, column).where(table.c.deleted_at.is_(None), column.is_not(None))
    if after.type == "select":
        query = query.where(column.in_(removed))
    rows = ({"id": row[0], "value": row[1]} for row in conn.execute(query.order_by(table.c.id)))
    return _judge(after.key, after.type, removed, rows, confirm)


def check_child(
    conn: Connection,
    main: Table,
    child: Table,
    sub_table: FieldSpec,
    before: FieldSpec,
    after: FieldSpec,
    *,
    confirm: bool,
) -> dict[str, Any] | None:
    """Judge removed choices of a sub-table field; rows of live parent records only."""
    removed = removed_choices(before, after)
    if not removed:
        return None
    column = child.c[after.key]
    live_parents = select(main.c.id).where(main.c.deleted_at.is_(None))
    query = select(child.c.parent_id, child.c.id, column).where(
        child.c.parent_id.in_(live_parents), column.is_not(None)
    )
    if after.type == "select":
        query = query.where(column.in_(removed))
    rows = (
        {"id": row[0], "row": row[1], "value": row[2]}
        for row in conn.execute(query.order_by(child.c.parent_id, child.c.id))
    )
    return _judge(f"{sub_table.key}.{after.key}", after.type, removed, rows, confirm)


def _judge(
    key: str, type_: str, removed: list[str], rows: Iterable[dict[str, Any]], confirm: bool
) -> dict[str, Any] | None:
    """Raise the preview unless confirmed; return what the revision should remember."""
    affected = [row for row in rows if _uses(row["value"], type_, removed)]
    if not affected:
        return None
    records = len({row["id"] for row in affected})
    summary: dict[str, Any] = {"field": key, "removed_choices": removed, "records": records}
    if not confirm:
        names = ", ".join(repr(value) for value in removed)
        raise Conflict(
            f"removing choice(s) {names} from {key} affects {records} record(s) that use them; "
            "repeat with confirm: true to apply (their values are kept, not deleted)",
            [field_error(key, "choices still in use need confirmation to be removed")],
            data={"preview": {**summary, "affected": affected[:PREVIEW_ROWS]}},
        )
    return summary


def _uses(value: Any, type_: str, removed: list[str]) -> bool:
    if type_ == "select":
        return value in removed
    return isinstance(value, list) and any(item in removed for item in value)
