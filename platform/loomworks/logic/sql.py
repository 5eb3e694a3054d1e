"""Compile JsonLogic filters to SQLAlchemy conditions that agree with the evaluator.

A filter selects exactly the rows for which ``truthy(evaluate(rule, record))`` holds, where
``record`` is the row as the records API returns it: dates ``YYYY-MM-DD``, datetimes in UTC
as ``isoformat()`` writes them (``+00:00``, microseconds only when non-zero), ``null`` for
empty, and an empty list field read as ``null``. Every compiled condition is two-valued:
SQL NULLs are resolved inside each predicate, so ``!`` and ``!=`` never gain or lose rows
through three-valued logic. Faithful includes JS's surprises: a null number orders as 0,
so ``{"<": [{"var": "amount"}, 100]}`` selects rows without an amount, as the browser does.

Supported on record fields: ``var`` (a field, or a one-hop ``relation.field``),
``== != === !==``, ``< <= > >=`` (chained, so ``{"<": [1, {"var": "x"}, 5]}`` is between),
``in`` (a field in a literal array; a literal inside a text or list field; a field inside
a literal text), ``and``, ``or``, ``if``/``?:``, ``!``, ``!!``, ``missing`` and
``missing_some``. ``$user.*`` and ``$now`` come from the scope as constants. A sub-rule
that reads no field is evaluated in Python, so every operator works on constants.

Refused with :class:`UnsupportedFilter` (a 400), and why:

* Iterators, ``val``, ``exists``, ``try``, ``??`` and arithmetic or text operators over
  fields: SQL has no faithful equivalent of their JavaScript behaviour.
* Comparisons where JavaScript would convert text to a number: a text, date or datetime
  field against a number, boolean or null (``==`` null is fine), or a number or boolean
  field against non-numeric text. The evaluator raises for such rows, or the answer rests
  on coercions no filter means. ``==`` against arrays and objects is refused too.
* Ordering two text fields, or a text field against text holding characters from U+D800
  up: JavaScript orders strings by UTF-16 code units, the database (``BINARY``/``"C"``)
  by code point, and the two orders differ only there.
* Text with NUL or unpaired surrogates, which the databases cannot hold.

Dates and datetimes order as their ISO text does, exactly as in the evaluator, so
``{"<": [{"var": "due"}, "2026-01"]}`` means "before the text 2026-01". One deliberate
difference: ordering a null date, datetime or text field against non-numeric text makes
the evaluator raise its ``NaN`` error, where json-logic-js (the browser) answers false;
the filter answers false for such rows, as json-logic-js does.
"""

from __future__ import annotations

import math
import operator as py
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final, Protocol, TypeVar

from sqlalchemy import BigInteger, Boolean, Date, Double, String, and_, case, cast, func, literal, not_, or_
from sqlalchemy import false as sql_false
from sqlalchemy import true as sql_true
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement, False_, True_
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import Integer, TypeEngine

from loomworks.core.sqltypes import UtcDateTime
from loomworks.errors import BadRequest
from loomworks.logic.errors import INVALID_RULE, NOT_A_NUMBER
from loomworks.logic.evaluator import MAX_DEPTH, OPERATORS, LogicError, evaluate
from loomworks.logic.jsvalues import CoercionError, compare, js_type, to_js_string, to_number
from loomworks.logic.jsvalues import truthy as js_truthy
from loomworks.logic.operators import ArgForm

__all__ = ["KINDS", "ColumnRef", "FilterScope", "UnsupportedFilter", "compile_filter"]

#: The kinds of value a filterable column holds (see :class:`ColumnRef`).
KINDS: Final = frozenset({"text", "number", "boolean", "date", "datetime", "json_list"})


@dataclass(frozen=True)
class ColumnRef:
    """Where a variable's value lives: a column or correlated scalar subquery, and its kind.

    ``json_list`` is a JSON array of strings (JSON on SQLite, JSONB on PostgreSQL); SQL
    NULL, JSON ``null`` and ``[]`` all read as ``null``.
    """

    expr: ColumnElement[Any]
    kind: str


class FilterScope(Protocol):
    """What a filter's variables mean; :mod:`loomworks.records.filter_scope` is the real one."""

    def column(self, path: str) -> ColumnRef | None:
        """The column for a field path, None if the path is not a field (``$user.id``)."""

    def constant(self, path: str) -> tuple[bool, Any]:
        """``(True, value)`` for a constant of the request (``$user.*``, ``$now``)."""


class UnsupportedFilter(BadRequest):
    """A valid rule that cannot run as SQL with the evaluator's meaning; a 400, never a 500."""

    code = "unsupported_filter"

    def __init__(self, message: str, *, operator: str | None = None) -> None:
        super().__init__(message, data={"operator": operator})
        self.operator = operator


def _refuse(operator: str | None, reason: str) -> UnsupportedFilter:
    where = f"operator {operator!r}" if operator else "this rule"
    return UnsupportedFilter(f"{where} cannot be used in a filter: {reason}", operator=operator)


def compile_filter(rule: Any, scope: FilterScope) -> ColumnElement[bool]:
    """A two-valued SQL condition true exactly for rows where ``rule`` is truthy.

    Raises :class:`UnsupportedFilter` for what SQL cannot express faithfully and
    :class:`LogicError` for rules the evaluator itself rejects; both are 400s.
    """
    return _truth(_Compiler(scope).term(rule))


# --- what a compiled sub-rule is ------------------------------------------------------------


@dataclass(frozen=True)
class _Const:
    """A value known at compile time (literals, constants, folded sub-rules)."""

    value: Any


@dataclass(frozen=True)
class _Field:
    """A row's value of one kind; ``nullable=False`` marks compiled conditions (booleans)."""

    expr: ColumnElement[Any]
    kind: str
    name: str
    nullable: bool = True


@dataclass(frozen=True)
class _Truth:
    """Only the truthiness is known (``and``/``or`` over non-booleans, ``missing``, ``if``)."""

    expr: ColumnElement[bool]
    name: str


_Term = _Const | _Field | _Truth
_T = TypeVar("_T")
_NEVER: Final = object()  # an equality target no value of the field can meet
_DATA_READERS: Final = frozenset({"var", "val", "exists", "missing", "missing_some"})
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


def _condition(expr: ColumnElement[bool]) -> _Term:
    """A compiled comparison: a boolean value, folded when SQLAlchemy already knows it."""
    if isinstance(expr, True_ | False_):
        return _Const(isinstance(expr, True_))
    return _Field(expr, "boolean", "(condition)", nullable=False)


def _evaluate(rule: Any) -> Any:
    """The evaluator on a sub-rule that reads no row; its value is the filter's constant."""
    try:
        return evaluate(rule)
    except UnicodeError as exc:  # lone surrogates cannot be ordered as UTF-16
        raise _refuse(None, "text with unpaired surrogate characters cannot be compared") from exc


def _sql_bool(value: bool) -> ColumnElement[bool]:
    return sql_true() if value else sql_false()


# --- the walk over the rule -----------------------------------------------------------------


class _Compiler:
    """Turns one rule into terms; holds the scope and the nesting depth guard."""

    def __init__(self, scope: FilterScope) -> None:
        self.scope = scope
        self.depth = 0

    def term(self, rule: Any) -> _Term:
        if isinstance(rule, list):
            items = self._nested(None, lambda: [self.term(item) for item in rule])
            values = [item.value for item in items if isinstance(item, _Const)]
            if len(values) == len(items):
                return _Const(values)
            raise _refuse(None, "an array holding record fields is not a value SQL can build")
        if not isinstance(rule, dict) or len(rule) != 1:
            return _Const(_evaluate(rule))  # scalars, {} and the evaluator's shape errors
        ((name, raw),) = rule.items()
        if not isinstance(name, str) or name not in OPERATORS:
            return _Const(_evaluate(rule))  # raises UnknownOperator with the evaluator's words
        return self._nested(name, lambda: self._operation(name, raw))

    def _nested(self, name: str | None, build: Callable[[], _T]) -> _T:
        if self.depth >= MAX_DEPTH:
            reason = f"the rule is nested deeper than {MAX_DEPTH} levels"
            raise LogicError(name, reason, kind=INVALID_RULE, recoverable=False)
        self.depth += 1
        try:
            return build()
        finally:
            self.depth -= 1

    def _operation(self, name: str, raw: Any) -> _Term:
        handler = _HANDLERS.get(name)
        if handler is not None:
            return handler(self, name, raw)
        if name == "preserve":
            return _Const(raw)
        if name in ("val", "exists"):
            raise _refuse(name, "read record fields with 'var'")
        if OPERATORS[name].form in (ArgForm.SPREAD, ArgForm.SINGLE) or name == "??":
            return self.fold(name, self.arguments(name, raw), "it cannot be applied to a field")
        if _reads_no_data(raw):
            return _Const(_evaluate({name: raw}))
        raise _refuse(name, "SQL cannot run it over record data")

    def arguments(self, name: str, raw: Any) -> list[_Term]:
        """Evaluated arguments, spread like the evaluator spreads an array-valued argument."""
        if isinstance(raw, list):
            return [self.term(item) for item in raw]
        value = self.term(raw)
        if OPERATORS[name].form is ArgForm.SPREAD:
            if isinstance(value, _Const) and isinstance(value.value, list):
                return [_Const(item) for item in value.value]
            if isinstance(value, _Field) and value.kind == "json_list":
                raise _refuse(name, f"list field {value.name!r} cannot be its argument list")
        return [value]

    @staticmethod
    def rules(name: str, raw: Any) -> list[Any]:
        """Unevaluated arguments of a lazy operator, which must be written as an array."""
        if not isinstance(raw, list):
            raise LogicError(name, "needs its arguments written as an array")
        return raw

    @staticmethod
    def fold(name: str, args: list[_Term], reason: str) -> _Const:
        """Evaluate an operator over constant arguments, exactly as the evaluator would."""
        values = []
        for arg in args:
            if not isinstance(arg, _Const):
                raise _refuse(name, reason)
            values.append({"preserve": arg.value})
        return _Const(_evaluate({name: values}))

    def resolve(self, path: str, default: Any = None) -> _Term:
        """A variable: a field of the row, or a constant of the scope."""
        ref = self.scope.column(path)
        if ref is not None:
            if ref.kind not in KINDS:
                raise _refuse("var", f"{path!r} is not a filterable field")
            if default is not None and "." in path:
                raise _refuse("var", "a default cannot stand in for a missing related record")
            return _Field(ref.expr, ref.kind, path)
        found, value = self.scope.constant(path)
        if not found:
            raise _refuse("var", f"{path[:100]!r} is not a field or a known variable")
        if value is None and default is not None:
            raise _refuse("var", f"{path[:100]!r} is empty, and a default cannot apply here")
        return _Const(value)

    def missing_flag(self, key: Any) -> bool | ColumnElement[bool]:
        """Whether one ``missing`` path is null or empty text, as the evaluator decides it."""
        if key is None or key == "":
            return False  # the path of the whole data, which is never missing
        value = self.resolve(to_js_string(key))
        if isinstance(value, _Const):
            return value.value is None or value.value == ""
        assert isinstance(value, _Field)
        if value.kind == "text":
            return or_(value.expr.is_(None), value.expr == _text_literal(""))
        return _is_null(value)


def _reads_no_data(rule: Any, depth: int = 0) -> bool:
    if depth > MAX_DEPTH:
        return False
    if isinstance(rule, list):
        return all(_reads_no_data(item, depth + 1) for item in rule)
    if isinstance(rule, dict) and len(rule) == 1:
        ((name, raw),) = rule.items()
        return name == "preserve" or (name not in _DATA_READERS and _reads_no_data(raw, depth + 1))
    return True


# --- operators ------------------------------------------------------------------------------


def _var(c: _Compiler, name: str, raw: Any) -> _Term:
    args = c.arguments(name, raw)
    values = [arg.value for arg in args if isinstance(arg, _Const)]
    if len(values) != len(args):
        raise _refuse(name, "the path must be written as a literal")
    path = values[0] if values else None
    if path is None or path == "":
        raise _refuse(name, "the whole record is not a value SQL can compare")
    default = values[1] if len(values) > 1 else None
    return c.resolve(to_js_string(path), default)


def _missing(c: _Compiler, name: str, raw: Any) -> _Term:
    args = c.arguments(name, raw)
    if args and isinstance(args[0], _Const) and isinstance(args[0].value, list):
        args = [_Const(item) for item in args[0].value]
    keys = [arg.value for arg in args if isinstance(arg, _Const)]
    if len(keys) != len(args):
        raise _refuse(name, "the paths must be written as literals")
    flags = [c.missing_flag(key) for key in keys]
    if all(isinstance(flag, bool) for flag in flags):
        return _Const([key for key, flag in zip(keys, flags, strict=True) if flag])
    return _Truth(or_(*[_sql_bool(f) if isinstance(f, bool) else f for f in flags]), name)


def _missing_some(c: _Compiler, name: str, raw: Any) -> _Term:
    args = c.arguments(name, raw)
    if len(args) < 2 or not isinstance(args[1], _Const) or not isinstance(args[1].value, list):
        raise LogicError(name, "needs a count and an array of paths")
    if not isinstance(args[0], _Const):
        raise _refuse(name, "the count must be written as a literal")
    try:
        need = to_number(args[0].value)
    except CoercionError as exc:
        raise LogicError(name, str(exc), kind=NOT_A_NUMBER) from exc
    paths = args[1].value
    flags = [c.missing_flag(path) for path in paths]
    if all(isinstance(flag, bool) for flag in flags):
        absent = [path for path, flag in zip(paths, flags, strict=True) if flag]
        return _Const([] if len(paths) - len(absent) >= need else absent)
    count: ColumnElement[Any] = literal(sum(flag is True for flag in flags), BigInteger())
    for flag in flags:
        if not isinstance(flag, bool):
            count = count + case((flag, 1), else_=0)
    too_few = _order_number(">", count, len(paths) - need)  # present = len - count < need
    return _Truth(and_(too_few, count > 0), name)


def _comparison(c: _Compiler, name: str, raw: Any) -> _Term:
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
            return _Const(False)
        parts.append(pair)
        left = right
    return _condition(and_(*parts))


def _logic(c: _Compiler, name: str, raw: Any) -> _Term:
    stop = js_truthy if name == "or" else (lambda value: not js_truthy(value))
    terms: list[_Term] = []
    for rule in c.rules(name, raw):
        term = c.term(rule)
        terms.append(term)
        if isinstance(term, _Const) and stop(term.value):
            break  # the evaluator never looks further either
    if all(isinstance(t, _Const) for t in terms):
        return c.fold(name, terms, "")
    truths = [_truth(t) for t in terms]
    combined = or_(*truths) if name == "or" else and_(*truths)
    if all(_is_boolean(t) for t in terms):
        return _condition(combined)
    return _Truth(combined, name)


def _if(c: _Compiler, name: str, raw: Any) -> _Term:
    rules = c.rules(name, raw)
    branches: list[tuple[ColumnElement[bool], ColumnElement[bool]]] = []
    fallback: _Term = _Const(None)
    index = 0
    while index < len(rules):
        if index + 1 == len(rules):
            fallback = c.term(rules[index])
            break
        test = c.term(rules[index])
        if not isinstance(test, _Const):
            branches.append((_truth(test), _truth(c.term(rules[index + 1]))))
        elif js_truthy(test.value):
            fallback = c.term(rules[index + 1])
            break
        index += 2
    if not branches:
        return fallback
    return _Truth(case(*branches, else_=_truth(fallback)), name)


def _not(c: _Compiler, name: str, raw: Any) -> _Term:
    args = c.arguments(name, raw)
    if not args or isinstance(args[0], _Const):
        return c.fold(name, args[:1], "")
    truth = _truth(args[0])
    return _condition(not_(truth) if name == "!" else truth)


def _in(c: _Compiler, name: str, raw: Any) -> _Term:
    args = c.arguments(name, raw)
    if len(args) < 2:
        raise LogicError(name, "needs a value and a string or array to look in")
    if all(isinstance(arg, _Const) for arg in args[:2]):
        return c.fold(name, args[:2], "")
    needle, haystack = args[0], args[1]
    for side in (needle, haystack):
        if isinstance(side, _Truth):
            raise _refuse(name, f"the value of {side.name!r} is only usable as a condition")
    if isinstance(haystack, _Const):
        assert isinstance(needle, _Field)
        found = haystack.value
        if isinstance(found, list):
            return _condition(_member_of(needle, found))
        if isinstance(found, str):
            return _condition(_field_in_text(needle, found))
        if found is None:
            return _Const(False)
        raise _refuse(name, f"cannot look inside {js_type(found)}")
    if not isinstance(needle, _Const):
        raise _refuse(name, "it finds a field in a literal or a literal in a field, not a field in a field")
    assert isinstance(haystack, _Field)
    if haystack.kind == "text":
        return _condition(_text_has(haystack, to_js_string(needle.value)))
    if haystack.kind == "json_list":
        if not isinstance(needle.value, str):
            return _Const(False)  # list fields hold strings, and 'in' compares with ===
        return _condition(_ListHas(haystack.expr, _text_literal(needle.value)))
    raise _refuse(name, f"it looks inside text or list fields, not {haystack.kind} field {haystack.name!r}")


_Handler = Callable[[_Compiler, str, Any], _Term]
_HANDLERS: Final[dict[str, _Handler]] = {
    "var": _var,
    "missing": _missing,
    "missing_some": _missing_some,
    "and": _logic,
    "or": _logic,
    "if": _if,
    "?:": _if,
    "!": _not,
    "!!": _not,
    "in": _in,
    **{op: _comparison for op in ("==", "!=", "===", "!==", "<", "<=", ">", ">=")},
}


# --- comparisons --------------------------------------------------------------------------------


def _pair(name: str, left: _Term, right: _Term) -> ColumnElement[bool]:
    """One link of a comparison chain, as a two-valued condition."""
    if isinstance(left, _Const) and isinstance(right, _Const):
        pair = [{"preserve": left.value}, {"preserve": right.value}]
        return _sql_bool(js_truthy(_evaluate({name: pair})))
    op = {"!=": "==", "!==": "==="}.get(name, name)
    if isinstance(left, _Const):
        left, right, op = right, left, _FLIPPED[op]  # JS comparisons are antisymmetric
    for side in (left, right):
        if isinstance(side, _Truth):
            raise _refuse(name, f"the value of {side.name!r} is only usable as a condition")
    assert isinstance(left, _Field) and not isinstance(right, _Truth)
    if op in ("==", "==="):
        result = _equality(name, left, right, strict=op == "===")
        return not_(result) if name in ("!=", "!==") else result
    return _ordering(name, op, left, right)


def _equality(name: str, x: _Field, other: _Const | _Field, strict: bool) -> ColumnElement[bool]:
    if isinstance(other, _Field):
        if x.kind != other.kind or x.kind == "json_list":
            reason = f"fields {x.name!r} ({x.kind}) and {other.name!r} ({other.kind}) can only "
            raise _refuse(name, reason + "be compared when they are of the same kind, not lists")
        return _value(x).is_not_distinct_from(_value(other))
    if other.value is None:
        return _is_null(x)
    target = _target(name, x, other.value, strict)
    return sql_false() if target is _NEVER else _equals(x, target)


def _target(name: str, x: _Field, value: Any, strict: bool) -> Any:
    """The one value of the field that equals ``value`` (``==``, or ``===`` if strict).

    :data:`_NEVER` when no value of the field can; refused where JS would coerce text
    to a number or compare identities, which no filter means.
    """
    kind, jtype = x.kind, js_type(value)
    if kind == "json_list":
        if strict and jtype != "array":
            return _NEVER
        raise _refuse(name, f"list field {x.name!r} can only be compared with null")
    if jtype == _NATURAL[kind]:
        return _own_value(kind, value)
    if strict:
        return _NEVER
    if jtype in ("array", "object"):
        raise _refuse(name, f"field {x.name!r} cannot be compared with an {jtype}")
    if _NATURAL[kind] == "string":
        reason = f"{kind} field {x.name!r} compared with {_show(value)} would be converted to "
        raise _refuse(name, reason + "a number; compare it with a string")
    number = _as_number(value)
    if number is None:
        raise _refuse(name, f"{_show(value)} is not a number, so {x.name!r} cannot equal it")
    if kind == "number":
        return number if math.isfinite(number) else _NEVER
    return {1.0: True, 0.0: False}.get(number, _NEVER)


def _own_value(kind: str, value: Any) -> Any:
    if kind == "number":
        number = to_number(value)
        return number if math.isfinite(number) else _NEVER
    if kind in ("date", "datetime"):
        exact = _temporal_of(kind, value)
        return _NEVER if exact is None else exact
    return value


def _equals(x: _Field, target: Any) -> ColumnElement[bool]:
    if x.kind == "boolean":
        return _is_bool(x, bool(target))
    return and_(x.expr.is_not(None), _value(x) == _literal_for(x, target))


def _member_of(x: _Field, items: list[Any]) -> ColumnElement[bool]:
    """``{"in": [field, [items]]}``: strict equality with any item."""
    parts = [_is_null(x)] if any(item is None for item in items) else []
    targets = [_target("in", x, item, strict=True) for item in items if item is not None]
    wanted = [target for target in targets if target is not _NEVER]
    if wanted and x.kind == "boolean":
        parts.extend(_is_bool(x, flag) for flag in set(wanted))
    elif wanted:
        values = [_literal_for(x, target) for target in wanted]
        parts.append(and_(x.expr.is_not(None), _value(x).in_(values)))
    return or_(*parts) if parts else sql_false()


def _field_in_text(x: _Field, text: str) -> ColumnElement[bool]:
    """``{"in": [field, "text"]}``: the field's JS string form is a substring of ``text``."""
    null_found = "null" in text  # String(null) is "null"
    if x.kind == "text":
        inside = and_(x.expr.is_not(None), _Contains(_text_literal(text, "in"), x.expr))
        return or_(x.expr.is_(None), inside) if null_found else inside
    if x.kind == "boolean":
        parts = [_is_bool(x, flag) for flag in (True, False) if str(flag).lower() in text]
        return or_(_is_null(x), *parts) if null_found else or_(sql_false(), *parts)
    raise _refuse("in", f"{x.kind} field {x.name!r} cannot be looked for inside text")


def _text_has(x: _Field, needle: str) -> ColumnElement[bool]:
    """``{"in": ["text", field]}``: a case-sensitive substring test; null holds nothing."""
    if needle == "":
        return x.expr.is_not(None)
    return and_(x.expr.is_not(None), _Contains(x.expr, _text_literal(needle, "in")))


def _ordering(name: str, op: str, x: _Field, other: _Const | _Field) -> ColumnElement[bool]:
    if isinstance(other, _Field):
        return _order_fields(name, op, x, other)
    value = other.value
    if x.kind in ("number", "boolean"):
        number = _as_number(value)
        if number is None:
            raise _refuse(name, f"{_show(value)} is not a number to order {x.name!r} against")
        return _order_number(op, _number_or_zero(x), number)
    if x.kind == "json_list":
        raise _refuse(name, f"list field {x.name!r} cannot be ordered")
    if not isinstance(value, str):
        reason = f"{x.kind} field {x.name!r} can only be ordered against a string, "
        raise _refuse(name, reason + f"not {_show(value)} (JavaScript would convert it)")
    if x.kind == "text":
        present = _ORDER[op](_Binary(x.expr), _text_literal(value, name, ordered=True))
    else:
        _check_text(value, name)  # compare() cannot order lone surrogates
        present = _order_temporal(op, x, value)
    # A null field orders as the number 0; against non-numeric text that is NaN, i.e. false.
    number = _as_number(value)
    if number is not None and _ORDER[op](0.0, number):
        return or_(x.expr.is_(None), present)
    return and_(x.expr.is_not(None), present)


def _order_fields(name: str, op: str, x: _Field, y: _Field) -> ColumnElement[bool]:
    numeric = ("number", "boolean")
    if x.kind in numeric and y.kind in numeric:
        result: ColumnElement[bool] = _ORDER[op](_number_or_zero(x), _number_or_zero(y))
        return result
    if x.kind == y.kind and x.kind in ("date", "datetime"):
        both = and_(x.expr.is_not(None), y.expr.is_not(None), _ORDER[op](x.expr, y.expr))
        if op in ("<=", ">="):  # null against null is 0 against 0; one null is NaN
            return or_(both, and_(x.expr.is_(None), y.expr.is_(None)))
        return both
    reason = f"{x.kind} field {x.name!r} and {y.kind} field {y.name!r} cannot be ordered"
    if x.kind == y.kind == "text":
        reason += " against each other: JavaScript orders text by UTF-16 code units"
    raise _refuse(name, reason)


def _order_number(op: str, expr: ColumnElement[Any], number: float) -> ColumnElement[bool]:
    if not math.isfinite(number):  # every stored number orders like 0 against infinity
        return _sql_bool(_ORDER[op](0.0, number))
    result: ColumnElement[bool] = _ORDER[op](expr, _number_literal(number))
    return result


def _order_temporal(op: str, x: _Field, text: str) -> ColumnElement[bool]:
    """Order a date/datetime field as its ISO text orders against ``text`` (JS semantics).

    ISO text grows with time, so the rows whose text is below ``text`` are exactly those
    before one boundary value, found by bisection over every representable value.
    """
    over = op in ("<=", ">")  # the boundary is the first value whose text is > text, else >=
    first = _first(x.kind, lambda iso: compare(iso, text) >= (1 if over else 0))
    below = op in ("<", "<=")
    if first is None:
        return _sql_bool(below)
    bound = literal(first, _TEMPORAL_TYPES[x.kind]())
    return x.expr < bound if below else x.expr >= bound


# --- values in SQL ------------------------------------------------------------------------------


def _truth(term: _Term) -> ColumnElement[bool]:
    """JsonLogic truthiness as a two-valued condition."""
    if isinstance(term, _Const):
        return _sql_bool(js_truthy(term.value))
    if isinstance(term, _Truth):
        return term.expr
    expr = term.expr
    if term.kind == "boolean":
        return _is_bool(term, True)
    if term.kind == "json_list":
        return _ListNonEmpty(expr)
    if term.kind == "text":
        return and_(expr.is_not(None), expr != _text_literal(""))
    if term.kind == "number":
        return and_(expr.is_not(None), expr != 0)
    return expr.is_not(None)  # ISO text is never empty


def _is_boolean(term: _Term) -> bool:
    if isinstance(term, _Const):
        return isinstance(term.value, bool)
    return isinstance(term, _Field) and term.kind == "boolean" and not term.nullable


def _is_bool(x: _Field, flag: bool) -> ColumnElement[bool]:
    if not x.nullable:
        return x.expr if flag else not_(x.expr)
    return x.expr.is_(sql_true() if flag else sql_false())


def _is_null(x: _Field) -> ColumnElement[bool]:
    if not x.nullable:
        return sql_false()
    if x.kind == "json_list":
        return not_(_ListNonEmpty(x.expr))
    return x.expr.is_(None)


def _value(x: _Field) -> ColumnElement[Any]:
    """The field as SQL compares it; decimals become doubles, as JS numbers are."""
    if x.kind == "number" and not isinstance(x.expr.type, Integer):
        return cast(x.expr, Double())
    return x.expr


def _number_or_zero(x: _Field) -> ColumnElement[Any]:
    """The number JS relational operators see: null is 0, booleans are 0 and 1."""
    if x.kind == "boolean":
        return case((_is_bool(x, True), 1), else_=0)
    return func.coalesce(_value(x), 0)


def _literal_for(x: _Field, value: Any) -> ColumnElement[Any]:
    if x.kind == "number":
        return _number_literal(value)
    if x.kind in _TEMPORAL_TYPES:
        return literal(value, _TEMPORAL_TYPES[x.kind]())
    return _text_literal(value)


def _number_literal(number: float) -> ColumnElement[Any]:
    # Typed explicitly: a bind typed after an integer column would truncate 2.5 on PostgreSQL.
    if number.is_integer() and abs(number) <= 2**53:
        return literal(int(number), BigInteger())
    return literal(number, Double())


def _text_literal(text: str, name: str | None = None, ordered: bool = False) -> ColumnElement[Any]:
    _check_text(text, name, ordered)
    return literal(text, String())


def _check_text(text: str, name: str | None, ordered: bool = False) -> None:
    if "\x00" in text or any("\ud800" <= char <= "\udfff" for char in text):
        raise _refuse(name, "text with NUL or unpaired surrogate characters cannot be stored")
    if ordered and any(char >= "\ud800" for char in text):
        reason = "text with characters from U+D800 up orders differently in JavaScript (UTF-16)"
        raise _refuse(name, reason + " and in the database")


def _as_number(value: Any) -> float | None:
    try:
        return to_number(value)
    except CoercionError:
        return None


def _show(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else to_js_string(value)
    return f"{js_type(value)} {text if len(text) <= 40 else text[:37] + '...'}"


# --- dates and datetimes as the record JSON writes them -------------------------------------------

_EPOCH: Final = datetime(1, 1, 1, tzinfo=UTC)
_TICK: Final = timedelta(microseconds=1)
_TEMPORAL_TYPES: Final[dict[str, Callable[[], TypeEngine[Any]]]] = {
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


def _temporal_of(kind: str, text: str) -> date | datetime | None:
    """The value whose record-JSON text is exactly ``text``, if there is one."""
    if not text.isascii():
        return None  # ISO text is ASCII
    first = _first(kind, lambda iso: compare(iso, text) >= 0)
    return first if first is not None and first.isoformat() == text else None


# --- constructs that differ between SQLite and PostgreSQL ----------------------------------------


class _Binary(FunctionElement[str]):
    """Text ordered by code point, whatever collation the column or database has."""

    type = String()
    name = "binary_text"
    inherit_cache = True


class _Contains(FunctionElement[bool]):
    """Whether the second text occurs in the first; case-sensitive (unlike SQLite's LIKE)."""

    type = Boolean()
    name = "contains_text"
    inherit_cache = True


class _ListHas(FunctionElement[bool]):
    """Whether a JSON array holds the string; false for NULL, JSON null and non-arrays."""

    type = Boolean()
    name = "list_has"
    inherit_cache = True


class _ListNonEmpty(FunctionElement[bool]):
    """Whether a JSON value is a non-empty array; false for NULL and JSON null."""

    type = Boolean()
    name = "list_non_empty"
    inherit_cache = True


def _arg(compiler: SQLCompiler, element: FunctionElement[Any], index: int, **kw: Any) -> str:
    return str(compiler.process(list(element.clauses)[index], **kw))


@compiles(_Binary)
def _binary_sqlite(element: _Binary, compiler: SQLCompiler, **kw: Any) -> str:
    return f"({_arg(compiler, element, 0, **kw)}) COLLATE BINARY"


@compiles(_Binary, "postgresql")
def _binary_pg(element: _Binary, compiler: SQLCompiler, **kw: Any) -> str:
    return f'({_arg(compiler, element, 0, **kw)}) COLLATE "C"'


@compiles(_Contains)
def _contains_sqlite(element: _Contains, compiler: SQLCompiler, **kw: Any) -> str:
    return f"(instr({_arg(compiler, element, 0, **kw)}, {_arg(compiler, element, 1, **kw)}) > 0)"


@compiles(_Contains, "postgresql")
def _contains_pg(element: _Contains, compiler: SQLCompiler, **kw: Any) -> str:
    return f"(strpos({_arg(compiler, element, 0, **kw)}, {_arg(compiler, element, 1, **kw)}) > 0)"


@compiles(_ListHas)
def _list_has_sqlite(element: _ListHas, compiler: SQLCompiler, **kw: Any) -> str:
    items = f"json_each({_arg(compiler, element, 0, **kw)}) AS lw_item"
    match = f"lw_item.type = 'text' AND lw_item.value = {_arg(compiler, element, 1, **kw)}"
    array = f"json_type({_arg(compiler, element, 0, **kw)}) = 'array'"
    return f"coalesce({array} AND EXISTS (SELECT 1 FROM {items} WHERE {match}), 0)"


@compiles(_ListHas, "postgresql")
def _list_has_pg(element: _ListHas, compiler: SQLCompiler, **kw: Any) -> str:
    value = f"CAST({_arg(compiler, element, 0, **kw)} AS JSONB)"
    item = f"jsonb_build_array(CAST({_arg(compiler, element, 1, **kw)} AS TEXT))"
    return f"coalesce(jsonb_typeof({value}) = 'array' AND {value} @> {item}, false)"


@compiles(_ListNonEmpty)
def _list_non_empty_sqlite(element: _ListNonEmpty, compiler: SQLCompiler, **kw: Any) -> str:
    return f"(coalesce(json_array_length({_arg(compiler, element, 0, **kw)}), 0) > 0)"


@compiles(_ListNonEmpty, "postgresql")
def _list_non_empty_pg(element: _ListNonEmpty, compiler: SQLCompiler, **kw: Any) -> str:
    value = f"CAST({_arg(compiler, element, 0, **kw)} AS JSONB)"
    return f"coalesce(jsonb_typeof({value}) = 'array' AND {value} <> '[]'::jsonb, false)"
