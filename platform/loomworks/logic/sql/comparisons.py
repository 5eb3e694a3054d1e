"""``== != === !==`` and ``< <= > >=``: one field against a constant or another field.

Each link of a chain becomes a two-valued condition. Equality is reduced to the one value
of the field that equals the constant, so JS coercion happens here, once, in Python;
ordering follows JS's numbers-or-text rule, refusing the cases SQL would order otherwise.
"""

from __future__ import annotations

import math
import operator as py
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import and_, not_, or_
from sqlalchemy import false as sql_false
from sqlalchemy.sql.elements import ColumnElement, False_

from loomworks.logic.errors import LogicError
from loomworks.logic.jsvalues import js_type, to_number
from loomworks.logic.jsvalues import truthy as js_truthy
from loomworks.logic.sql.dialects import Binary
from loomworks.logic.sql.errors import refuse, show
from loomworks.logic.sql.folding import evaluate_constant
from loomworks.logic.sql.temporal import order_temporal, temporal_of
from loomworks.logic.sql.terms import Const, Field, Term, Truth, condition, sql_bool
from loomworks.logic.sql.values import (
    as_number,
    check_text,
    is_bool,
    is_null,
    literal_for,
    number_literal,
    number_or_zero,
    sql_value,
    text_literal,
)

if TYPE_CHECKING:
    from loomworks.logic.sql.walker import Compiler

NEVER: Final = object()  # an equality target no value of the field can meet
_FLIPPED: Final = {"<": ">", ">": "<", "<=": ">=", ">=": "<=", "==": "==", "===": "==="}
_ORDER: Final[dict[str, Callable[[Any, Any], Any]]] = {
    "<": py.lt,
    "<=": py.le,
    ">": py.gt,
    ">=": py.ge,
}
_NATURAL: Final = {
    "text": "string",
    "date": "string",
    "datetime": "string",
    "number": "number",
    "boolean": "boolean",
}


def comparison(c: Compiler, name: str, raw: Any) -> Term:
    """Chained pairwise like the evaluator, stopping (and compiling no further) at a false pair."""
    rules = c.rules(name, raw)
    if len(rules) < 2:
        raise LogicError(name, "needs at least two arguments to compare")
    parts = []
    left = c.term(rules[0])
    for rule in rules[1:]:
        right = c.term(rule)
        pair = _pair(name, left, right)
        if isinstance(pair, False_):
            return Const(False)
        parts.append(pair)
        left = right
    return condition(and_(*parts))


def _pair(name: str, left: Term, right: Term) -> ColumnElement[bool]:
    """One link of a comparison chain, as a two-valued condition."""
    if isinstance(left, Const) and isinstance(right, Const):
        pair = [{"preserve": left.value}, {"preserve": right.value}]
        return sql_bool(js_truthy(evaluate_constant({name: pair})))
    op = {"!=": "==", "!==": "==="}.get(name, name)
    if isinstance(left, Const):
        left, right, op = right, left, _FLIPPED[op]  # JS comparisons are antisymmetric
    for side in (left, right):
        if isinstance(side, Truth):
            raise refuse(name, f"the value of {side.name!r} is only usable as a condition")
    assert isinstance(left, Field) and not isinstance(right, Truth)
    if op in ("==", "==="):
        result = _equality(name, left, right, strict=op == "===")
        return not_(result) if name in ("!=", "!==") else result
    return _ordering(name, op, left, right)


def _equality(name: str, x: Field, other: Const | Field, strict: bool) -> ColumnElement[bool]:
    if isinstance(other, Field):
        if x.kind != other.kind or x.kind == "json_list":
            reason = f"fields {x.name!r} ({x.kind}) and {other.name!r} ({other.kind}) can only "
            raise refuse(name, reason + "be compared when they are of the same kind, not lists")
        return sql_value(x).is_not_distinct_from(sql_value(other))
    if other.value is None:
        return is_null(x)
    target_value = target(name, x, other.value, strict)
    return sql_false() if target_value is NEVER else _equals(x, target_value)


def target(name: str, x: Field, value: Any, strict: bool) -> Any:
    """The one value of the field that equals ``value`` (``==``, or ``===`` if strict).

    :data:`NEVER` when no value of the field can; refused where JS would coerce text
    to a number or compare identities, which no filter means.
    """
    kind, jtype = x.kind, js_type(value)
    if kind == "json_list":
        if strict and jtype != "array":
            return NEVER
        raise refuse(name, f"list field {x.name!r} can only be compared with null")
    if jtype == _NATURAL[kind]:
        return _own_value(kind, value)
    if strict:
        return NEVER
    if jtype in ("array", "object"):
        raise refuse(name, f"field {x.name!r} cannot be compared with an {jtype}")
    if _NATURAL[kind] == "string":
        reason = f"{kind} field {x.name!r} compared with {show(value)} would be converted to "
        raise refuse(name, reason + "a number; compare it with a string")
    number = as_number(value)
    if number is None:
        raise refuse(name, f"{show(value)} is not a number, so {x.name!r} cannot equal it")
    if kind == "number":
        return number if math.isfinite(number) else NEVER
    return {1.0: True, 0.0: False}.get(number, NEVER)


def _own_value(kind: str, value: Any) -> Any:
    if kind == "number":
        number = to_number(value)
        return number if math.isfinite(number) else NEVER
    if kind in ("date", "datetime"):
        exact = temporal_of(kind, value)
        return NEVER if exact is None else exact
    return value


def _equals(x: Field, target_value: Any) -> ColumnElement[bool]:
    if x.kind == "boolean":
        return is_bool(x, bool(target_value))
    return and_(x.expr.is_not(None), sql_value(x) == literal_for(x, target_value))


def _ordering(name: str, op: str, x: Field, other: Const | Field) -> ColumnElement[bool]:
    if isinstance(other, Field):
        return _order_fields(name, op, x, other)
    value = other.value
    if x.kind in ("number", "boolean"):
        number = as_number(value)
        if number is None:
            raise refuse(name, f"{show(value)} is not a number to order {x.name!r} against")
        return order_number(op, number_or_zero(x), number)
    if x.kind == "json_list":
        raise refuse(name, f"list field {x.name!r} cannot be ordered")
    if not isinstance(value, str):
        reason = f"{x.kind} field {x.name!r} can only be ordered against a string, "
        raise refuse(name, reason + f"not {show(value)} (JavaScript would convert it)")
    if x.kind == "text":
        present = _ORDER[op](Binary(x.expr), text_literal(value, name, ordered=True))
    else:
        check_text(value, name)  # NUL and lone surrogates are refused as for text fields
        present = order_temporal(op, x, value)
    # A null field orders as the number 0; against non-numeric text that is NaN, i.e. false.
    number = as_number(value)
    if number is not None and _ORDER[op](0.0, number):
        return or_(x.expr.is_(None), present)
    return and_(x.expr.is_not(None), present)


def _order_fields(name: str, op: str, x: Field, y: Field) -> ColumnElement[bool]:
    numeric = ("number", "boolean")
    if x.kind in numeric and y.kind in numeric:
        result: ColumnElement[bool] = _ORDER[op](number_or_zero(x), number_or_zero(y))
        return result
    if x.kind == y.kind and x.kind in ("date", "datetime"):
        both = and_(x.expr.is_not(None), y.expr.is_not(None), _ORDER[op](x.expr, y.expr))
        if op in ("<=", ">="):  # null against null is 0 against 0; one null is NaN
            return or_(both, and_(x.expr.is_(None), y.expr.is_(None)))
        return both
    reason = f"{x.kind} field {x.name!r} and {y.kind} field {y.name!r} cannot be ordered"
    if x.kind == y.kind == "text":
        reason += " against each other: JavaScript orders text by UTF-16 code units"
    raise refuse(name, reason)


def order_number(op: str, expr: ColumnElement[Any], number: float) -> ColumnElement[bool]:
    """``expr op number`` as JS orders numbers; ``op`` is one of ``< <= > >=``."""
    if not math.isfinite(number):  # every stored number orders like 0 against infinity
        return sql_bool(_ORDER[op](0.0, number))
    result: ColumnElement[bool] = _ORDER[op](expr, number_literal(number))
    return result
