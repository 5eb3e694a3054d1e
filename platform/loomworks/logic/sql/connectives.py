"""``and``, ``or``, ``if``/``?:``, ``!`` and ``!!``: truths of sub-rules combined.

They short-circuit on constants exactly where the evaluator does, so a sub-rule the
evaluator would never look at is never compiled (nor refused) either.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, case, not_, or_
from sqlalchemy.sql.elements import ColumnElement

from loomworks.logic.jsvalues import truthy as js_truthy
from loomworks.logic.sql.terms import Const, Term, Truth, condition
from loomworks.logic.sql.values import is_boolean, truth_of

if TYPE_CHECKING:
    from loomworks.logic.sql.walker import Compiler


def connective(c: Compiler, name: str, raw: Any) -> Term:
    """``and``/``or``: a boolean value over booleans, otherwise only a truth."""
    stop = js_truthy if name == "or" else (lambda value: not js_truthy(value))
    terms: list[Term] = []
    for rule in c.rules(name, raw):
        term = c.term(rule)
        terms.append(term)
        if isinstance(term, Const) and stop(term.value):
            break  # the evaluator never looks further either
    if all(isinstance(t, Const) for t in terms):
        return c.fold(name, terms, "")
    truths = [truth_of(t) for t in terms]
    combined = or_(*truths) if name == "or" else and_(*truths)
    if all(is_boolean(t) for t in terms):
        return condition(combined)
    return Truth(combined, name)


def branch(c: Compiler, name: str, raw: Any) -> Term:
    """``if``/``?:``: constant tests pick their branch now, the others become a CASE."""
    rules = c.rules(name, raw)
    branches: list[tuple[ColumnElement[bool], ColumnElement[bool]]] = []
    fallback: Term = Const(None)
    index = 0
    while index < len(rules):
        if index + 1 == len(rules):
            fallback = c.term(rules[index])
            break
        test = c.term(rules[index])
        if not isinstance(test, Const):
            branches.append((truth_of(test), truth_of(c.term(rules[index + 1]))))
        elif js_truthy(test.value):
            fallback = c.term(rules[index + 1])
            break
        index += 2
    if not branches:
        return fallback
    return Truth(case(*branches, else_=truth_of(fallback)), name)


def negation(c: Compiler, name: str, raw: Any) -> Term:
    """``!`` and ``!!``: a boolean value, whatever the operand's kind."""
    args = c.arguments(name, raw)
    if not args or isinstance(args[0], Const):
        return c.fold(name, args[:1], "")
    truth = truth_of(args[0])
    return condition(not_(truth) if name == "!" else truth)
