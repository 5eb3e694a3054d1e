"""Grouped aggregates for dashboards: group by up to two fields, date fields bucketed.

Buckets are computed in SQL with the same labels on both databases: day
``2026-03-01``, ISO week ``2026-W09``, month ``2026-03``, quarter ``2026-Q1``,
year ``2026`` (datetimes are bucketed in UTC).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, String, cast, func, literal, select

from ..auth.authorize import authorize
from ..core.context import Tx
from ..errors import BadRequest, field_error
from ..fields.entity import EntitySpec
from ..fields.registry import FIELD_TYPES
from ..fields.relations import RelationType
from .access import entity_access
from .query import ListParams, build_condition, readable_rows
from .serialize import target_titles, user_names

#: Fields holding a user's id: their groups are titled with the person's name.
USER_TYPES = ("user", "created_by", "updated_by")

BUCKETS = ("day", "week", "month", "quarter", "year")
METRICS = ("count", "sum", "avg", "min", "max")
NUMERIC_KINDS = ("number",)
MAX_GROUPS = 1000


@dataclass(frozen=True)
class Grouping:
    field: str
    bucket: str | None
    expr: Any


def aggregate(tx: Tx, entity: str, group_by: list[str], metrics: list[str], where: Any = None) -> dict[str, Any]:
    spec = tx.runtime.entities.get(tx.conn, entity)
    authorize(tx, "read", f"entity:{entity}")
    table = tx.runtime.tables_for(spec).main
    dialect = tx.conn.dialect.name
    if len(group_by) > 2:
        raise BadRequest("group by at most two fields", [field_error("group_by", "too many fields")])
    access = entity_access(tx, spec, "read")
    usable = spec.without(access.restricted)  # hidden fields group and total like absent ones
    groupings = [_grouping(usable, table, item, dialect) for item in group_by]
    measures = [_metric(usable, table, item) for item in (metrics or ["count"])]
    condition = build_condition(tx, spec, ListParams(where=where), access)
    columns = [g.expr.label(f"g{i}") for i, g in enumerate(groupings)]
    query = select(*columns, *[m[1].label(m[0]) for m in measures]).where(condition)
    if groupings:
        # Empty values group last on every database (SQLite would put them first).
        order = [g.expr.asc().nulls_last() for g in groupings]
        query = query.group_by(*[g.expr for g in groupings]).order_by(*order)
    rows = tx.conn.execute(query.limit(MAX_GROUPS)).mappings().all()
    groups = []
    for row in rows:
        group: dict[str, Any] = {"key": {g.field: row[f"g{i}"] for i, g in enumerate(groupings)}}
        for name, _ in measures:
            group[name] = _number(row[name])
        groups.append(group)
    _attach_titles(tx, spec, groupings, groups)
    return {"groups": groups}


def _grouping(spec: EntitySpec, table: Any, item: str, dialect: str) -> Grouping:
    name, _, bucket = item.partition(":")
    fspec = spec.live_fields.get(name)
    if fspec is None:
        raise BadRequest(f"cannot group by {name[:100]!r}", [field_error("group_by", f"unknown field {name[:100]!r}")])
    ftype = FIELD_TYPES.get(fspec.type)
    kind = ftype.kind(fspec)
    column_name = ftype.system_column(fspec) or (fspec.key if ftype.stores_column(fspec) else None)
    if kind is None or kind == "json_list" or column_name is None:
        raise BadRequest(
            f"cannot group by {name!r}", [field_error("group_by", f"{fspec.type} fields cannot be grouped")]
        )
    column = table.c[column_name]
    if kind in ("date", "datetime"):
        bucket = bucket or "day"
        if bucket not in BUCKETS:
            raise BadRequest(
                f"unknown bucket {bucket[:20]!r}",
                [field_error("group_by", f"bucket must be one of {', '.join(BUCKETS)}")],
            )
        return Grouping(name, bucket, _bucket(column, bucket, dialect))
    if bucket:
        raise BadRequest(f"{name!r} is not a date", [field_error("group_by", "only date fields take a bucket")])
    return Grouping(name, None, column)


def _bucket(column: Any, bucket: str, dialect: str) -> Any:
    if dialect == "postgresql":
        pattern = {
            "day": "YYYY-MM-DD",
            "week": 'IYYY-"W"IW',
            "month": "YYYY-MM",
            "quarter": 'YYYY-"Q"Q',
            "year": "YYYY",
        }
        return func.to_char(column, pattern[bucket])
    if bucket == "quarter":
        month = cast(func.strftime("%m", column), Integer)
        return func.strftime("%Y", column) + literal("-Q") + cast((month + 2) // 3, String)
    if bucket == "week":
        # ISO week: the week belongs to the year of its Thursday.
        weekday = (cast(func.strftime("%w", column), Integer) + 6) % 7
        thursday = func.date(column, literal("-") + cast(weekday, String) + literal(" days"), "+3 days")
        week = (cast(func.strftime("%j", thursday), Integer) - 1) // 7 + 1
        return func.strftime("%Y", thursday) + literal("-W") + func.printf("%02d", week)
    pattern = {"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}
    return func.strftime(pattern[bucket], column)


def _metric(spec: EntitySpec, table: Any, item: str) -> tuple[str, Any]:
    name, _, field_key = item.partition(":")
    if name not in METRICS:
        raise BadRequest(f"unknown metric {name[:20]!r}", [field_error("metrics", f"use one of {', '.join(METRICS)}")])
    if name == "count":
        return "count", func.count()
    fspec = spec.live_fields.get(field_key)
    if fspec is None:
        raise BadRequest(f"unknown field {field_key[:100]!r}", [field_error("metrics", f"{name} needs a field")])
    ftype = FIELD_TYPES.get(fspec.type)
    kind = ftype.kind(fspec)
    allowed = NUMERIC_KINDS + (("date", "datetime") if name in ("min", "max") else ())
    if kind not in allowed or not ftype.stores_column(fspec) or isinstance(ftype, RelationType) or fspec.type == "user":
        raise BadRequest(f"cannot {name} {field_key!r}", [field_error("metrics", f"{name} needs a numeric field")])
    return f"{name}_{field_key}", getattr(func, name)(table.c[fspec.key])


def _number(value: Any) -> Any:
    if value is None or isinstance(value, int | str):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    number = float(value)
    return int(number) if number.is_integer() else number


def _attach_titles(tx: Tx, spec: EntitySpec, groupings: list[Grouping], groups: list[dict[str, Any]]) -> None:
    for grouping in groupings:
        fspec = spec.live_fields[grouping.field]
        ftype = FIELD_TYPES.get(fspec.type)
        ids = {g["key"][grouping.field] for g in groups if g["key"][grouping.field] is not None}
        titles: dict[Any, str | None]
        if fspec.type in USER_TYPES:
            titles = dict(user_names(tx.conn, ids))
        elif isinstance(ftype, RelationType):
            titles = target_titles(
                tx.conn,
                tx.runtime.tables_by_key,
                ftype.target(fspec),
                ids,
                include_deleted=True,
                readable=readable_rows(tx),
            )
        else:
            continue
        for group in groups:
            value = group["key"][grouping.field]
            if value in titles:
                group.setdefault("titles", {})[grouping.field] = titles[value]
