"""The query path: filter, search, sort, keyset pages, projection and totals.

Filters are JsonLogic compiled to SQLAlchemy expressions (never string-built
SQL). Pages are keyset-based with an opaque cursor that also pins the sort, so a
cursor can't be replayed against a different ordering. Totals are exact up to
``EXACT_TOTAL_LIMIT`` matching rows; beyond that PostgreSQL's planner estimate is
returned and flagged as such (SQLite, the small-scale default, counts exactly).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, false, func, or_, select, true

from ..auth.authorize import authorize
from ..core.context import Tx
from ..core.db import CASEFOLD_FUNCTION
from ..errors import BadRequest, Forbidden, field_error
from ..fields.entity import EntitySpec
from ..fields.registry import FIELD_TYPES
from ..fields.temporal import parse_date, parse_datetime
from ..logic.sql import compile_filter
from .access import EntityAccess, entity_access, strip_invisible, visible_keys
from .filter_scope import SYSTEM_REFS, HopAccess, entity_filter_scope
from .serialize import RecordReader, attach_related

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
EXACT_TOTAL_LIMIT = 10_000
MAX_SORT_KEYS = 5
MAX_QUERY_TEXT = 200


@dataclass
class ListParams:
    where: Any = None
    q: str | None = None
    sort: list[str] = field(default_factory=list)
    limit: int = DEFAULT_LIMIT
    cursor: str | None = None
    fields: list[str] | None = None
    with_total: bool = True
    deleted: bool = False


@dataclass(frozen=True)
class SortKey:
    name: str
    column: Any
    kind: str
    descending: bool


def list_records(tx: Tx, entity: str, params: ListParams) -> dict[str, Any]:
    spec = tx.runtime.entities.get(tx.conn, entity)
    authorize(tx, "read", f"entity:{entity}")
    table = tx.runtime.tables_for(spec).main
    access = entity_access(tx, spec, "read")
    condition = build_condition(tx, spec, params, access)
    keys = sort_keys(spec, table, params.sort, access.restricted)
    signature = _signature(keys)
    page_condition = condition
    if params.cursor:
        page_condition = and_(condition, _after(keys, decode_cursor(params.cursor, signature, keys)))
    fields = projection(spec, params.fields, access.hidden)
    limit = _limit(params.limit)
    records, rows, more = read_page(tx, spec, access, fields, keys, page_condition, limit)
    next_cursor = encode_cursor(signature, keys, rows[-1]) if more and rows else None
    total, estimate = count(tx.conn, table, condition) if params.with_total else (None, False)
    return {"items": records, "next_cursor": next_cursor, "total": total, "total_is_estimate": estimate}


def read_page(
    tx: Tx,
    spec: EntitySpec,
    access: EntityAccess,
    fields: list[Any],
    keys: list[SortKey],
    condition: ColumnElement[bool],
    limit: int,
) -> tuple[list[dict[str, Any]], list[Any], bool]:
    """One keyset page as the reader sees it: records (related data attached, masked fields
    dropped), their rows (for the next cursor) and whether more rows follow."""
    tables = tx.runtime.tables_for(spec)
    table = tables.main
    order = []
    for key in keys:
        ordered = key.column.desc() if key.descending else key.column.asc()
        order.append(ordered.nulls_last())
    statement = select(table, *access.mask_columns()).where(condition).order_by(*order).limit(limit + 1)
    rows = list(tx.conn.execute(statement).mappings().all())
    more = len(rows) > limit
    rows = rows[:limit]
    read = RecordReader(fields, table.c.keys())
    records = [read(row) for row in rows]
    attach_related(tx.conn, tx.runtime.tables_by_key, tables, records, fields, readable_rows(tx))
    if access.masks:
        for record, row in zip(records, rows, strict=True):
            strip_invisible(record, visible_keys(access, spec, row), spec)
    return records, rows, more


def after_row(keys: list[SortKey], row: Any) -> ColumnElement[bool]:
    """Rows strictly after ``row`` in the order of ``keys`` (the next keyset page)."""
    return _after(keys, [row[k.column.name] for k in keys])


def build_condition(tx: Tx, spec: EntitySpec, params: ListParams, access: EntityAccess) -> ColumnElement[bool]:
    """Trash or live rows, the reader's row scope, the filter and the text search, ANDed."""
    table = tx.runtime.tables_for(spec).main
    live = table.c.deleted_at.is_not(None) if params.deleted else table.c.deleted_at.is_(None)
    parts: list[ColumnElement[bool]] = [live]
    if access.rows is not None:
        parts.append(access.rows)
    if params.where not in (None, {}, True):
        scope = entity_filter_scope(tx, spec, access.restricted, readable_rows(tx))
        parts.append(compile_filter(params.where, scope))
    if params.q:
        parts.append(text_search(spec, table, params.q, tx.conn.dialect.name, access.restricted))
    return and_(*parts)


def text_search(
    spec: EntitySpec, table: Any, q: str, dialect: str = "postgresql", restricted: frozenset[str] = frozenset()
) -> ColumnElement[bool]:
    """Case-insensitive (beyond ASCII too) substring match over every searchable text field the reader may see."""
    q = q.strip()[:MAX_QUERY_TEXT]
    columns = [
        table.c[f.key]
        for f in spec.live_fields.values()
        if FIELD_TYPES.get(f.type).searchable and FIELD_TYPES.get(f.type).stores_column(f) and f.key not in restricted
    ]
    if not q:
        return true()
    if not columns:
        return false()
    if dialect == "sqlite":
        pattern = f"%{_escape_like(q.casefold())}%"
        casefold = getattr(func, CASEFOLD_FUNCTION)
        return or_(*[casefold(column).like(pattern, escape="\\") for column in columns])
    return or_(*[column.ilike(f"%{_escape_like(q)}%", escape="\\") for column in columns])


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def sort_keys(spec: EntitySpec, table: Any, sort: list[str], restricted: frozenset[str] = frozenset()) -> list[SortKey]:
    if len(sort) > MAX_SORT_KEYS:
        raise BadRequest(f"sort by at most {MAX_SORT_KEYS} fields", [field_error("sort", "too many keys")])
    keys: list[SortKey] = []
    for item in sort:
        descending = item.startswith("-")
        name = item.lstrip("-+").strip()
        if name in restricted:  # sorting reveals order: a hidden field sorts like one that does not exist
            raise BadRequest(
                f"cannot sort by {name[:100]!r}: no such field", [field_error("sort", f"unknown field {name[:100]!r}")]
            )
        keys.append(_sort_key(spec, table, name, descending))
    if not any(k.name == "id" for k in keys):
        keys.append(SortKey("id", table.c.id, "number", bool(keys and keys[0].descending)))
    return keys


def _sort_key(spec: EntitySpec, table: Any, name: str, descending: bool) -> SortKey:
    if name in SYSTEM_REFS:
        column, kind = SYSTEM_REFS[name]
        return SortKey(name, table.c[column], kind, descending)
    fspec = spec.live_fields.get(name)
    if fspec is None:
        raise BadRequest(
            f"cannot sort by {name[:100]!r}: no such field", [field_error("sort", f"unknown field {name[:100]!r}")]
        )
    ftype = FIELD_TYPES.get(fspec.type)
    column_name = ftype.system_column(fspec) or (fspec.key if ftype.stores_column(fspec) else None)
    if not ftype.sortable or column_name is None or ftype.kind(fspec) is None:
        raise BadRequest(f"cannot sort by {name!r}", [field_error("sort", f"{fspec.type} fields are not sortable")])
    return SortKey(name, table.c[column_name], ftype.kind(fspec) or "text", descending)


def projection(spec: EntitySpec, names: list[str] | None, hidden: frozenset[str] = frozenset()) -> list[Any]:
    if not names:
        return [f for f in spec.live_fields.values() if f.key not in hidden]
    unknown = [n for n in names if (n not in spec.live_fields or n in hidden) and n != "id" and not n.startswith("_")]
    if unknown:
        raise BadRequest(
            "unknown fields requested", [field_error("fields", f"unknown field {n[:100]!r}") for n in unknown]
        )
    return [spec.live_fields[n] for n in names if n in spec.live_fields]


def readable_rows(tx: Tx) -> HopAccess:
    """For relation hops and titles: which rows of another entity the reader may read."""

    def hop(target: EntitySpec) -> tuple[ColumnElement[bool] | None, frozenset[str]]:
        try:
            access = entity_access(tx, target, "read")
        except Forbidden:
            return false(), frozenset(target.live_fields)
        return access.rows, access.restricted

    return hop


def _limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise BadRequest(f"limit must be between 1 and {MAX_LIMIT}", [field_error("limit", "out of range")])
    return limit


# --- keyset cursor ---------------------------------------------------------------------------


def _signature(keys: list[SortKey]) -> str:
    text = ",".join(("-" if k.descending else "") + k.name for k in keys)
    return hashlib.sha1(text.encode()).hexdigest()[:12]


def encode_cursor(signature: str, keys: list[SortKey], row: Any) -> str:
    values = [_jsonable(row[k.column.name]) for k in keys]
    raw = json.dumps({"s": signature, "v": values}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, signature: str, keys: list[SortKey]) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        values = data["v"]
        if data["s"] != signature or not isinstance(values, list) or len(values) != len(keys):
            raise ValueError("cursor does not match this query")
        return [_from_json(v, k.kind) for v, k in zip(values, keys, strict=True)]
    except (ValueError, KeyError, TypeError, binascii.Error, json.JSONDecodeError, UnicodeDecodeError):
        raise BadRequest(
            "invalid cursor; start again without one", [field_error("cursor", "invalid or from another query")]
        ) from None


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _from_json(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "datetime":
        return parse_datetime(value)
    if kind == "date":
        return parse_date(value)
    if isinstance(value, str) and kind == "number":
        return Decimal(value)
    return value


def _after(keys: list[SortKey], values: list[Any]) -> ColumnElement[bool]:
    """Rows strictly after the cursor in (sort keys..., id) order, NULLs sorting last."""
    alternatives = []
    for index, key in enumerate(keys):
        equal_before = [_equal(k, v) for k, v in zip(keys[:index], values[:index], strict=True)]
        alternatives.append(and_(*equal_before, _beyond(key, values[index])))
    return or_(*alternatives)


def _equal(key: SortKey, value: Any) -> ColumnElement[bool]:
    condition: ColumnElement[bool] = key.column.is_(None) if value is None else key.column == value
    return condition


def _beyond(key: SortKey, value: Any) -> ColumnElement[bool]:
    if value is None:
        return false()
    later = key.column < value if key.descending else key.column > value
    return or_(later, key.column.is_(None))


# --- totals ----------------------------------------------------------------------------------


def count(conn: Connection, table: Any, condition: ColumnElement[bool]) -> tuple[int, bool]:
    capped = select(table.c.id).where(condition).limit(EXACT_TOTAL_LIMIT + 1).subquery()
    total = int(conn.execute(select(func.count()).select_from(capped)).scalar_one())
    if total <= EXACT_TOTAL_LIMIT:
        return total, False
    if conn.dialect.name == "postgresql":
        return _pg_estimate(conn, table, condition), True
    return int(conn.execute(select(func.count()).select_from(table).where(condition)).scalar_one()), False


def _pg_estimate(conn: Connection, table: Any, condition: ColumnElement[bool]) -> int:
    query = select(table.c.id).where(condition)
    compiled = query.compile(dialect=conn.dialect)
    plan = conn.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {compiled}", compiled.params).scalar_one()
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])
