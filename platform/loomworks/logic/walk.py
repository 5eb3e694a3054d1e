"""Reading a JsonLogic rule without running it: which operators it uses, which variables it names.

Definitions are checked when saved (formulas, form rules, validations): an unknown
operator or a variable naming no field is an error then, not a surprise at run time.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

#: Operators whose arguments after the first run over each element of the first (a list), so
#: their ``var`` names an element's property (``current``/``accumulator`` for reduce), not data.
SCOPED = frozenset({"map", "filter", "reduce", "all", "some", "none"})


def operators(rule: Any) -> Iterable[str]:
    """Every operator a rule (or any JSON holding rules) uses, depth first."""
    if isinstance(rule, dict) and len(rule) == 1:
        operator, args = next(iter(rule.items()))
        yield operator
        for arg in args if isinstance(args, list) else [args]:
            yield from operators(arg)
    elif isinstance(rule, list):
        for item in rule:
            yield from operators(item)


def variables(rule: Any) -> Iterable[str]:
    """Every literal ``var`` name a rule reads from the data (``""`` is the whole data); names
    inside the per-element argument of ``map``/``filter``/``reduce``/``all``/``some``/``none``
    read the element and are not listed (the list they walk is)."""
    if isinstance(rule, dict) and len(rule) == 1:
        operator, args = next(iter(rule.items()))
        if operator == "var":
            name = args[0] if isinstance(args, list) and args else args
            if isinstance(name, str):
                yield name
            return
        arguments = args if isinstance(args, list) else [args]
        if operator in SCOPED:
            arguments = arguments[:1] + arguments[2:3] if operator == "reduce" else arguments[:1]
        for arg in arguments:
            yield from variables(arg)
    elif isinstance(rule, list):
        for item in rule:
            yield from variables(item)


def bind_variables(rule: Any, data: dict[str, Any], names: tuple[str, ...]) -> Any:
    """The rule with every literal ``var`` whose first segment is one of ``names`` replaced by
    its value in ``data``: the context of one moment (``$user.id``, ``$record.company``) made
    constant, so the rule can be evaluated or compiled to SQL where that context is absent."""
    from .evaluator import evaluate  # the evaluator's own modules import this one

    if isinstance(rule, dict) and len(rule) == 1 and "var" in rule:
        found = list(variables(rule))
        if found and found[0].partition(".")[0] in names:
            return {"preserve": evaluate(rule, data)}
        return rule
    if isinstance(rule, dict):
        return {key: bind_variables(value, data, names) for key, value in rule.items()}
    if isinstance(rule, list):
        return [bind_variables(item, data, names) for item in rule]
    return rule
