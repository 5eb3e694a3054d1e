"""Reading a JsonLogic rule without running it: which operators it uses, which variables it names.

Definitions are checked when saved (formulas, form rules, validations): an unknown
operator or a variable naming no field is an error then, not a surprise at run time.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


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
    """Every literal ``var`` name a rule reads (``""`` is the whole data)."""
    if isinstance(rule, dict) and len(rule) == 1:
        operator, args = next(iter(rule.items()))
        if operator == "var":
            name = args[0] if isinstance(args, list) and args else args
            if isinstance(name, str):
                yield name
            return
        for arg in args if isinstance(args, list) else [args]:
            yield from variables(arg)
    elif isinstance(rule, list):
        for item in rule:
            yield from variables(item)
