"""JavaScript values and truthiness as SQL expressions over a field's column.

Every helper here resolves SQL NULL itself, so the conditions built from them stay
two-valued and ``!`` never gains or loses rows through three-valued logic.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Double, String, and_, case, cast, func, literal, not_
from sqlalchemy import false as sql_false
from sqlalchemy import true as sql_true
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import Integer

from loomworks.logic.jsvalues import CoercionError, to_number
from loomworks.logic.jsvalues import truthy as js_truthy
from loomworks.logic.sql.dialects import ListNonEmpty
from loomworks.logic.sql.errors import refuse
from loomworks.logic.sql.temporal import TEMPORAL_TYPES
from loomworks.logic.sql.terms import Const, Field, Term, Truth, sql_bool


def truth_of(term: Term) -> ColumnElement[bool]:
    """JsonLogic truthiness as a two-valued condition."""
    if isinstance(term, Const):
        return sql_bool(js_truthy(term.value))
    if isinstance(term, Truth):
        return term.expr
    expr = term.expr
    if term.kind == "boolean":
        return is_bool(term, True)
    if term.kind == "json_list":
        return ListNonEmpty(expr)
    if term.kind == "text":
        return and_(expr.is_not(None), expr != text_literal(""))
    if term.kind == "number":
        return and_(expr.is_not(None), expr != 0)
    return expr.is_not(None)  # ISO text is never empty


def is_boolean(term: Term) -> bool:
    """Whether the term's value is always a boolean, so combining it keeps a value."""
    if isinstance(term, Const):
        return isinstance(term.value, bool)
    return isinstance(term, Field) and term.kind == "boolean" and not term.nullable


def is_bool(x: Field, flag: bool) -> ColumnElement[bool]:
    """Whether a boolean field holds ``flag``; false for null."""
    if not x.nullable:
        return x.expr if flag else not_(x.expr)
    return x.expr.is_(sql_true() if flag else sql_false())


def is_null(x: Field) -> ColumnElement[bool]:
    """Whether the field reads as ``null`` in the record JSON (an empty list does too)."""
    if not x.nullable:
        return sql_false()
    if x.kind == "json_list":
        return not_(ListNonEmpty(x.expr))
    return x.expr.is_(None)


def sql_value(x: Field) -> ColumnElement[Any]:
    """The field as SQL compares it; decimals become doubles, as JS numbers are."""
    if x.kind == "number" and not isinstance(x.expr.type, Integer):
        return cast(x.expr, Double())
    return x.expr


def number_or_zero(x: Field) -> ColumnElement[Any]:
    """The number JS relational operators see: null is 0, booleans are 0 and 1."""
    if x.kind == "boolean":
        return case((is_bool(x, True), 1), else_=0)
    return func.coalesce(sql_value(x), 0)


def literal_for(x: Field, value: Any) -> ColumnElement[Any]:
    """A bound value typed to compare with the field."""
    if x.kind == "number":
        return number_literal(value)
    if x.kind in TEMPORAL_TYPES:
        return literal(value, TEMPORAL_TYPES[x.kind]())
    return text_literal(value)


def number_literal(number: float) -> ColumnElement[Any]:
    """A JS number as a bound value."""
    # Typed explicitly: a bind typed after an integer column would truncate 2.5 on PostgreSQL.
    if number.is_integer() and abs(number) <= 2**53:
        return literal(int(number), BigInteger())
    return literal(number, Double())


def text_literal(text: str, name: str | None = None, ordered: bool = False) -> ColumnElement[Any]:
    """Text as a bound value, refused where the database cannot hold or order it like JS."""
    check_text(text, name, ordered)
    return literal(text, String())


def check_text(text: str, name: str | None, ordered: bool = False) -> None:
    """Refuse text the databases cannot hold, or (``ordered``) cannot order as JS does."""
    if "\x00" in text or has_surrogate(text):
        raise refuse(name, "text with NUL or unpaired surrogate characters cannot be stored")
    if ordered and any(char >= "\ud800" for char in text):
        reason = "text with characters from U+D800 up orders differently in JavaScript (UTF-16)"
        raise refuse(name, reason + " and in the database")


def has_surrogate(text: str) -> bool:
    """Whether text holds a code point from U+D800 to U+DFFF, which strict UTF-8 refuses.

    In a Python string every such code point is unpaired, even a high one next to a low one.
    """
    return any("\ud800" <= char <= "\udfff" for char in text)


def as_number(value: Any) -> float | None:
    """JS ``Number(value)``, or None where that would be ``NaN``."""
    try:
        return to_number(value)
    except CoercionError:
        return None
