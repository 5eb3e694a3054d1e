"""Evaluate JsonLogic rules with the semantics of json-logic-js.

This is the one place the platform runs stored conditions (validation rules, permission
filters, automation triggers, workflow guards); rules are data and are never turned into
Python source. Callers pass context in the data, by convention under ``$`` keys::

    context = {"$user": {"id": 1, "roles": ["admin"]}, "$now": "2026-01-01T00:00:00+00:00"}
    evaluate({"==": [{"var": "$user.id"}, {"var": "owner_id"}]}, {**record, **context})

What callers may rely on:

* Any JSON rule and JSON-like data either evaluates or raises :class:`LogicError` (a
  :class:`~loomworks.errors.BadRequest`); no other exception escapes. Unknown operators
  raise :class:`UnknownOperator`; rules nested deeper than :data:`MAX_DEPTH` are refused.
* Values follow JavaScript (see :mod:`loomworks.logic.jsvalues`), except that a failed
  numeric conversion (``1 < "abc"``, ``1 / 0``) raises a ``NaN`` :class:`LogicError`
  where JS would silently produce ``false`` or ``null``.
* The community extensions (``val``, ``exists``, ``??``, ``try``, ``throw``,
  ``preserve``) are available; :data:`OPERATORS` lists every operator with a summary.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Final

from loomworks.core.registry import DuplicateRegistration
from loomworks.logic import control, dates, operators
from loomworks.logic.errors import (
    INVALID_RULE,
    NOT_A_NUMBER,
    LogicError,
    UnknownOperator,
)
from loomworks.logic.jsvalues import CoercionError, truthy
from loomworks.logic.operators import ArgForm, Context, Operator, Scope

__all__ = ["MAX_DEPTH", "OPERATORS", "LogicError", "UnknownOperator", "evaluate", "truthy"]

#: Deepest nesting of operations and arrays a rule may have. Real rules stay far below;
#: the limit keeps hostile input from exhausting the Python stack.
MAX_DEPTH: Final = 64


def _table(groups: Iterable[Iterable[Operator]]) -> Mapping[str, Operator]:
    table: dict[str, Operator] = {}
    for group in groups:
        for operator in group:
            if operator.name in table:
                message = f"JsonLogic operator {operator.name!r} is defined twice"
                raise DuplicateRegistration(message)
            table[operator.name] = operator
    return MappingProxyType(table)


#: Every supported operator by name (read-only); ``name in OPERATORS`` tells if it exists.
OPERATORS: Final[Mapping[str, Operator]] = _table([operators.BUILTINS, control.BUILTINS, dates.BUILTINS])


def evaluate(rule: Any, data: Any = None) -> Any:
    """The value of ``rule`` for ``data``; raises :class:`LogicError` if it has none."""
    try:
        return _Interpreter().eval(rule, Scope(data))
    except RecursionError as exc:
        # Only data can get here (rules are depth-limited): e.g. comparing deep arrays.
        raise LogicError(
            None, "the data is nested too deeply to evaluate", kind=INVALID_RULE, recoverable=False
        ) from exc


def _structure_error(reason: str, operator: str | None = None) -> LogicError:
    return LogicError(operator, reason, kind=INVALID_RULE, recoverable=False)


class _Interpreter:
    """Walks one rule; holds the current nesting depth for the guard."""

    __slots__ = ("depth",)

    def __init__(self) -> None:
        self.depth = 0

    def eval(self, rule: Any, scope: Scope) -> Any:
        if isinstance(rule, dict):
            return self._operation(rule, scope)
        if isinstance(rule, list):
            self._enter(None)
            try:
                return [self.eval(item, scope) for item in rule]
            finally:
                self.depth -= 1
        return _literal(rule)

    def _enter(self, operator: str | None) -> None:
        if self.depth >= MAX_DEPTH:
            raise _structure_error(f"the rule is nested deeper than {MAX_DEPTH} levels", operator)
        self.depth += 1

    def _operation(self, rule: dict[Any, Any], scope: Scope) -> Any:
        if not rule:
            return {}  # an empty object is data, as in json-logic-js
        if len(rule) != 1:
            keys = ", ".join(repr(key)[:40] for key in list(rule)[:5])
            raise _structure_error(f"an operation has exactly one key, this object has {keys}")
        ((name, raw),) = rule.items()
        if not isinstance(name, str):
            raise _structure_error(f"operator names are strings, not {type(name).__name__}")
        spec = OPERATORS.get(name)
        if spec is None:
            raise UnknownOperator(name)
        self._enter(name)
        try:
            ctx = Context(name, scope, self.eval)
            return spec.fn(self._arguments(spec.form, raw, ctx), ctx)
        except CoercionError as exc:
            raise LogicError(name, str(exc), kind=NOT_A_NUMBER) from exc
        finally:
            self.depth -= 1

    def _arguments(self, form: ArgForm, raw: Any, ctx: Context) -> list[Any]:
        if form is ArgForm.RAW:
            return [raw]
        if isinstance(raw, list):
            return raw if form.lazy else [ctx.eval(arg) for arg in raw]
        if form is ArgForm.LIST:
            raise ctx.fail("needs its arguments written as an array")
        if form is ArgForm.WRAP:
            return [raw]
        value = ctx.eval(raw)
        if form is ArgForm.SPREAD and isinstance(value, list):
            return value
        return [value]


def _literal(value: Any) -> Any:
    """Scalars evaluate to themselves; anything JSON cannot hold is refused."""
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    if isinstance(value, Decimal) and value.is_finite():
        return value
    if isinstance(value, float | Decimal):
        raise _structure_error("NaN and infinities are not JSON numbers")
    raise _structure_error(f"{type(value).__name__} is not a JSON value")
