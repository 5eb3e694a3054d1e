"""Choices for a relation or user field on a form: the target records the caller may read, by title.

A relation picker searches as the user types. The search runs through the records
query path, so the target entity's row scope and field rules apply exactly as on its
own list: a picker never offers (or names) a record its user could not open.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select

from ..auth.authorize import permissions
from ..auth.models import users
from ..core.context import Tx
from ..errors import NotFound
from ..fields.base import FieldSpec
from ..fields.entity import EntitySpec
from ..fields.registry import FIELD_TYPES
from ..fields.relations import RelationType, SubTableType, UserType
from ..records.query import ListParams, list_records, readable_rows
from ..records.serialize import target_titles
from .compile import caller_field_sets
from .definitions import field_items, resolve_form

MAX_OPTIONS = 50


def _may_fill(tx: Tx, spec: EntitySpec, key: str) -> bool:
    """Whether the caller may write ``key`` when creating or when updating (some record)."""
    for action in ("create", "update"):
        if not permissions(tx).grants_for(spec.key, action):
            continue
        hidden, readonly = caller_field_sets(tx, spec, action)
        if key not in hidden and key not in readonly:
            return True
    return False


def _picker_field(spec: EntitySpec, on_form: set[str], field_key: str) -> FieldSpec | None:
    parent_key, _, column = field_key.partition(".")
    parent = spec.live_fields.get(parent_key) if parent_key in on_form else None
    if parent is None or not column:
        return parent
    parent_type = FIELD_TYPES.get(parent.type)
    if not isinstance(parent_type, SubTableType):
        return None
    return next((c for c in parent_type.child_specs(parent) if c.key == column and not c.removed), None)


def user_options(conn: Connection, q: str | None, limit: int) -> dict[str, Any]:
    """Active users whose name contains ``q``: names only, as record references show them to
    every signed-in user (emails stay with administrators)."""
    query = select(users.c.id, users.c.name).where(users.c.active.is_(True)).order_by(users.c.name, users.c.id)
    if q:
        query = query.where(func.lower(users.c.name).contains(q.lower(), autoescape=True))
    rows = conn.execute(query.limit(limit)).all()
    return {"entity": "user", "items": [{"id": r.id, "title": r.name or f"#{r.id}"} for r in rows], "next_cursor": None}


def relation_options(tx: Tx, form_key: str, field_key: str, q: str | None, limit: int = 20) -> dict[str, Any]:
    """``{items: [{id, title}], next_cursor}`` of readable target records matching ``q``.

    ``field_key`` is a field of the form, or ``<sub_table>.<column>`` for a picker in a row."""
    doc, _, spec = resolve_form(tx, form_key)
    fspec = _picker_field(spec, {item["key"] for item in field_items(doc)}, field_key)
    if fspec is not None and not _may_fill(tx, spec, field_key.partition(".")[0]):
        fspec = None  # a picker is for filling the field in: no write access, no choices
    ftype = FIELD_TYPES.get(fspec.type) if fspec else None
    if fspec is not None and isinstance(ftype, UserType):
        return user_options(tx.conn, q, max(1, min(limit, MAX_OPTIONS)))
    if fspec is None or not isinstance(ftype, RelationType):
        raise NotFound(f"form {form_key!r} has no relation or user field {field_key[:100]!r}")
    target = ftype.target(fspec)
    page = list_records(tx, target, ListParams(q=q, limit=max(1, min(limit, MAX_OPTIONS)), fields=["id"]))
    ids = [item["id"] for item in page["items"]]
    titles = target_titles(tx.conn, tx.runtime.tables_by_key, target, set(ids), readable=readable_rows(tx))
    return {
        "entity": target,
        "items": [{"id": record_id, "title": titles.get(record_id)} for record_id in ids],
        "next_cursor": page["next_cursor"],
    }
