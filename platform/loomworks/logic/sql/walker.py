"""The walk over a rule: each operation dispatched to its handler, constants folded.

A handler gets the :class:`Compiler`, the operator's name and its raw arguments, and
returns a :class:`~loomworks.logic.sql.terms.Term`; the walker owns what every handler
shares: spreading arguments as the evaluator does, folding constants, resolving variables
and the nesting guard.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final, TypeVar

from sqlalchemy import or_
from sqlalchemy.sql.elements import ColumnElement

from loomworks.logic.errors import INVALID_RULE
from loomworks.logic.evaluator import MAX_DEPTH, OPERATORS, LogicError
from loomworks.logic.jsvalues import to_js_string
from loomworks.logic.operators import ArgForm
from loomworks.logic.sql import comparisons, connectives, membership, variables
from loomworks.logic.sql.errors import refuse
from loomworks.logic.sql.folding import evaluate_constant
from loomworks.logic.sql.scope import KINDS, FilterScope
from loomworks.logic.sql.terms import Const, Field, Term
from loomworks.logic.sql.values import is_null, text_literal, truth_of

_T = TypeVar("_T")
_DATA_READERS: Final = frozenset({"var", "val", "exists", "missing", "missing_some"})


def compile_filter(rule: Any, scope: FilterScope) -> ColumnElement[bool]:
    """A two-valued SQL condition true exactly for rows where ``rule`` is truthy.

    Raises :class:`~loomworks.logic.sql.errors.UnsupportedFilter` for what SQL cannot
    express faithfully and :class:`LogicError` for rules the evaluator itself rejects;
    both are 400s.
    """
    return truth_of(Compiler(scope).term(rule))


class Compiler:
    """Turns one rule into terms; holds the scope and the nesting depth guard."""

    def __init__(self, scope: FilterScope) -> None:
        self.scope = scope
        self.depth = 0

    def term(self, rule: Any) -> Term:
        if isinstance(rule, list):
            items = self._nested(None, lambda: [self.term(item) for item in rule])
            values = [item.value for item in items if isinstance(item, Const)]
            if len(values) == len(items):
                return Const(values)
            raise refuse(None, "an array holding record fields is not a value SQL can build")
        if not isinstance(rule, dict) or len(rule) != 1:
            return Const(evaluate_constant(rule))  # scalars, {} and the evaluator's shape errors
        ((name, raw),) = rule.items()
        if not isinstance(name, str) or name not in OPERATORS:
            return Const(evaluate_constant(rule))  # raises UnknownOperator with the evaluator's words
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

    def _operation(self, name: str, raw: Any) -> Term:
        handler = _HANDLERS.get(name)
        if handler is not None:
            return handler(self, name, raw)
        if name == "preserve":
            return Const(raw)
        if name in ("val", "exists"):
            raise refuse(name, "read record fields with 'var'")
        if OPERATORS[name].form in (ArgForm.SPREAD, ArgForm.SINGLE) or name == "??":
            return self.fold(name, self.arguments(name, raw), "it cannot be applied to a field")
        if _reads_no_data(raw):
            return Const(evaluate_constant({name: raw}))
        raise refuse(name, "SQL cannot run it over record data")

    def arguments(self, name: str, raw: Any) -> list[Term]:
        """Evaluated arguments, spread like the evaluator spreads an array-valued argument."""
        if isinstance(raw, list):
            return [self.term(item) for item in raw]
        value = self.term(raw)
        if OPERATORS[name].form is ArgForm.SPREAD:
            if isinstance(value, Const) and isinstance(value.value, list):
                return [Const(item) for item in value.value]
            if isinstance(value, Field) and value.kind == "json_list":
                raise refuse(name, f"list field {value.name!r} cannot be its argument list")
        return [value]

    @staticmethod
    def rules(name: str, raw: Any) -> list[Any]:
        """Unevaluated arguments of a lazy operator, which must be written as an array."""
        if not isinstance(raw, list):
            raise LogicError(name, "needs its arguments written as an array")
        return raw

    @staticmethod
    def fold(name: str, args: list[Term], reason: str) -> Const:
        """Evaluate an operator over constant arguments, exactly as the evaluator would."""
        values = []
        for arg in args:
            if not isinstance(arg, Const):
                raise refuse(name, reason)
            values.append({"preserve": arg.value})
        return Const(evaluate_constant({name: values}))

    def resolve(self, path: str, default: Any = None) -> Term:
        """A variable: a field of the row, or a constant of the scope."""
        ref = self.scope.column(path)
        if ref is not None:
            if ref.kind not in KINDS:
                raise refuse("var", f"{path!r} is not a filterable field")
            if default is not None and "." in path:
                raise refuse("var", "a default cannot stand in for a missing related record")
            return Field(ref.expr, ref.kind, path)
        found, value = self.scope.constant(path)
        if not found:
            raise refuse("var", f"{path[:100]!r} is not a field or a known variable")
        if value is None and default is not None:
            raise refuse("var", f"{path[:100]!r} is empty, and a default cannot apply here")
        return Const(value)

    def missing_flag(self, key: Any) -> bool | ColumnElement[bool]:
        """Whether one ``missing`` path is null or empty text, as the evaluator decides it."""
        if key is None or key == "":
            return False  # the path of the whole data, which is never missing
        value = self.resolve(to_js_string(key))
        if isinstance(value, Const):
            return value.value is None or value.value == ""
        assert isinstance(value, Field)
        if value.kind == "text":
            return or_(value.expr.is_(None), value.expr == text_literal(""))
        return is_null(value)


def _reads_no_data(rule: Any, depth: int = 0) -> bool:
    if depth > MAX_DEPTH:
        return False
    if isinstance(rule, list):
        return all(_reads_no_data(item, depth + 1) for item in rule)
    if isinstance(rule, dict) and len(rule) == 1:
        ((name, raw),) = rule.items()
        return name == "preserve" or (name not in _DATA_READERS and _reads_no_data(raw, depth + 1))
    return True


_Handler = Callable[[Compiler, str, Any], Term]
_HANDLERS: Final[dict[str, _Handler]] = {
    "var": variables.variable,
    "missing": variables.missing,
    "missing_some": variables.missing_some,
    "and": connectives.connective,
    "or": connectives.connective,
    "if": connectives.branch,
    "?:": connectives.branch,
    "!": connectives.negation,
    "!!": connectives.negation,
    "in": membership.membership,
    **{op: comparisons.comparison for op in ("==", "!=", "===", "!==", "<", "<=", ">", ">=")},
}
