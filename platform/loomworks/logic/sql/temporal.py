"""Dates and datetimes as the record JSON writes them, and as the evaluator compares them.

The evaluator sees ``YYYY-MM-DD`` and UTC ``isoformat()`` text and orders it as text; the
database holds real dates. The bridge is that ISO text grows with time, so any test on the
text is a range of values whose bound can be found by bisection.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final

from sqlalchemy import Date, literal
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import TypeEngine

from loomworks.core.sqltypes import UtcDateTime
from loomworks.logic.jsvalues import compare
from loomworks.logic.sql.terms import Field, sql_bool

_EPOCH: Final = datetime(1, 1, 1, tzinfo=UTC)
_TICK: Final = timedelta(microseconds=1)
TEMPORAL_TYPES: Final[dict[str, Callable[[], TypeEngine[Any]]]] = {
    "date": Date,
    "datetime": UtcDateTime,
}


def _nth(kind: str, index: int) -> date | datetime:
    return date.fromordinal(index + 1) if kind == "date" else _EPOCH + index * _TICK


def _count(kind: str) -> int:
    if kind == "date":
        return date.max.toordinal()
    return (datetime.max.replace(tzinfo=UTC) - _EPOCH) // _TICK + 1


def _first(kind: str, reached: Callable[[str], bool]) -> date | datetime | None:
    """The earliest value whose ISO text satisfies ``reached`` (monotone in time), if any."""
    low, high = 0, _count(kind)
    while low < high:
        middle = (low + high) // 2
        if reached(_nth(kind, middle).isoformat()):
            high = middle
        else:
            low = middle + 1
    return None if low == _count(kind) else _nth(kind, low)


def temporal_of(kind: str, text: str) -> date | datetime | None:
    """The value whose record-JSON text is exactly ``text``, if there is one."""
    if not text.isascii():
        return None  # ISO text is ASCII
    first = _first(kind, lambda iso: compare(iso, text) >= 0)
    return first if first is not None and first.isoformat() == text else None


def order_temporal(op: str, x: Field, text: str) -> ColumnElement[bool]:
    """Order a date/datetime field as its ISO text orders against ``text`` (JS semantics).

    ISO text grows with time, so the rows whose text is below ``text`` are exactly those
    before one boundary value, found by bisection over every representable value.
    """
    over = op in ("<=", ">")  # the boundary is the first value whose text is > text, else >=
    first = _first(x.kind, lambda iso: compare(iso, text) >= (1 if over else 0))
    below = op in ("<", "<=")
    if first is None:
        return sql_bool(below)
    bound = literal(first, TEMPORAL_TYPES[x.kind]())
    return x.expr < bound if below else x.expr >= bound
