"""Sub-rules that read no row are evaluated in Python, by the evaluator itself.

That is what lets every operator work on constants in a filter, with exactly the
evaluator's meaning and errors: the compiler never reimplements an operator for them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

from loomworks.logic.evaluator import evaluate
from loomworks.logic.sql.errors import refuse
from loomworks.logic.sql.values import has_surrogate

_ORDERINGS: Final = frozenset({"<", "<=", ">", ">="})


def evaluate_constant(rule: Any) -> Any:
    """The evaluator on a sub-rule that reads no row; its value is the filter's constant.

    Ordering text that holds unpaired surrogates is refused, although the evaluator
    answers it: filters keep to text the databases can hold (see
    :func:`~loomworks.logic.sql.values.check_text`), and constants are no exception.
    """
    value = evaluate(rule)
    if not _ORDERINGS.isdisjoint(_operator_names(rule)) and any(map(has_surrogate, _texts(rule))):
        raise refuse(None, "text with unpaired surrogate characters cannot be compared")
    return value


def _operator_names(rule: Any) -> Iterator[Any]:
    """Every operator the rule applies; preserved data is not looked into."""
    pending = [rule]
    while pending:
        part = pending.pop()
        if isinstance(part, list):
            pending.extend(part)
        elif isinstance(part, dict) and len(part) == 1:
            ((name, raw),) = part.items()
            yield name
            if name != "preserve":
                pending.append(raw)


def _texts(value: Any) -> Iterator[str]:
    """Every string in a rule or value, object keys included; iterative, as data nests deep."""
    pending = [value]
    while pending:
        part = pending.pop()
        if isinstance(part, str):
            yield part
        elif isinstance(part, list):
            pending.extend(part)
        elif isinstance(part, dict):
            pending.extend(part)
            pending.extend(part.values())
