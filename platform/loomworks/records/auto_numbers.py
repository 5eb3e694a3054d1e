"""Auto-numbers: taken from ``lw_sequences`` so no two records ever share one.

A record is numbered when it is created. Records that existed before their
entity had the auto-number field (or were created while it was removed) are
numbered when the field becomes live, in id order; a soft-deleted record that
missed that is numbered when it is restored. Either way the number's date part
is the record's ``created_at``, so a record gets the number it would have got
had the field always existed, and the counters are consumed so later records
continue after them.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, bindparam, select, update

from ..core.db import upsert
from ..fields.base import FieldSpec
from ..fields.computed import AUTO_NUMBER_TOKEN
from ..fields.entity import EntitySpec
from .models import sequences

DATE_FORMATS = {"YYYY": "%Y", "YY": "%y", "MM": "%m", "DD": "%d"}
BATCH = 1000


def next_auto_number(conn: Connection, entity: str, fspec: FieldSpec, now: datetime) -> str:
    pattern = str(fspec.options["pattern"])
    counter = _take(conn, entity, fspec.key, _period(pattern, now), 1)
    return _render(pattern, now, counter)


def missing_numbers(conn: Connection, spec: EntitySpec, row: dict[str, Any]) -> dict[str, str]:
    """Numbers for the auto-number fields a stored row has none for (a record being restored)."""
    return {
        fspec.key: next_auto_number(conn, spec.key, fspec, row["created_at"])
        for fspec in spec.fields_of_type("auto_number")
        if row.get(fspec.key) is None
    }


def number_existing(conn: Connection, spec: EntitySpec, table: Table, fields: list[FieldSpec]) -> int:
    """Number the live rows of ``table`` that have no value in ``fields``; returns how many."""
    numbered = 0
    for fspec in fields:
        pattern = str(fspec.options["pattern"])
        column = table.c[fspec.key]
        rows = conn.execute(
            select(table.c.id, table.c.created_at)
            .where(table.c.deleted_at.is_(None), column.is_(None))
            .order_by(table.c.id)
        ).all()
        by_period: dict[str, list[tuple[Any, datetime]]] = defaultdict(list)
        for row_id, created_at in rows:
            by_period[_period(pattern, created_at)].append((row_id, created_at))
        values: list[dict[str, Any]] = []
        for period, members in by_period.items():
            last = _take(conn, spec.key, fspec.key, period, len(members))
            first = last - len(members) + 1
            values.extend(
                {"_id": row_id, "_number": _render(pattern, created_at, first + offset)}
                for offset, (row_id, created_at) in enumerate(members)
            )
        statement = update(table).where(table.c.id == bindparam("_id")).values({fspec.key: bindparam("_number")})
        for start in range(0, len(values), BATCH):
            conn.execute(statement, values[start : start + BATCH])
        numbered += len(values)
    return numbered


def _period(pattern: str, when: datetime) -> str:
    """The date part of a number; the counter restarts whenever it changes (``{YYYY}``: yearly)."""
    return "".join(when.strftime(DATE_FORMATS[t]) for t in AUTO_NUMBER_TOKEN.findall(pattern) if not t.startswith("0"))


def _render(pattern: str, when: datetime, counter: int) -> str:
    def token(match: Any) -> str:
        name = match.group(1)
        if name.startswith("0"):
            return str(counter).zfill(len(name))
        return when.strftime(DATE_FORMATS[name])

    return AUTO_NUMBER_TOKEN.sub(token, pattern)


def _take(conn: Connection, entity: str, field: str, period: str, count: int) -> int:
    """Atomically take ``count`` counter values and return the last (an upsert that locks the row)."""
    values = {"entity": entity, "field": field, "period": period, "value": count}
    keys = ["entity", "field", "period"]
    statement = upsert(conn, sequences, values, keys, {"value": sequences.c.value + count}).returning(sequences.c.value)
    return int(conn.execute(statement).scalar_one())


def next_counter(conn: Connection, owner: str, name: str) -> int:
    """1, 2, 3, ... per (owner, name), atomically: the auto-number sequence mechanism, lent to
    other counters (a rule's round-robin turn), so concurrent writers never share a value."""
    return _take(conn, owner[:63], name[:63], "", 1)
